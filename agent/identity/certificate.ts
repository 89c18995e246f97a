/**
 * The agent's identity certificate: self-signed, ECDSA P-256, valid for about ten years. The
 * Console does not check it against a CA or match host names. It pins the certificate's
 * SHA-256 fingerprint on first contact, so the certificate must not change while the key stays.
 * The SANs are still filled in so that curl, openssl s_client and browsers see sensible names.
 */
// @peculiar/x509 (via tsyringe) needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  createPrivateKey,
  createPublicKey,
  KeyObject,
  randomBytes,
  webcrypto,
  X509Certificate,
} from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { IdentityError } from './errors.ts';

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const VALID_YEARS = 10;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

// x509 would otherwise look for a global `crypto`. Pass Node's WebCrypto explicitly.
type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1]>;
type KeyPair = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
const crypto = webcrypto as unknown as X509Crypto;

export interface IdentityMaterial {
  /** PKCS#8 PEM. */
  key: string;
  /** PEM. */
  cert: string;
}

/** A new P-256 key and a self-signed certificate for it. */
export async function createIdentity(id: string, names: readonly string[]): Promise<IdentityMaterial> {
  const keys = await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const key = KeyObject.from(keys.privateKey as unknown as webcrypto.CryptoKey)
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return { key, cert: await selfSign(id, names, keys) };
}

/**
 * A new certificate for an existing key. This is used when the certificate file was lost but the
 * key is still there. The fingerprint changes, and paired consoles warn about that, as they
 * should.
 */
export async function certifyExistingKey(
  id: string,
  names: readonly string[],
  keyPem: string,
): Promise<string> {
  const privateKey = parseP256Key(keyPem);
  const keys = {
    privateKey: privateKey.toCryptoKey(EC_P256, false, ['sign']),
    publicKey: createPublicKey(privateKey).toCryptoKey(EC_P256, true, ['verify']),
  } as unknown as KeyPair;
  return selfSign(id, names, keys);
}

async function selfSign(id: string, names: readonly string[], keys: KeyPair): Promise<string> {
  const now = Date.now();
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and of full length, as RFC 5280 wants
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial.toString('hex'),
      name: [{ CN: [`portico-agent ${id}`] }],
      // An hour back so that a peer whose clock is a little behind still accepts it.
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + VALID_YEARS * 365.25 * 24 * 3600_000),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([SERVER_AUTH]),
        new x509.SubjectAlternativeNameExtension(
          names.map((n) => ({ type: isIP(n) ? ('ip' as const) : ('dns' as const), value: n })),
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return cert.toString('pem');
}

/** The SANs of a new identity: this host's names, loopback, and the API host if one was given. */
export function identityNames(apiUrl?: string | null): string[] {
  const host = hostname();
  const names = [host];
  if (!host.includes('.')) names.push(`${host}.local`);
  names.push('localhost', '127.0.0.1', '::1');
  const apiHost = apiUrl ? hostOf(apiUrl) : undefined;
  if (apiHost && apiHost !== '0.0.0.0' && apiHost !== '::') names.push(apiHost);
  return [...new Set(names)];
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1') || undefined;
  } catch {
    return undefined;
  }
}

/** SHA-256 of the DER as `AB:CD:…`, Node's `fingerprint256`. This is the form the Console pins. */
export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** Throws unless `certPem` is a certificate for `keyPem`'s key: a swapped file must not go unnoticed. */
export function checkPair(keyPem: string, certPem: string, keyFile: string, certFile: string): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (error) {
    throw new IdentityError('DAMAGED', `${certFile} is not a certificate: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!cert.checkPrivateKey(parseP256Key(keyPem, keyFile))) {
    throw new IdentityError(
      'DAMAGED',
      `${certFile} does not belong to the key in ${keyFile}: restore the pair, or remove ${certFile} to ` +
        `issue a new certificate for the key (paired consoles will then see a new fingerprint)`,
    );
  }
}

/** The identity's CN is `portico-agent <id>`: the id can be recovered from it if agent.json is lost. */
export function idFromCertificate(certPem: string): string | undefined {
  const cn = /(?:^|\n)CN=portico-agent ([0-9a-f-]{36})(?:\n|$)/.exec(new X509Certificate(certPem).subject);
  return cn?.[1];
}

function parseP256Key(keyPem: string, file = 'the identity key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new IdentityError('DAMAGED', `${file} is not a private key: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new IdentityError('DAMAGED', `${file} is not an ECDSA P-256 key`);
  }
  return key;
}
