/**
 * prepareImport in a worker thread answers exactly as on the caller's thread: the same
 * prepared entry, or a CertError with the same code, message and issues — the agent's API
 * and CLI switch on those codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertError } from '../../shared/certs/errors.ts';
import { MAX_KDF_ITERATIONS } from '../../shared/certs/kdf-limits.ts';
import { makeCorpus, NON_ASCII_PASSWORD, PASSWORD, type Corpus } from '../../test/support/cert-corpus.ts';
import { pfxWithIterations } from '../../test/support/kdf-variants.ts';
import { prepareImport, type CertImportInput, type CertImportOptions } from './prepare-import.ts';
import { prepareImportInWorker } from './prepare-in-worker.ts';

let corpus: Corpus;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());

const pfx = (file: string, password?: string): CertImportInput =>
  password === undefined ? { pfx: corpus.read(file) } : { pfx: corpus.read(file), password };
const files = (...names: string[]): CertImportInput => ({ files: names.map((n) => corpus.read(n)) });
// Dates judged at one instant, so both runs see the same expiry warnings.
const now = new Date();

type Outcome = { prepared: unknown } | { refused: { code: string; message: string; issues: unknown } };

function refused(error: unknown): Outcome {
  if (!(error instanceof CertError)) throw error;
  return { refused: { code: error.code, message: error.message, issues: error.issues } };
}

describe('prepareImportInWorker', () => {
  it.each<[string, () => CertImportInput, CertImportOptions]>([
    ['an OpenSSL 3 PFX', () => pfx('rsa-default.pfx', PASSWORD), {}],
    ['a legacy EC PFX', () => pfx('ec-legacy.pfx', PASSWORD), {}],
    ['a non-ASCII password', () => pfx('rsa-non-ascii.pfx', NON_ASCII_PASSWORD), {}],
    ['PEM and DER files', () => files('leaf-ec.sec1.key', 'leaf-ec.pem', 'intermediate.cer'), {}],
    ['a CA bundle', () => files('chain.p7b.pem'), {}],
    ['a wrong password', () => pfx('rsa-default.pfx', 'wrong'), {}],
    ['no password for a protected PFX', () => pfx('rsa-default.pfx'), {}],
    ['PEM given as PFX', () => pfx('leaf-rsa-bundle.pem', PASSWORD), {}],
    ['a PFX without a key', () => pfx('rsa-nokeys.pfx', PASSWORD), {}],
    ['the key of another certificate', () => files('key-mismatch.pem'), {}],
    ['an issuer without CA rights', () => files('not-a-ca-bundle.pem'), {}],
    ['an expired certificate', () => files('expired-bundle.pem'), {}],
    ['an expired certificate with force', () => files('expired-bundle.pem'), { force: true }],
    [
      'a PFX over the iteration cap',
      () => pfx(pfxWithIterations(corpus, MAX_KDF_ITERATIONS + 1), PASSWORD),
      {},
    ],
  ])('%s: the same outcome as on this thread', async (_label, input, options) => {
    let here: Outcome;
    try {
      here = { prepared: prepareImport(input(), { ...options, now }) };
    } catch (error) {
      here = refused(error);
    }
    const there: Outcome = await prepareImportInWorker(input(), { ...options, now }).then(
      (prepared) => ({ prepared }),
      refused,
    );
    expect(there).toEqual(here);
  });

  it('hands back the key as PEM and the chain as PEM text, leaf first', async () => {
    const prepared = await prepareImportInWorker(pfx('rsa-default.pfx', PASSWORD));
    expect(prepared.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(prepared.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });
});
