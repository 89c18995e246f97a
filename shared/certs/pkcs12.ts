/**
 * PKCS#12 (PFX/P12) reader. Forge reads the ASN.1; we do the rest because forge's own
 * pkcs12FromAsn1 turns every certificate and key into forge objects, and forge cannot
 * represent EC keys or certificates with EC keys — half of what admins export today.
 *
 * Password handling follows OpenSSL: the MAC and the legacy ciphers take the password as a
 * BMPString, PBES2 as UTF-8; an empty password is tried both as "" (two NUL bytes) and as
 * "no password" (zero bytes), which Windows and OpenSSL write differently.
 */
import { createHmac, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import {
  Asn1ShapeError,
  algorithm,
  child,
  children,
  integer,
  isContext,
  isUniversal,
  octets,
  oid,
  parseDer,
  sequence,
  Tag,
  text,
  toDer,
  type Asn1,
} from './asn1.ts';
import { CertError } from './errors.ts';
import { chargeKdf } from './kdf-limits.ts';
import { decryptPkcs8, keyFromPkcs8 } from './keys.ts';
import { messages } from './messages.ts';
import { OID, oidName } from './oids.ts';
import { DecryptionFailed, pbeDecrypt, type PasswordBytes } from './pbe.ts';
import { bmpPassword, KDF_ID, pkcs12Kdf, widenedUtf8Password, type Pkcs12Digest } from './pkcs12-kdf.ts';

export interface Pkcs12Certificate {
  cert: X509Certificate;
  /** The "friendly name" Windows shows, when the PFX has one. */
  friendlyName?: string;
}

export interface Pkcs12Contents {
  keys: KeyObject[];
  certificates: Pkcs12Certificate[];
}

const WHAT = 'PFX';

/** True when the ASN.1 has the outer shape of a PFX: SEQUENCE { INTEGER 3, ContentInfo, … }. */
export function looksLikePkcs12(root: Asn1): boolean {
  if (!isUniversal(root, Tag.SEQUENCE) || !Array.isArray(root.value)) return false;
  const [version, authSafe] = root.value;
  if (!isUniversal(version, Tag.INTEGER) || !isUniversal(authSafe, Tag.SEQUENCE)) return false;
  try {
    return (
      integer(version, 'version') === 3 &&
      oid(children(authSafe, 'authSafe')[0], 'contentType').startsWith('1.2.840.113549.1.7.')
    );
  } catch {
    return false;
  }
}

/**
 * Opens a PFX. `password` undefined means none was given: the empty forms are tried and
 * PASSWORD_REQUIRED is thrown when they do not fit, so a UI can ask for one.
 */
export function readPkcs12(root: Asn1, password: string | undefined): Pkcs12Contents {
  const [, authSafe, macData] = sequence(root, 'PFX');
  const { oid: contentType, content } = contentInfo(authSafe, 'authSafe');
  if (contentType !== OID.data) {
    throw new CertError(
      'UNSUPPORTED_ALGORITHM',
      messages.unsupportedAlgorithm(
        `PFX integrity mode ${oidName(contentType)} (only password integrity is supported) — export the PFX again with a password`,
      ),
    );
  }
  const authSafeBytes = octets(content, 'authSafe content');
  const candidates = passwordCandidates(password ?? '');
  const fitting = macData ? [verifyMac(macData, authSafeBytes, candidates)] : candidates;
  if (fitting[0] === undefined) throw passwordError(password);

  // Without a MAC nothing proves the password: try each form until the contents decrypt.
  let lastFailure: DecryptionFailed | undefined;
  for (const candidate of fitting) {
    if (!candidate) continue;
    try {
      return readAuthenticatedSafe(authSafeBytes, candidate);
    } catch (error) {
      if (!(error instanceof DecryptionFailed)) throw error;
      lastFailure = error;
    }
  }
  throw passwordError(password, lastFailure);
}

function passwordError(password: string | undefined, cause?: unknown): CertError {
  return password === undefined
    ? new CertError('PASSWORD_REQUIRED', messages.passwordRequired(WHAT), { cause })
    : new CertError('WRONG_PASSWORD', messages.wrongPassword(WHAT), { cause });
}

function passwordCandidates(password: string): PasswordBytes[] {
  const utf8 = Buffer.from(password, 'utf8');
  const list: PasswordBytes[] = [{ utf8, bmp: bmpPassword(password) }];
  if (password === '') list.push({ utf8, bmp: Buffer.alloc(0) });
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(password)) list.push({ utf8, bmp: widenedUtf8Password(password) });
  return list;
}

const MAC_DIGESTS: Record<string, { name: Pkcs12Digest; bytes: number }> = {
  [OID.sha1]: { name: 'sha1', bytes: 20 },
  [OID.sha224]: { name: 'sha224', bytes: 28 },
  [OID.sha256]: { name: 'sha256', bytes: 32 },
  [OID.sha384]: { name: 'sha384', bytes: 48 },
  [OID.sha512]: { name: 'sha512', bytes: 64 },
};

/** The password form whose MAC matches, or undefined: the one reliable wrong-password test. */
function verifyMac(macData: Asn1, content: Buffer, candidates: PasswordBytes[]): PasswordBytes | undefined {
  const [digestInfo, saltNode, countNode] = sequence(macData, 'MacData');
  const [digestAlg, digestNode] = sequence(digestInfo, 'MAC DigestInfo');
  const digestOid = algorithm(digestAlg, 'MAC algorithm').oid;
  const digest = MAC_DIGESTS[digestOid];
  if (!digest) {
    throw new CertError(
      'UNSUPPORTED_ALGORITHM',
      messages.unsupportedAlgorithm(
        `PFX MAC ${oidName(digestOid)} — export again with a SHA-1 or SHA-256 MAC`,
      ),
    );
  }
  const expected = octets(digestNode, 'MAC');
  const salt = octets(saltNode, 'MAC salt');
  const count = countNode ? integer(countNode, 'MAC iterations') : 1;
  return candidates.find((candidate) => {
    chargeKdf(count, 'MAC');
    const key = pkcs12Kdf(digest.name, candidate.bmp, salt, count, KDF_ID.mac, digest.bytes);
    const actual = createHmac(digest.name, key).update(content).digest();
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
}

function contentInfo(node: Asn1 | undefined, what: string): { oid: string; content: Asn1 | undefined } {
  const [type, wrapper] = sequence(node, what);
  const content = isContext(wrapper, 0) ? children(wrapper, `${what} content`)[0] : undefined;
  return { oid: oid(type, `${what} contentType`), content };
}

function readAuthenticatedSafe(bytes: Buffer, password: PasswordBytes): Pkcs12Contents {
  const out: Pkcs12Contents = { keys: [], certificates: [] };
  for (const info of sequence(parseDer(bytes), 'AuthenticatedSafe')) {
    const { oid: type, content } = contentInfo(info, 'AuthenticatedSafe entry');
    if (type === OID.data) {
      readSafeContents(parseDer(octets(content, 'SafeContents')), password, out);
    } else if (type === OID.encryptedData) {
      const [, encryptedContentInfo] = sequence(content, 'EncryptedData');
      const [, alg, encrypted] = sequence(encryptedContentInfo, 'EncryptedContentInfo');
      if (!isContext(encrypted, 0)) throw new Asn1ShapeError('EncryptedContentInfo: no encrypted content');
      const plain = pbeDecrypt(alg, octets(encrypted, 'encrypted content'), password);
      let safeContents: Asn1;
      try {
        safeContents = parseDer(plain);
      } catch {
        // Padding can come out right by chance with a wrong key; the ASN.1 then does not.
        throw new DecryptionFailed('decrypted contents are not ASN.1');
      }
      readSafeContents(safeContents, password, out);
    } else {
      throw new CertError(
        'UNSUPPORTED_ALGORITHM',
        messages.unsupportedAlgorithm(
          `PFX content protected by ${oidName(type)} (public-key privacy mode) — export the PFX again with a password`,
        ),
      );
    }
  }
  return out;
}

function readSafeContents(safeContents: Asn1, password: PasswordBytes, out: Pkcs12Contents): void {
  for (const bag of sequence(safeContents, 'SafeContents')) {
    const parts = sequence(bag, 'SafeBag');
    const bagId = oid(parts[0], 'bagId');
    const wrapper = child(parts, 1, 'bagValue');
    if (!isContext(wrapper, 0)) throw new Asn1ShapeError('SafeBag: bagValue is not [0]');
    const value = children(wrapper, 'bagValue')[0];
    switch (bagId) {
      case OID.keyBag:
        out.keys.push(keyFromPkcs8(asDer(value)));
        break;
      case OID.pkcs8ShroudedKeyBag:
        out.keys.push(keyFromPkcs8(decryptPkcs8(asDer(value), password)));
        break;
      case OID.certBag: {
        const [certId, certWrapper] = sequence(value, 'CertBag');
        if (oid(certId, 'certId') !== OID.x509Certificate || !isContext(certWrapper, 0)) break; // SDSI certificates: nobody uses them
        const cert = new X509Certificate(octets(children(certWrapper, 'certValue')[0], 'certificate'));
        const friendlyName = readFriendlyName(parts[2]);
        out.certificates.push(friendlyName === undefined ? { cert } : { cert, friendlyName });
        break;
      }
      case OID.safeContentsBag:
        readSafeContents(value as Asn1, password, out);
        break;
      default:
        // CRLs and secrets are not ours to import.
        break;
    }
  }
}

/** Re-encodes a parsed value: forge kept it as ASN.1, Node wants the DER bytes. */
function asDer(node: Asn1 | undefined): Buffer {
  if (!node) throw new Asn1ShapeError('SafeBag: empty bag');
  return toDer(node);
}

const FRIENDLY_NAME = '1.2.840.113549.1.9.20';

function readFriendlyName(attributes: Asn1 | undefined): string | undefined {
  if (!attributes || !isUniversal(attributes, Tag.SET)) return undefined;
  for (const attribute of children(attributes, 'attributes')) {
    const [type, values] = sequence(attribute, 'attribute');
    if (oid(type, 'attribute type') !== FRIENDLY_NAME) continue;
    const first = children(values, 'attribute values')[0];
    return first ? text(first) : undefined;
  }
  return undefined;
}
