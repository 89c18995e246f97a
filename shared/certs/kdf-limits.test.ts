/**
 * The key-derivation cap on real files made by openssl: every place a file names an
 * iteration count (PFX MAC, PBES2, the legacy PKCS#12 ciphers, PKCS#8 keys including the
 * schemes Node decrypts for us, scrypt) refuses one over the cap with ITERATION_COUNT_TOO_HIGH
 * — whatever the password — and one file's total is bounded too. Files at the cap open:
 * rsa-many-iterations.pfx in parse.test.ts, a legacy one through the agent in
 * test/integration/cert-import-off-loop.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedKey, pfxWithIterations, repeated } from '../../test/support/kdf-variants.ts';
import { CertError } from './errors.ts';
import { MAX_KDF_ITERATIONS, MAX_KDF_WORK, MAX_SCRYPT_COST } from './kdf-limits.ts';
import { parseCertificateInput, parsePkcs12Input } from './parse.ts';
import { makeCorpus, PASSWORD, type Corpus } from '../../test/support/cert-corpus.ts';

let corpus: Corpus;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());

const OVER = MAX_KDF_ITERATIONS + 1;
const over = String(OVER);

function refusal(run: () => unknown): CertError {
  try {
    run();
  } catch (error) {
    if (error instanceof CertError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('one derivation over the cap', () => {
  it.each([
    ['the MAC of an OpenSSL 3 PFX', () => pfxWithIterations(corpus, OVER), 'MAC'],
    ['the MAC of a legacy PFX', () => pfxWithIterations(corpus, OVER, '-legacy'), 'MAC'],
    ['PBES2 in a PFX without a MAC', () => pfxWithIterations(corpus, OVER, '-nomac'), 'encryption'],
    [
      'the PKCS#12 KDF of a legacy PFX without a MAC',
      () => pfxWithIterations(corpus, OVER, '-legacy', '-nomac'),
      'encryption',
    ],
    ['a PBES2 key', () => encryptedKey(corpus, ['-v2', 'aes-256-cbc'], ['-iter', over]), 'encryption'],
    [
      'a PBES2 key with a cipher we leave to Node (charged before Node derives)',
      () => encryptedKey(corpus, ['-v2', 'camellia-256-cbc'], ['-iter', over]),
      'encryption',
    ],
    [
      'a PBES1 key (a scheme we leave to Node)',
      () => encryptedKey(corpus, ['-v1', 'PBE-MD5-DES'], ['-iter', over]),
      'encryption',
    ],
  ])('is refused: %s', (_label, make, part) => {
    const file = corpus.read(make());
    for (const password of [PASSWORD, 'wrong']) {
      const error = refusal(() => parseCertificateInput(file, { password }));
      expect(error.code).toBe('ITERATION_COUNT_TOO_HIGH');
      expect(error.message).toBe(
        `this file's ${part} asks for ${OVER.toLocaleString('en-US')} key-derivation iterations, more than the ` +
          `${MAX_KDF_ITERATIONS.toLocaleString('en-US')} accepted (Windows, OpenSSL and Java write 2,000 to 100,000) — ` +
          'export it again with the default settings (the Windows export wizard or Export-PfxCertificate; ' +
          '"openssl pkcs12 -export" or "openssl pkcs8 -topk8" without -iter or -scrypt options)',
      );
    }
  });

  it('leaves Node the schemes it decrypts for us, under the cap', () => {
    const camellia = encryptedKey(corpus, ['-v2', 'camellia-256-cbc'], ['-iter', '2048']);
    expect(parseCertificateInput(corpus.read(camellia), { password: PASSWORD }).keys).toHaveLength(1);
  });

  it('is refused where the agent opens a PFX (--pfx, cert.import)', () => {
    const file = corpus.read(pfxWithIterations(corpus, OVER, '-legacy'));
    expect(refusal(() => parsePkcs12Input(file, PASSWORD)).code).toBe('ITERATION_COUNT_TOO_HIGH');
  });

  it('is refused for scrypt when N × r × p is over its cap; OpenSSL’s default opens', () => {
    const opens = encryptedKey(corpus, ['-scrypt'], []);
    expect(parseCertificateInput(corpus.read(opens), { password: PASSWORD }).keys).toHaveLength(1);
    // p = 9 with OpenSSL's N and r: just over eight times its default cost.
    const costly = encryptedKey(
      corpus,
      ['-scrypt'],
      ['-scrypt_N', '16384', '-scrypt_r', '8', '-scrypt_p', '9'],
    );
    expect(16384 * 8 * 9).toBeGreaterThan(MAX_SCRYPT_COST);
    const error = refusal(() => parseCertificateInput(corpus.read(costly), { password: PASSWORD }));
    expect(error.code).toBe('ITERATION_COUNT_TOO_HIGH');
    expect(error.message).toMatch(
      /^this key's scrypt parameters ask for 1,179,648 \(N × r × p\), more than the 1,048,576 accepted/,
    );
  });
});

describe('one file in total', () => {
  const keyAtCap = () => encryptedKey(corpus, ['-v2', 'aes-256-cbc'], ['-iter', String(MAX_KDF_ITERATIONS)]);
  const fitting = MAX_KDF_WORK / MAX_KDF_ITERATIONS;

  it('takes as many at-cap derivations as the budget holds, afresh for each file', () => {
    const file = corpus.read(repeated(corpus, keyAtCap(), fitting));
    expect(parseCertificateInput(file, { password: PASSWORD }).keys).toHaveLength(1);
    expect(parseCertificateInput(file, { password: PASSWORD }).keys).toHaveLength(1);
  });

  it('refuses one more: many encrypted parts, each under the cap', () => {
    const file = corpus.read(repeated(corpus, keyAtCap(), fitting + 1));
    const error = refusal(() => parseCertificateInput(file, { password: PASSWORD }));
    expect(error.code).toBe('ITERATION_COUNT_TOO_HIGH');
    expect(error.message).toMatch(
      new RegExp(
        `^opening this file takes more than ${MAX_KDF_WORK.toLocaleString('en-US')} key-derivation iterations in all`,
      ),
    );
  });
});
