/**
 * The entry point for anything an admin drops or uploads: detects the format from the
 * content (never the file name — ".crt" files are PEM as often as DER) and returns keys and
 * certificates in Node form, each certificate with its JSON summary.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { isUniversal, parseDer, Tag, type Asn1 } from './asn1.ts';
import { CertError } from './errors.ts';
import { withKdfBudget } from './kdf-limits.ts';
import { keyFromPkcs8, keyToPem, readEncryptedPkcs8, spki } from './keys.ts';
import { messages } from './messages.ts';
import { decodeBareBase64, hasPem, splitPem, type PemBlock } from './pem.ts';
import { looksLikePkcs12, readPkcs12 } from './pkcs12.ts';
import { looksLikePkcs7, readPkcs7Certificates } from './pkcs7.ts';
import { keyTypeOf, summarize } from './summary.ts';
import type { CertSummary } from './summary-types.ts';

export type InputFormat = 'pkcs12' | 'pkcs7' | 'pem' | 'der' | 'mixed';

export interface ParsedCertificate {
  cert: X509Certificate;
  summary: CertSummary;
  /** PFX friendly name, when there is one. */
  friendlyName?: string;
  /**
   * Place in the input, for inputs whose order means something (PEM bundles, DER files given
   * one after another). PFX and P7B hold unordered sets and leave it out.
   */
  position?: number;
}

export interface ParsedKey {
  key: KeyObject;
  /** PKCS#8 PEM, unencrypted: what the agent stores (0600) and hands to TLS. */
  pem: string;
  keyType: string;
}

export interface ParsedInput {
  format: InputFormat;
  keys: ParsedKey[];
  certificates: ParsedCertificate[];
  /** PEM blocks we recognised but do not use (CSRs, CRLs, public keys, EC parameters). */
  ignored: string[];
}

export interface ParseOptions {
  /** PFX password, or the password of an encrypted PEM/DER key. Undefined = none given. */
  password?: string;
}

/**
 * Parses one file of any supported kind. Throws CertError. The key derivations one file may
 * ask for are capped, each and in total (kdf-limits.ts).
 */
export function parseCertificateInput(
  data: Buffer | Uint8Array | string,
  options: ParseOptions = {},
): ParsedInput {
  return withKdfBudget(() => parseAnyInput(data, options));
}

/**
 * Parses a file the admin said is a PFX/P12 (e.g. `--pfx`), saying NOT_PKCS12 — with what it
 * looks like instead — when it is something else.
 */
export function parsePkcs12Input(data: Buffer | Uint8Array, password: string | undefined): ParsedInput {
  return withKdfBudget(() => parsePkcs12(data, password));
}

function parseAnyInput(data: Buffer | Uint8Array | string, options: ParseOptions): ParsedInput {
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length === 0)
    throw new CertError('NOT_A_CERTIFICATE_FILE', messages.notACertificateFile('the file is empty'));
  const textual = looksTextual(bytes);
  if (textual !== undefined && hasPem(textual)) return parsePem(textual, options.password);
  const der = bytes[0] === 0x30 ? bytes : textual !== undefined ? decodeBareBase64(textual) : undefined;
  const root = der && tryParseDer(der);
  if (der && !root && isTruncated(der))
    throw new CertError(
      'DAMAGED_FILE',
      messages.damaged('file', 'it is shorter than its own header says: it was cut off'),
    );
  if (!der || !root) {
    throw new CertError(
      'NOT_A_CERTIFICATE_FILE',
      messages.notACertificateFile(
        textual !== undefined
          ? 'it is text without -----BEGIN …----- blocks'
          : 'its content is neither PEM text nor DER',
      ),
    );
  }
  return parseDerInput(der, root, options.password);
}

function parsePkcs12(data: Buffer | Uint8Array, password: string | undefined): ParsedInput {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const textual = looksTextual(bytes);
  if (textual !== undefined && hasPem(textual)) {
    throw new CertError('NOT_PKCS12', messages.notPkcs12('it is PEM text — import it as PEM'));
  }
  const der = bytes[0] === 0x30 ? bytes : textual !== undefined ? decodeBareBase64(textual) : undefined;
  const root = der && tryParseDer(der);
  if (der && !root && isTruncated(der))
    throw new CertError(
      'DAMAGED_FILE',
      messages.damaged('PFX', 'it is shorter than its own header says: it was cut off'),
    );
  if (!der || !root || !looksLikePkcs12(root)) {
    const what = !root
      ? 'it is not ASN.1 at all'
      : looksLikePkcs7(root)
        ? 'it is a P7B certificate bundle, which holds no private key'
        : 'it is DER, but not PKCS#12';
    throw new CertError('NOT_PKCS12', messages.notPkcs12(what));
  }
  return parseDerInput(der, root, password);
}

/** Several files dropped together (key.pem + cert.crt + chain.p7b) as one input. */
export function combineInputs(inputs: readonly ParsedInput[]): ParsedInput {
  const formats = new Set(inputs.map((input) => input.format));
  const out: ParsedInput = {
    format: formats.size === 1 ? (inputs[0]?.format ?? 'mixed') : 'mixed',
    keys: [],
    certificates: [],
    ignored: inputs.flatMap((input) => input.ignored),
  };
  let position = 0;
  for (const input of inputs) {
    for (const key of input.keys) addKey(out.keys, key);
    for (const cert of input.certificates) {
      const entry = cert.position === undefined ? cert : { ...cert, position: position++ };
      addCertificate(out.certificates, entry);
    }
  }
  return out;
}

function looksTextual(bytes: Buffer): string | undefined {
  // Notepad's "Unicode" is UTF-16 with a byte-order mark; PEM saved that way is still PEM.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  // Control bytes other than whitespace mean binary.
  for (const b of body.subarray(0, 4096))
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return undefined;
  return body.toString('utf8');
}

function tryParseDer(der: Buffer): Asn1 | undefined {
  try {
    return parseDer(der);
  } catch {
    return undefined;
  }
}

/** A DER SEQUENCE whose header announces more bytes than there are: a cut-off download or copy. */
function isTruncated(der: Buffer): boolean {
  const first = der[1] ?? 0;
  if (der[0] !== 0x30 || first === 0x80) return false;
  if (first < 0x80) return 2 + first > der.length;
  const count = first & 0x7f;
  if (count > 4 || der.length < 2 + count) return false;
  const length = der.subarray(2, 2 + count).reduce((n, b) => n * 256 + b, 0);
  // Random bytes that happen to start with 0x30 announce absurd lengths; a cut file is close.
  return 2 + count + length > der.length && 2 + count + length < der.length * 4;
}

/** Runs `read`; anything that is not already a CertError means the file is damaged. */
function guarded<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CertError) throw error;
    throw new CertError(
      'DAMAGED_FILE',
      messages.damaged(what, error instanceof Error ? error.message : String(error)),
      { cause: error },
    );
  }
}

function parseDerInput(der: Buffer, root: Asn1, password: string | undefined): ParsedInput {
  if (looksLikePkcs12(root)) {
    const contents = guarded('PFX', () => readPkcs12(root, password));
    const out = emptyInput('pkcs12');
    for (const key of contents.keys) addKey(out.keys, toParsedKey(key));
    for (const { cert, friendlyName } of contents.certificates) {
      addCertificate(
        out.certificates,
        friendlyName === undefined ? toParsedCert(cert) : { ...toParsedCert(cert), friendlyName },
      );
    }
    return out;
  }
  if (looksLikePkcs7(root)) {
    const out = emptyInput('pkcs7');
    for (const cert of guarded('P7B file', () => readPkcs7Certificates(root)))
      addCertificate(out.certificates, toParsedCert(cert));
    if (out.certificates.length === 0) {
      throw new CertError(
        'NOT_A_CERTIFICATE_FILE',
        messages.notACertificateFile('it is a PKCS#7 file without certificates'),
      );
    }
    return out;
  }
  const out = emptyInput('der');
  if (looksLikeCertificate(root)) {
    addCertificate(out.certificates, {
      ...toParsedCert(guarded('certificate', () => new X509Certificate(der))),
      position: 0,
    });
    return out;
  }
  const key = readDerKey(der, root, password);
  if (!key)
    throw new CertError(
      'NOT_A_CERTIFICATE_FILE',
      messages.notACertificateFile('it is DER, but no certificate, key, PFX or P7B'),
    );
  addKey(out.keys, toParsedKey(key));
  return out;
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signature BIT STRING }. */
function looksLikeCertificate(root: Asn1): boolean {
  if (!isUniversal(root, Tag.SEQUENCE) || !Array.isArray(root.value) || root.value.length !== 3) return false;
  const [tbs, alg, sig] = root.value;
  return isUniversal(tbs, Tag.SEQUENCE) && isUniversal(alg, Tag.SEQUENCE) && isUniversal(sig, Tag.BIT_STRING);
}

function readDerKey(der: Buffer, root: Asn1, password: string | undefined): KeyObject | undefined {
  if (isUniversal(root, Tag.SEQUENCE) && Array.isArray(root.value) && root.value.length === 2) {
    const [alg, data] = root.value;
    if (isUniversal(alg, Tag.SEQUENCE) && isUniversal(data, Tag.OCTET_STRING))
      return readEncryptedPkcs8(der, password, 'private key');
  }
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return type === 'pkcs8' ? keyFromPkcs8(der) : createPrivateKey({ key: der, format: 'der', type });
    } catch (error) {
      if (error instanceof CertError) throw error;
    }
  }
  return undefined;
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const LEGACY_KEY_LABELS = new Set(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY']);

function parsePem(text: string, password: string | undefined): ParsedInput {
  const out = emptyInput('pem');
  let position = 0;
  splitPem(text).forEach((block, index) => {
    const what = `PEM block ${index + 1} (${block.label})`;
    if (CERTIFICATE_LABELS.has(block.label)) {
      const cert = guarded(
        what,
        () =>
          new X509Certificate(block.label === 'TRUSTED CERTIFICATE' ? firstElement(block.der) : block.der),
      );
      if (addCertificate(out.certificates, { ...toParsedCert(cert), position })) position++;
    } else if (block.label === 'PRIVATE KEY') {
      addKey(out.keys, toParsedKey(guarded(what, () => keyFromPkcs8(block.der))));
    } else if (block.label === 'ENCRYPTED PRIVATE KEY') {
      addKey(
        out.keys,
        toParsedKey(guarded(what, () => readEncryptedPkcs8(block.der, password, 'private key'))),
      );
    } else if (LEGACY_KEY_LABELS.has(block.label)) {
      addKey(out.keys, toParsedKey(readLegacyPemKey(block, password, what)));
    } else if (block.label === 'PKCS7') {
      // A PKCS#7 set is unordered, so these certificates get no position.
      for (const cert of guarded(what, () => readPkcs7Certificates(parseDer(block.der))))
        addCertificate(out.certificates, toParsedCert(cert));
    } else {
      out.ignored.push(block.label);
    }
  });
  if (out.keys.length === 0 && out.certificates.length === 0) {
    const detail = out.ignored.length
      ? `its PEM blocks are ${out.ignored.join(', ')}`
      : 'its PEM blocks are unreadable';
    throw new CertError('NOT_A_CERTIFICATE_FILE', messages.notACertificateFile(detail));
  }
  return out;
}

/** PKCS#1 / SEC1 PEM, possibly with OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` encryption (Node decrypts that). */
function readLegacyPemKey(block: PemBlock, password: string | undefined, what: string): KeyObject {
  const encrypted = (block.headers['Proc-Type'] ?? '').includes('ENCRYPTED');
  if (!encrypted) return guarded(what, () => createPrivateKey({ key: block.text, format: 'pem' }));
  if (password === undefined)
    throw new CertError('PASSWORD_REQUIRED', messages.passwordRequired('private key'));
  try {
    return createPrivateKey({ key: block.text, format: 'pem', passphrase: password });
  } catch (error) {
    throw new CertError('WRONG_PASSWORD', messages.wrongPassword('private key'), { cause: error });
  }
}

/** OpenSSL's TRUSTED CERTIFICATE is a certificate followed by trust settings: cut the first DER element. */
function firstElement(der: Buffer): Buffer {
  const lengthByte = der[1] ?? 0;
  if (lengthByte < 0x80) return der.subarray(0, 2 + lengthByte);
  const count = lengthByte & 0x7f;
  const length = der.subarray(2, 2 + count).reduce((n, b) => n * 256 + b, 0);
  return der.subarray(0, 2 + count + length);
}

function emptyInput(format: InputFormat): ParsedInput {
  return { format, keys: [], certificates: [], ignored: [] };
}

function toParsedCert(cert: X509Certificate): ParsedCertificate {
  return { cert, summary: guarded('certificate', () => summarize(cert)) };
}

function toParsedKey(key: KeyObject): ParsedKey {
  return { key, pem: keyToPem(key), keyType: keyTypeOf(key) };
}

/** Adds unless the same certificate (by fingerprint) is already there; true when added. */
function addCertificate(list: ParsedCertificate[], entry: ParsedCertificate): boolean {
  if (list.some((c) => c.summary.fingerprint === entry.summary.fingerprint)) return false;
  list.push(entry);
  return true;
}

function addKey(list: ParsedKey[], entry: ParsedKey): void {
  const id = spki(entry.key);
  if (!list.some((k) => spki(k.key).equals(id))) list.push(entry);
}
