/**
 * Extends the certificate corpus, cert-corpus.ts (by composition: same directory, its keys and chain) with the
 * ECDSA twins of its RSA PFX variants, and with a 100,000-iteration PFX for the
 * responsiveness test. Returns the names of the files it added.
 */
import type { Corpus } from './cert-corpus.ts';
import { PASSWORD } from './cert-corpus.ts';
import { openssl } from './openssl.ts';

/** name → [password argument, extra openssl pkcs12 flags]; mirrors the RSA variants in cert-corpus.ts. */
const EC_VARIANTS: Record<string, [string, string[]]> = {
  'ec-legacy-3des.pfx': [
    `pass:${PASSWORD}`,
    ['-legacy', '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES'],
  ],
  'ec-aes-sha256.pfx': [
    `pass:${PASSWORD}`,
    ['-keypbe', 'AES-256-CBC', '-certpbe', 'AES-256-CBC', '-macalg', 'sha256'],
  ],
  'ec-empty-password.pfx': ['pass:', []],
  'ec-empty-password-legacy.pfx': ['pass:', ['-legacy']],
  'ec-non-ascii.pfx': ['file:non-ascii.txt', []],
  'ec-non-ascii-legacy.pfx': ['file:non-ascii.txt', ['-legacy']],
};

export function addEcPfxVariants(corpus: Corpus): string[] {
  for (const [name, [pass, extra]] of Object.entries(EC_VARIANTS)) {
    openssl(
      corpus.dir,
      'pkcs12',
      '-export',
      '-inkey',
      'leaf-ec.key',
      '-in',
      'leaf-ec.pem',
      '-certfile',
      'chain.pem',
      '-passout',
      pass,
      ...extra,
      '-out',
      name,
    );
  }
  return Object.keys(EC_VARIANTS);
}

/**
 * `slow.pfx`: 100,000 iterations for the key, the certificates and the MAC. OpenSSL 3.0's
 * `-iter` sets all three (its `-maciter` is accepted but does nothing); the test reads the MAC
 * iteration count back with `openssl pkcs12 -info` to be sure.
 */
export function addSlowPfx(corpus: Corpus, name = 'slow.pfx', ...extra: string[]): string {
  openssl(
    corpus.dir,
    'pkcs12',
    '-export',
    '-inkey',
    'leaf-rsa.key',
    '-in',
    'leaf-rsa.pem',
    '-certfile',
    'chain.pem',
    '-passout',
    `pass:${PASSWORD}`,
    '-iter',
    '100000',
    ...extra,
    '-out',
    name,
  );
  return name;
}
