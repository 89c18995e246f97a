/**
 * The agent's identity certificate: self-signed, ECDSA P-256, valid for about ten years. The
 * Console does not check it against a CA or match host names. It pins the certificate's
 * SHA-256 fingerprint on first contact, so the certificate must not change while the key stays.
 * The SANs are still filled in so that curl, openssl s_client and browsers see sensible names.
 */
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import { IdentityError } from './errors.ts';

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

export function parseP256Key(keyPem: string, file = 'the identity key'): KeyObject {
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
