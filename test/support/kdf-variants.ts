/**
 * Certificate files with chosen key-derivation costs, made by the openssl CLI in a corpus
 * directory (cert-corpus.ts: its RSA leaf, key and chain), for the tests of
 * the iteration cap (shared/certs/kdf-limits.ts). Each function returns the file name.
 *
 * OpenSSL 3.0's `pkcs12 -iter` sets the count of the MAC and of both encryptions (its
 * `-maciter` is accepted and does nothing); `-nomac` leaves only the encryptions.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Corpus } from './cert-corpus.ts';
import { PASSWORD } from './cert-corpus.ts';

function openssl(corpus: Corpus, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: corpus.dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A PFX of the RSA leaf and its chain with `iterations`; flags such as `-legacy`, `-nomac`. */
export function pfxWithIterations(corpus: Corpus, iterations: number, ...flags: string[]): string {
  const name = `rsa-iter-${iterations}${flags.join('')}.pfx`;
  openssl(
    corpus,
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
    String(iterations),
    ...flags,
    '-out',
    name,
  );
  return name;
}

/** The RSA leaf's key as PKCS#8 PEM, encrypted with `scheme` ('-v2 aes-256-cbc', '-v1 PBE-MD5-DES' …). */
export function encryptedKey(corpus: Corpus, scheme: string[], costs: string[]): string {
  const name = `rsa-key${[...scheme, ...costs].join('')}.pem`;
  const legacyProvider = scheme.includes('-v1') ? ['-provider', 'legacy', '-provider', 'default'] : [];
  openssl(
    corpus,
    'pkcs8',
    '-topk8',
    '-in',
    'leaf-rsa.key',
    ...scheme,
    ...costs,
    ...legacyProvider,
    '-passout',
    `pass:${PASSWORD}`,
    '-out',
    name,
  );
  return name;
}

/** One PEM file holding `copies` copies of the PEM file `source` (one key repeated, say). */
export function repeated(corpus: Corpus, source: string, copies: number): string {
  const name = `${copies}x-${source}`;
  writeFileSync(corpus.path(name), readFileSync(corpus.path(source), 'utf8').repeat(copies));
  return name;
}
