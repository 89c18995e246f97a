/**
 * Private keys in every container we accept, all ending as a Node KeyObject (forge cannot
 * represent EC keys at all, so keys never stay in forge form).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Asn1ShapeError, algorithm, isUniversal, octets, parseDer, sequence, Tag } from './asn1.ts';
import { CertError } from './errors.ts';
import { messages } from './messages.ts';
import { oidName } from './oids.ts';
import { DecryptionFailed, pbeDecrypt, type PasswordBytes } from './pbe.ts';
import { bmpPassword } from './pkcs12-kdf.ts';

/** Unencrypted PKCS#8 DER → KeyObject, naming an unknown key algorithm instead of failing vaguely. */
export function keyFromPkcs8(der: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    const algorithm = pkcs8AlgorithmName(der);
    if (algorithm && (error as { code?: string }).code === 'ERR_OSSL_UNSUPPORTED') {
      throw new CertError(
        'UNSUPPORTED_ALGORITHM',
        messages.unsupportedAlgorithm(`private key type ${algorithm}`),
        { cause: error },
      );
    }
    throw error;
  }
}

function pkcs8AlgorithmName(der: Buffer): string | undefined {
  try {
    const [, alg] = sequence(parseDer(der), 'PrivateKeyInfo');
    return oidName(algorithm(alg, 'private key algorithm').oid);
  } catch {
    return undefined;
  }
}

/**
 * EncryptedPrivateKeyInfo DER → PKCS#8 DER. Throws DecryptionFailed when the password does
 * not fit (bad padding, or the plaintext is not a PrivateKeyInfo).
 */
export function decryptPkcs8(der: Buffer, password: PasswordBytes): Buffer {
  const [alg, data] = sequence(parseDer(der), 'EncryptedPrivateKeyInfo');
  if (!isUniversal(data, Tag.OCTET_STRING))
    throw new Asn1ShapeError('EncryptedPrivateKeyInfo: expected an OCTET STRING');
  const plain = pbeDecrypt(alg, octets(data, 'encrypted key'), password);
  try {
    sequence(parseDer(plain), 'PrivateKeyInfo');
  } catch {
    throw new DecryptionFailed('the decrypted key is not a PrivateKeyInfo');
  }
  return plain;
}

/** Password bytes for a standalone encrypted PKCS#8 key (PBES2 takes UTF-8, PKCS#12 PBE takes BMP). */
export function passwordBytes(password: string): PasswordBytes {
  return { utf8: Buffer.from(password, 'utf8'), bmp: bmpPassword(password) };
}

/**
 * An encrypted PKCS#8 key (PEM "ENCRYPTED PRIVATE KEY" or its DER). Our own decryption first —
 * the same code that opens PFX files, including the legacy RC2/3DES schemes Node cannot do —
 * then Node's for schemes we do not implement (PBES1 with DES or MD5).
 */
export function readEncryptedPkcs8(der: Buffer, password: string | undefined, what: string): KeyObject {
  if (password === undefined) throw new CertError('PASSWORD_REQUIRED', messages.passwordRequired(what));
  try {
    return keyFromPkcs8(decryptPkcs8(der, passwordBytes(password)));
  } catch (error) {
    if (error instanceof DecryptionFailed)
      throw new CertError('WRONG_PASSWORD', messages.wrongPassword(what), { cause: error });
    if (!(error instanceof CertError) || error.code !== 'UNSUPPORTED_ALGORITHM') throw error;
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase: password });
    } catch {
      throw error;
    }
  }
}

/** The public half in SPKI DER: the one comparison that works for RSA, EC and EdDSA alike. */
export function spki(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

export function keyToPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
