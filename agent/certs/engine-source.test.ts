/**
 * The engine's synchronous view of the store: what it returns builds secure contexts, CA
 * bundles refuse to serve, torn or tampered entries are refused, and a read in the middle
 * of a replace sees the complete old entry.
 */
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeCorpus, PASSWORD, type Corpus } from '../../test/support/cert-corpus.ts';
import { openCertStore } from './engine-source.ts';
import { CertStore } from './store.ts';
import { CertStoreError } from './store-errors.ts';

let corpus: Corpus;
let dataDir: string;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'portico-engine-source-'));
  const store = new CertStore(dataDir);
  await store.import('web', { pfx: corpus.read('ec-default.pfx'), password: PASSWORD });
  await store.import('backend-ca', { files: [corpus.read('chain.pem')] });
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof CertStoreError) return error.code;
    throw error;
  }
  return undefined;
}

describe('openCertStore (CertificateSource for the TLS engine)', () => {
  it('returns key and chain that build a secure context, and CA PEM', () => {
    const source = openCertStore(dataDir);
    const { key, chain } = source.load('web');
    expect(() => createSecureContext({ key, cert: chain })).not.toThrow();
    expect(() => createSecureContext({ ca: source.loadCa('backend-ca') })).not.toThrow();
    expect(source.loadCa('web')).toBe(chain);
  });

  it('refuses to serve a CA bundle, unknown and invalid names', () => {
    const source = openCertStore(dataDir);
    expect(codeOf(() => source.load('backend-ca'))).toBe('NOT_A_SERVER_CERTIFICATE');
    expect(codeOf(() => source.load('missing'))).toBe('CERT_NOT_FOUND');
    expect(codeOf(() => source.load('../etc'))).toBe('INVALID_NAME');
  });

  it('refuses a key that does not fit the chain (never serves a torn entry)', () => {
    copyFileSync(corpus.path('other.key'), join(dataDir, 'certs', 'web', 'key.pem'));
    expect(codeOf(() => openCertStore(dataDir).load('web'))).toBe('STORE_DAMAGED');
  });

  it('reads the complete old entry while a replace has it moved aside', () => {
    const source = openCertStore(dataDir);
    const before = source.load('web');
    renameSync(join(dataDir, 'certs', 'web'), join(dataDir, 'certs', '.retired-web-00112233aabb'));
    expect(source.load('web')).toEqual(before);
  });
});
