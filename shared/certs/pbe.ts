/**
 * Password-based decryption of PKCS#12 contents and PKCS#8 keys.
 *
 * - PBES2 (OpenSSL 3 default: PBKDF2-HMAC-SHA256 + AES-256-CBC) runs on Node's crypto:
 *   forge's PBES2 support cannot take large iteration counts quickly and hands the password
 *   over as a JavaScript string.
 * - The legacy PKCS#12 schemes (pbeWithSHAAnd3-KeyTripleDES-CBC, pbeWithSHAAnd40BitRC2-CBC as
 *   Windows and `openssl pkcs12 -legacy` write them) use forge's RC2 and 3DES: RC2 is only in
 *   OpenSSL's legacy provider, which Node does not load.
 */
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import forge from 'node-forge';
import { Asn1ShapeError, algorithm, integer, isUniversal, octets, sequence, Tag, type Asn1 } from './asn1.ts';
import { CertError } from './errors.ts';
import { messages } from './messages.ts';
import { OID, oidName } from './oids.ts';
import { chargeKdf, chargeScrypt } from './kdf-limits.ts';
import { KDF_ID, pkcs12Kdf } from './pkcs12-kdf.ts';

/** The password in both encodings the standards use. */
export interface PasswordBytes {
  /** For PBES2/PBKDF2: the UTF-8 bytes. */
  utf8: Buffer;
  /** For the PKCS#12 KDF: BMPString with trailing NUL (or empty for "no password"). */
  bmp: Buffer;
}

/** The data did not decrypt: in practice, the password is wrong. */
export class DecryptionFailed extends Error {
  constructor(message = 'decryption failed') {
    super(message);
    this.name = 'DecryptionFailed';
  }
}

/** A positive iteration count; each derivation charges it (kdf-limits.ts) before it runs. */
function iterations(node: Asn1 | undefined): number {
  const count = integer(node, 'iteration count');
  if (count < 1) {
    throw new CertError(
      'UNSUPPORTED_ALGORITHM',
      messages.unsupportedAlgorithm(`an iteration count of ${count}`),
    );
  }
  return count;
}

function unsupported(oid: string, role: string): CertError {
  return new CertError(
    'UNSUPPORTED_ALGORITHM',
    messages.unsupportedAlgorithm(
      `${role} ${oidName(oid)} — export again with AES-256 (OpenSSL 3 default, Windows "AES256-SHA256")`,
    ),
  );
}

/** Decrypts `data` encrypted with the AlgorithmIdentifier `alg` (PBES2 or a PKCS#12 PBE). */
export function pbeDecrypt(alg: Asn1 | undefined, data: Buffer, password: PasswordBytes): Buffer {
  const { oid, params } = algorithm(alg, 'encryption algorithm');
  if (oid === OID.pbes2) return pbes2Decrypt(params, data, password.utf8);
  const legacy = LEGACY[oid];
  if (!legacy) {
    // A key in a scheme we do not implement goes to Node (keys.ts), which would derive with
    // whatever count the file asks for: PBES1 and the PKCS#12 PBEs share this parameter shape.
    const [, countNode] = isUniversal(params, Tag.SEQUENCE) ? sequence(params, 'PBE parameters') : [];
    if (isUniversal(countNode, Tag.INTEGER)) chargeKdf(iterations(countNode), 'encryption');
    throw unsupported(oid, 'encryption');
  }
  const [saltNode, countNode] = sequence(params, 'PKCS#12 PBE parameters');
  const salt = octets(saltNode, 'salt');
  const count = iterations(countNode);
  chargeKdf(count, 'encryption');
  const key = pkcs12Kdf('sha1', password.bmp, salt, count, KDF_ID.key, legacy.keyBytes);
  chargeKdf(count, 'encryption');
  const iv = pkcs12Kdf('sha1', password.bmp, salt, count, KDF_ID.iv, 8);
  return legacy.decrypt(key, iv, data);
}

type LegacyCipher = { keyBytes: number; decrypt: (key: Buffer, iv: Buffer, data: Buffer) => Buffer };

const LEGACY: Record<string, LegacyCipher> = {
  [OID.pbeWithSHAAnd3KeyTripleDESCBC]: {
    keyBytes: 24,
    decrypt: (k, iv, d) => forgeDecrypt(tripleDes(k), iv, d),
  },
  // Two-key 3DES is three-key 3DES with K3 = K1.
  [OID.pbeWithSHAAnd2KeyTripleDESCBC]: {
    keyBytes: 16,
    decrypt: (k, iv, d) => forgeDecrypt(tripleDes(Buffer.concat([k, k.subarray(0, 8)])), iv, d),
  },
  [OID.pbeWithSHAAnd128BitRC2CBC]: { keyBytes: 16, decrypt: (k, iv, d) => forgeDecrypt(rc2(k, 128), iv, d) },
  [OID.pbeWithSHAAnd40BitRC2CBC]: { keyBytes: 5, decrypt: (k, iv, d) => forgeDecrypt(rc2(k, 40), iv, d) },
};

interface ForgeDecipher {
  start(iv: string): void;
  update(input: forge.util.ByteBuffer): void;
  finish(pad?: (blockSize: number, buffer: forge.util.ByteBuffer, decrypt: boolean) => boolean): boolean;
  output: forge.util.ByteBuffer;
}

function tripleDes(key: Buffer): ForgeDecipher {
  const decipher = forge.cipher.createDecipher('3DES-CBC', key.toString('binary'));
  return {
    start: (iv) => decipher.start({ iv }),
    update: (input) => decipher.update(input),
    finish: (pad) => (decipher.finish as (p?: unknown) => boolean)(pad),
    get output() {
      return decipher.output;
    },
  };
}

function rc2(key: Buffer, effectiveBits: number): ForgeDecipher {
  return forge.rc2.createDecryptionCipher(key.toString('binary'), effectiveBits);
}

function forgeDecrypt(decipher: ForgeDecipher, iv: Buffer, data: Buffer): Buffer {
  if (data.length === 0 || data.length % 8 !== 0)
    throw new DecryptionFailed('ciphertext is not a whole number of blocks');
  decipher.start(iv.toString('binary'));
  decipher.update(forge.util.createBuffer(data.toString('binary')));
  // Keep the padding: we check it ourselves, strictly (forge's RC2 check is lax).
  decipher.finish(() => true);
  return unpad(Buffer.from(decipher.output.getBytes(), 'binary'), 8);
}

/** PKCS#7 padding; a wrong key leaves random bytes here, so this is the password check when there is no MAC. */
function unpad(plain: Buffer, blockSize: number): Buffer {
  const count = plain[plain.length - 1] ?? 0;
  if (count < 1 || count > blockSize || count > plain.length) throw new DecryptionFailed('bad padding');
  for (let i = plain.length - count; i < plain.length; i++)
    if (plain[i] !== count) throw new DecryptionFailed('bad padding');
  return plain.subarray(0, plain.length - count);
}

const PRF_DIGEST: Record<string, string> = {
  [OID.hmacWithSHA1]: 'sha1',
  [OID.hmacWithSHA224]: 'sha224',
  [OID.hmacWithSHA256]: 'sha256',
  [OID.hmacWithSHA384]: 'sha384',
  [OID.hmacWithSHA512]: 'sha512',
};

const PBES2_CIPHERS: Record<string, { name: string; keyBytes: number }> = {
  [OID.aes128CBC]: { name: 'aes-128-cbc', keyBytes: 16 },
  [OID.aes192CBC]: { name: 'aes-192-cbc', keyBytes: 24 },
  [OID.aes256CBC]: { name: 'aes-256-cbc', keyBytes: 32 },
  [OID.desEde3CBC]: { name: 'des-ede3-cbc', keyBytes: 24 },
};

function pbes2Decrypt(params: Asn1 | undefined, data: Buffer, password: Buffer): Buffer {
  const [kdfNode, schemeNode] = sequence(params, 'PBES2 parameters');
  const kdf = algorithm(kdfNode, 'PBES2 key derivation');
  // Charged before anything can be found unsupported: keys.ts then hands the key to Node, which
  // would derive with whatever the file asks for.
  if (kdf.oid === OID.scrypt) {
    const [, n, r, p] = sequence(kdf.params, 'scrypt parameters');
    chargeScrypt(integer(n, 'scrypt N'), integer(r, 'scrypt r'), integer(p, 'scrypt p'));
  }
  if (kdf.oid !== OID.pbkdf2) throw unsupported(kdf.oid, 'key derivation');
  const fields = sequence(kdf.params, 'PBKDF2 parameters');
  const salt = octets(fields[0], 'PBKDF2 salt');
  const count = iterations(fields[1]);
  chargeKdf(count, 'encryption');

  const scheme = algorithm(schemeNode, 'PBES2 encryption scheme');
  const cipher = PBES2_CIPHERS[scheme.oid];
  if (!cipher) throw unsupported(scheme.oid, 'encryption');
  if (!isUniversal(scheme.params, Tag.OCTET_STRING)) throw new Asn1ShapeError('PBES2: the IV is missing');
  const iv = octets(scheme.params, 'IV');
  let digest = 'sha1'; // RFC 8018 default PRF
  let keyBytes = cipher.keyBytes;
  for (const field of fields.slice(2)) {
    if (isUniversal(field, Tag.INTEGER)) keyBytes = integer(field, 'PBKDF2 key length');
    else {
      const prf = algorithm(field, 'PBKDF2 PRF').oid;
      const name = PRF_DIGEST[prf];
      if (!name) throw unsupported(prf, 'PBKDF2 PRF');
      digest = name;
    }
  }
  if (keyBytes !== cipher.keyBytes)
    throw new Asn1ShapeError(`PBES2: key length ${keyBytes} does not fit ${cipher.name}`);
  const key = pbkdf2Sync(password, salt, count, keyBytes, digest);
  try {
    const decipher = createDecipheriv(cipher.name, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (error) {
    throw new DecryptionFailed(error instanceof Error ? error.message : String(error));
  }
}
