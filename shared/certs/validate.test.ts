/** Validation of built chains: each problem with its code and a message that names the certificate. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChain, type ChainCandidate } from './chain.ts';
import { parseCertificateInput, type ParseOptions } from './parse.ts';
import { makeCorpus, PASSWORD, type Corpus } from '../../test/support/cert-corpus.ts';
import { validateChain, type ValidateOptions } from './validate.ts';

let corpus: Corpus;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());

function check(file: string, options: ValidateOptions = {}, parse: ParseOptions = {}) {
  const parsed = parseCertificateInput(corpus.read(file), parse);
  const certificates: ChainCandidate[] = parsed.certificates.map((c) =>
    c.position === undefined
      ? { cert: c.cert, source: 'file' }
      : { cert: c.cert, source: 'file', position: c.position },
  );
  return validateChain(buildChain({ keys: parsed.keys.map((k) => k.key), certificates }), options);
}
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

describe('validateChain', () => {
  it('finds nothing wrong with a good PFX, RSA or EC', () => {
    expect(check('rsa-default.pfx', { requireKey: true }, { password: PASSWORD })).toEqual({
      errors: [],
      warnings: [],
    });
    expect(check('ec-legacy.pfx', { requireKey: true }, { password: PASSWORD })).toEqual({
      errors: [],
      warnings: [],
    });
    expect(check('leaf-rsa-bundle.pem', { requireKey: true })).toEqual({ errors: [], warnings: [] });
  });

  it('KEY_MISMATCH names the certificate', () => {
    const { errors } = check('key-mismatch.pem');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'KEY_MISMATCH',
        message: expect.stringMatching(
          /^the private key does not belong to the certificate CN=www\.portico\.test/,
        ),
      }),
    ]);
  });

  it('NO_PRIVATE_KEY when a key is required and there is none', () => {
    expect(codes(check('rsa-nokeys.pfx', { requireKey: true }, { password: PASSWORD }).errors)).toEqual([
      'NO_PRIVATE_KEY',
    ]);
    expect(check('rsa-nokeys.pfx', {}, { password: PASSWORD }).errors).toEqual([]);
  });

  it('CHAIN_LINK_INVALID for an intermediate that did not sign the leaf', () => {
    const { errors } = check('broken-link.pem');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'CHAIN_LINK_INVALID',
        message: expect.stringMatching(
          /^chain link 1 \(CN=www\.portico\.test\) is not signed by CN=Portico Test Intermediate CA/,
        ),
      }),
    ]);
  });

  it('CHAIN_REORDERED is a warning: the builder fixed the order', () => {
    const result = check('leaf-rsa-wrong-order.pem');
    expect(result.errors).toEqual([]);
    expect(codes(result.warnings)).toEqual(['CHAIN_REORDERED']);
  });

  it('EXPIRED with the date', () => {
    const { errors } = check('expired-bundle.pem');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'EXPIRED',
        message: expect.stringMatching(
          /^certificate CN=expired\.portico\.test expired on 2020-01-02 00:00 UTC/,
        ),
      }),
    ]);
  });

  it('NOT_YET_VALID with the date', () => {
    const { errors } = check('not-yet-valid-bundle.pem');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'NOT_YET_VALID',
        message: expect.stringContaining('2099-12-31 00:00 UTC'),
      }),
    ]);
  });

  it('EXPIRES_SOON is a warning within 30 days, and follows the clock given', () => {
    const soon = check('expires-soon-bundle.pem');
    expect(soon.errors).toEqual([]);
    expect(soon.warnings).toEqual([
      expect.objectContaining({ code: 'EXPIRES_SOON', message: expect.stringMatching(/in (9|10) days/) }),
    ]);
    // Seen from 340 days on, the good one-year PFX expires soon too.
    const later = new Date(Date.now() + 340 * 86_400_000);
    expect(codes(check('rsa-default.pfx', { now: later }, { password: PASSWORD }).warnings)).toEqual([
      'EXPIRES_SOON',
    ]);
  });

  it('NOT_A_CA for an issuer without CA rights', () => {
    const { errors } = check('not-a-ca-bundle.pem');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'NOT_A_CA',
        message: expect.stringMatching(
          /^intermediate CN=Portico Test Not A CA has no CA rights \(basicConstraints CA:FALSE\)/,
        ),
      }),
    ]);
  });

  it('SELF_SIGNED_LEAF is a warning', () => {
    const result = check('self-signed-bundle.pem', { requireKey: true });
    expect(result.errors).toEqual([]);
    expect(codes(result.warnings)).toEqual(['SELF_SIGNED_LEAF']);
  });

  it('NAME_MISSING for an expected name not among the SANs (DNS names, IPs, wildcards; the CN does not count)', () => {
    const ok = check('leaf-rsa-bundle.pem', {
      expectedNames: ['www.portico.test', 'portico.test', '192.0.2.10'],
    });
    expect(ok.errors).toEqual([]);
    const { errors } = check('leaf-rsa-bundle.pem', { expectedNames: ['mail.portico.test', '192.0.2.11'] });
    expect(codes(errors)).toEqual(['NAME_MISSING', 'NAME_MISSING']);
    expect(errors[0]?.message).toMatch(
      /^mail\.portico\.test is not among the names of certificate CN=www\.portico\.test \(www\.portico\.test, portico\.test, 192\.0\.2\.10\)/,
    );

    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-new',
        '-key',
        'other.key',
        '-subj',
        '/CN=cn-only.portico.test',
        '-days',
        '30',
        '-addext',
        'subjectAltName=DNS:*.wild.portico.test',
        '-out',
        'wild.pem',
      ],
      { cwd: corpus.dir, stdio: 'pipe' },
    );
    const wild = check('wild.pem', {
      expectedNames: ['owa.wild.portico.test', 'a.b.wild.portico.test', 'cn-only.portico.test'],
    });
    expect(wild.errors.map((e) => e.message.split(' ')[0])).toEqual([
      'a.b.wild.portico.test',
      'cn-only.portico.test',
    ]);
  });

  it('ISSUER_MISSING warns about a leaf sent without its intermediate', () => {
    const result = check('rsa-no-chain.pfx', {}, { password: PASSWORD });
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'ISSUER_MISSING',
        message: expect.stringContaining('http://pki.portico.test/intermediate.crt'),
      }),
    ]);
  });

  it('UNSUPPORTED_ALGORITHM for a DSA certificate, which TLS clients no longer accept', () => {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: corpus.dir, stdio: 'pipe' });
    run(
      'genpkey',
      '-genparam',
      '-algorithm',
      'DSA',
      '-pkeyopt',
      'dsa_paramgen_bits:1024',
      '-out',
      'dsa-params.pem',
    );
    run('genpkey', '-paramfile', 'dsa-params.pem', '-out', 'dsa.key');
    run(
      'req',
      '-x509',
      '-new',
      '-key',
      'dsa.key',
      '-subj',
      '/CN=dsa.portico.test',
      '-days',
      '30',
      '-out',
      'dsa.pem',
    );
    writeFileSync(
      corpus.path('dsa-bundle.pem'),
      Buffer.concat([corpus.read('dsa.key'), corpus.read('dsa.pem')]),
    );
    const { errors } = check('dsa-bundle.pem', { requireKey: true });
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'UNSUPPORTED_ALGORITHM',
        message: expect.stringContaining('DSA 1024 keys'),
      }),
    ]);
  });

  it('NO_CERTIFICATE for a key alone', () => {
    expect(codes(check('leaf-rsa.key').errors)).toEqual(['NO_CERTIFICATE']);
  });

  it('tags each issue with the fingerprint of the certificate it is about', () => {
    const parsed = parseCertificateInput(corpus.read('expired.pem'));
    const [issue] = check('expired-bundle.pem').errors;
    expect(issue?.fingerprint).toBe(parsed.certificates[0]?.summary.fingerprint);
  });
});
