/**
 * Making the agent's self-signed identity certificate (certificate.ts says what it holds).
 * Its own file because @peculiar/x509 and its dependencies cost about 20 MB of resident memory
 * once loaded: identity.ts imports this only on a first start (or a lost certificate), so a
 * running agent never carries them.
 */
// @peculiar/x509 (via tsyringe) needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPublicKey, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { parseP256Key } from './certificate.ts';

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
