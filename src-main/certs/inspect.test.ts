/**
 * The inspection pipeline over files the tests make with openssl: every PFX variant with RSA
 * and ECDSA keys, the other formats, and every bad input with its code and message. AIA is
 * off here (see chain-sources.test.ts), the library is not used, and the corpus root is
 * trusted as an admin's machine trusts its CA's root — unless a test says otherwise.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EC_LEAF_CN,
  INTERMEDIATE_CN,
  makeCorpus,
  NON_ASCII_PASSWORD,
  PASSWORD,
  ROOT_CN,
  RSA_LEAF_CN,
  type Corpus,
} from '../../test/support/cert-corpus.ts';
import { MAX_KDF_ITERATIONS } from '../../shared/certs/kdf-limits.ts';
import { pfxWithIterations } from '../../test/support/kdf-variants.ts';
import { inspectCertificates } from './inspect.ts';
import { addEcPfxVariants } from '../../test/support/pfx-variants.ts';
import type { InspectOptions, InspectResult } from './types.ts';

let corpus: Corpus;
beforeAll(() => {
  corpus = makeCorpus();
  addEcPfxVariants(corpus);
});
afterAll(() => corpus.cleanup());

function inspect(files: string[], options: InspectOptions = {}): Promise<InspectResult> {
  return inspectCertificates(
    files.map((name) => ({ name, data: corpus.read(name) })),
    { aia: false, trustedRoots: [corpus.read('root.pem')], ...options },
  );
}
const cns = (r: InspectResult) => r.chain.map((c) => c.summary.subject.cn);
const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

describe('every PFX variant opens, with RSA and ECDSA keys', () => {
  const variants: [file: string, password: string | undefined, leaf: string, keyType: string][] = [
    ['rsa-default.pfx', PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-legacy.pfx', PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-legacy-3des.pfx', PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-aes-sha256.pfx', PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-aes-sha1mac.pfx', PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-nomac.pfx', PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-many-iterations.pfx', PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-empty-password.pfx', '', RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-empty-password.pfx', undefined, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-empty-password-legacy.pfx', '', RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-non-ascii.pfx', NON_ASCII_PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['rsa-non-ascii-legacy.pfx', NON_ASCII_PASSWORD, RSA_LEAF_CN, 'RSA 2048'],
    ['ec-default.pfx', PASSWORD, EC_LEAF_CN, 'EC P-256'],
    ['ec-legacy.pfx', PASSWORD, EC_LEAF_CN, 'EC P-256'],
    ['ec-legacy-3des.pfx', PASSWORD, EC_LEAF_CN, 'EC P-256'],
    ['ec-aes-sha256.pfx', PASSWORD, EC_LEAF_CN, 'EC P-256'],
    ['ec-empty-password.pfx', '', EC_LEAF_CN, 'EC P-256'],
    ['ec-empty-password-legacy.pfx', undefined, EC_LEAF_CN, 'EC P-256'],
    ['ec-non-ascii.pfx', NON_ASCII_PASSWORD, EC_LEAF_CN, 'EC P-256'],
    ['ec-non-ascii-legacy.pfx', NON_ASCII_PASSWORD, EC_LEAF_CN, 'EC P-256'],
  ];
  it.each(variants)('%s (password %j)', async (file, password, leaf, keyType) => {
    const result = await inspect([file], password === undefined ? {} : { password });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(cns(result)).toEqual([leaf, INTERMEDIATE_CN, ROOT_CN]);
    expect(result.chain.map((c) => [c.source, c.origin])).toEqual([
      ['file', file],
      ['file', file],
      ['file', file],
    ]);
    expect(result).toMatchObject({ complete: true, trusted: true });
    expect(result.missing).toBeUndefined();
    expect(result.key).toEqual({ keyType, matchesLeaf: true, file });
    expect(result.files).toEqual([{ name: file, format: 'pkcs12', certificates: 3, keys: 1, ignored: [] }]);
  });
});

describe('other formats and files dropped together', () => {
  it('key, DER certificate and a PEM P7B chain as one input', async () => {
    const result = await inspect(['leaf-rsa.pkcs1.key', 'leaf-rsa.cer', 'chain.p7b.pem']);
    expect(cns(result)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN, ROOT_CN]);
    expect(result.chain.map((c) => c.origin)).toEqual(['leaf-rsa.cer', 'chain.p7b.pem', 'chain.p7b.pem']);
    expect(result.key).toEqual({ keyType: 'RSA 2048', matchesLeaf: true, file: 'leaf-rsa.pkcs1.key' });
    expect(result.files.map((f) => f.format)).toEqual(['pem', 'der', 'pem']);
    expect(result.errors).toEqual([]);
  });

  it('an encrypted PKCS#8 key with its password, and an EC key in DER', async () => {
    const rsa = await inspect(['leaf-rsa.enc.key', 'leaf-rsa-fullchain.pem'], { password: PASSWORD });
    expect(rsa.key?.matchesLeaf).toBe(true);
    const ec = await inspect(['leaf-ec.key.der', 'leaf-ec.pem', 'intermediate.cer', 'root.pem']);
    expect(cns(ec)).toEqual([EC_LEAF_CN, INTERMEDIATE_CN, ROOT_CN]);
    expect(ec.key).toMatchObject({ keyType: 'EC P-256', matchesLeaf: true });
  });

  it('a P7B alone: a chain without a key is fine unless a key is required', async () => {
    const result = await inspect(['leaf-rsa-chain.p7b']);
    expect(cns(result)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN, ROOT_CN]);
    expect(result.errors).toEqual([]);
    expect(result.key).toBeUndefined();
    const required = await inspect(['leaf-rsa-chain.p7b'], { requireKey: true });
    expect(codes(required.errors)).toEqual(['NO_PRIVATE_KEY']);
  });

  it('CA certificates without a key: a CA bundle when allowed, every certificate in the payload', async () => {
    const bundle = { requireKey: true, allowCaBundle: true, pushPayload: true } as const;
    const result = await inspect(['intermediate.pem', 'root.pem'], bundle);
    expect(result.errors).toEqual([]);
    expect(result.caBundle).toBe(true);
    expect(result.incomplete).toBeUndefined();
    const pushed = splitPem(result.push?.chainPem ?? '').map((c) => c.subject);
    expect(pushed).toEqual([expect.stringContaining(INTERMEDIATE_CN), expect.stringContaining(ROOT_CN)]);
    expect(result.push?.keyPem).toBeUndefined();
    // Not allowed (the drop zone's plain inspection), or a server certificate among them: a key is missing.
    expect(codes((await inspect(['root.pem'], { requireKey: true })).errors)).toEqual(['NO_PRIVATE_KEY']);
    const leaf = await inspect(['leaf-rsa.pem', 'intermediate.pem'], bundle);
    expect(codes(leaf.errors)).toEqual(['NO_PRIVATE_KEY']);
    expect(leaf.caBundle).toBeUndefined();
    expect(leaf.push).toBeUndefined();
  });

  it('says which input certificates are not part of the chain', async () => {
    const result = await inspect(['leaf-ec-bundle.pem', 'leaf-rsa.pem']);
    expect(cns(result)).toEqual([EC_LEAF_CN, INTERMEDIATE_CN, ROOT_CN]);
    expect(result.unused.map((c) => [c.summary.subject.cn, c.origin])).toEqual([
      [RSA_LEAF_CN, 'leaf-rsa.pem'],
    ]);
  });
});

describe('chains given partly', () => {
  it('reports the root as missing, and that downloading is off', async () => {
    const result = await inspect(['leaf-rsa-bundle.pem'], { systemRoots: false, trustedRoots: [] });
    expect(cns(result)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN]);
    expect(result.complete).toBe(false);
    expect(result.missing).toEqual({
      subject: { cn: INTERMEDIATE_CN, dn: `CN=${INTERMEDIATE_CN}, O=Portico Test` },
      fingerprint: result.chain[1]?.summary.fingerprint,
      issuer: { cn: ROOT_CN, dn: `CN=${ROOT_CN}, O=Portico Test` },
      aia: [
        { url: 'http://pki.portico.test/root.crt', ok: false, error: 'not tried: AIA downloads are off' },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      {
        code: 'ISSUER_MISSING',
        fingerprint: result.chain[1]?.summary.fingerprint,
        message: `the issuer of CN=${INTERMEDIATE_CN} (CN=${ROOT_CN}) was found neither in the files given, the certificate library nor the roots this machine trusts, and downloading is off (it can be downloaded from http://pki.portico.test/root.crt) — if CN=${ROOT_CN} is a root, every client must trust it (a company CA must be deployed to them); add it to the files to check the whole chain`,
      },
    ]);
  });

  it('completes with a trusted root and tags it system', async () => {
    const result = await inspect(['leaf-rsa-bundle.pem']);
    expect(result.chain.map((c) => [c.summary.subject.cn, c.source])).toEqual([
      [RSA_LEAF_CN, 'file'],
      [INTERMEDIATE_CN, 'file'],
      [ROOT_CN, 'system'],
    ]);
    expect(result).toMatchObject({ complete: true, trusted: true, errors: [], warnings: [] });
    expect(result.missing).toBeUndefined();
  });

  it('a lone leaf names the intermediate it needs', async () => {
    const result = await inspect(['rsa-no-chain.pfx'], { password: PASSWORD });
    expect(result.missing?.issuer.cn).toBe(INTERMEDIATE_CN);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'ISSUER_MISSING',
        message: expect.stringMatching(
          /downloading is off \(it can be downloaded from http:\/\/pki\.portico\.test\/intermediate\.crt\) — add the intermediate certificate, or clients that do not have it will fail/,
        ),
      }),
    ]);
  });
});

describe('bad inputs: each with its code and a message that says what to do', () => {
  it('WRONG_PASSWORD and PASSWORD_REQUIRED, naming the file', async () => {
    const wrong = await inspect(['rsa-default.pfx'], { password: 'not-it' });
    expect(wrong.errors).toEqual([
      {
        code: 'WRONG_PASSWORD',
        file: 'rsa-default.pfx',
        message: 'the password does not open this PFX — check it; an empty password is different from none',
      },
    ]);
    expect(wrong.chain).toEqual([]);
    expect(wrong.files).toEqual([{ name: 'rsa-default.pfx', certificates: 0, keys: 0, ignored: [] }]);
    const none = await inspect(['rsa-default.pfx']);
    expect(none.errors).toEqual([
      expect.objectContaining({
        code: 'PASSWORD_REQUIRED',
        message: expect.stringMatching(/none was given/),
      }),
    ]);
    // The ASCII look-alike of a non-ASCII password is a different password.
    expect(codes((await inspect(['rsa-non-ascii.pfx'], { password: 'passworde' })).errors)).toEqual([
      'WRONG_PASSWORD',
    ]);
  });

  it('a file that cannot be read does not stop the others', async () => {
    const result = await inspect(['rsa-default.pfx', 'intermediate.pem'], { password: 'not-it' });
    expect(result.errors.map((e) => [e.code, e.file])).toEqual([['WRONG_PASSWORD', 'rsa-default.pfx']]);
    expect(cns(result)).toEqual([INTERMEDIATE_CN, ROOT_CN]);
  });

  it('NOT_A_CERTIFICATE_FILE for text, random bytes and an empty file', async () => {
    const result = await inspectCertificates(
      [
        { name: 'notes.txt', data: Buffer.from('just some notes\n') },
        { name: 'random.bin', data: Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42]) },
        { name: 'empty.crt', data: new Uint8Array() },
      ],
      { aia: false },
    );
    expect(result.errors.map((e) => [e.code, e.file])).toEqual([
      ['NOT_A_CERTIFICATE_FILE', 'notes.txt'],
      ['NOT_A_CERTIFICATE_FILE', 'random.bin'],
      ['NOT_A_CERTIFICATE_FILE', 'empty.crt'],
    ]);
    expect(result.errors[0]?.message).toMatch(
      /^this is not a certificate file \(it is text without -----BEGIN …----- blocks\) — use a PFX\/P12, PEM/,
    );
    expect(result.errors[2]?.message).toMatch(/the file is empty/);
  });

  it('DAMAGED_FILE for a truncated PFX', async () => {
    const pfx = corpus.read('rsa-default.pfx');
    const result = await inspectCertificates([{ name: 'cut.pfx', data: pfx.subarray(0, pfx.length - 100) }], {
      aia: false,
      password: PASSWORD,
    });
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'DAMAGED_FILE',
        file: 'cut.pfx',
        message: expect.stringMatching(/cut off/),
      }),
    ]);
  });

  it('ITERATION_COUNT_TOO_HIGH for a PFX over the iteration cap (the agent refuses it the same way)', async () => {
    const name = pfxWithIterations(corpus, MAX_KDF_ITERATIONS + 1);
    const result = await inspect([name], { password: PASSWORD });
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'ITERATION_COUNT_TOO_HIGH',
        file: name,
        message: expect.stringMatching(/export it again with the default settings/),
      }),
    ]);
  });

  it('NO_PRIVATE_KEY for a PFX exported without its key', async () => {
    const result = await inspect(['rsa-nokeys.pfx'], { password: PASSWORD });
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'NO_PRIVATE_KEY',
        message: expect.stringMatching(
          /^this PFX \(rsa-nokeys\.pfx\) holds no private key — export the certificate again/,
        ),
      }),
    ]);
  });

  it('KEY_MISMATCH when the key belongs to no certificate given', async () => {
    const result = await inspect(['key-mismatch.pem']);
    expect(result.key).toEqual({ keyType: 'RSA 2048', matchesLeaf: false, file: 'key-mismatch.pem' });
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'KEY_MISMATCH',
        message: expect.stringMatching(
          /^the private key does not belong to the certificate CN=www\.portico\.test/,
        ),
      }),
    ]);
  });

  it('EXPIRED and NOT_YET_VALID with their dates', async () => {
    const expired = await inspect(['expired-bundle.pem']);
    expect(expired.errors).toEqual([
      expect.objectContaining({
        code: 'EXPIRED',
        message: expect.stringMatching(
          /^certificate CN=expired\.portico\.test expired on 2020-01-02 00:00 UTC/,
        ),
      }),
    ]);
    const early = await inspect(['not-yet-valid-bundle.pem']);
    expect(early.errors).toEqual([
      expect.objectContaining({
        code: 'NOT_YET_VALID',
        message: expect.stringContaining('2099-12-31 00:00 UTC'),
      }),
    ]);
  });

  it('EXPIRES_SOON is a warning within 30 days, judged by the clock given', async () => {
    const soon = await inspect(['expires-soon-bundle.pem']);
    expect(soon.errors).toEqual([]);
    expect(soon.warnings).toEqual([
      expect.objectContaining({
        code: 'EXPIRES_SOON',
        message: expect.stringMatching(/\(in (9|10) days\) — renew it soon$/),
      }),
    ]);
    const later = new Date(Date.now() + 340 * 86_400_000).toISOString();
    expect(codes((await inspect(['rsa-default.pfx'], { password: PASSWORD, now: later })).warnings)).toEqual([
      'EXPIRES_SOON',
    ]);
  });

  it('SELF_SIGNED_LEAF is a warning; the chain is complete', async () => {
    const result = await inspect(['self-signed-bundle.pem']);
    expect(result).toMatchObject({ complete: true, trusted: false, errors: [] });
    expect(result.chain).toHaveLength(1);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'SELF_SIGNED_LEAF',
        message: expect.stringMatching(/^certificate CN=self\.portico\.test is self-signed/),
      }),
    ]);
  });

  it('NOT_A_CA for an intermediate without CA rights', async () => {
    const result = await inspect(['not-a-ca-bundle.pem']);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'NOT_A_CA',
        message: expect.stringMatching(
          /^intermediate CN=Portico Test Not A CA has no CA rights \(basicConstraints CA:FALSE\) so it cannot vouch for CN=under\.portico\.test/,
        ),
      }),
    ]);
  });

  it('NAME_MISSING for an expected name that is not among the SANs', async () => {
    const result = await inspect(['rsa-default.pfx'], {
      password: PASSWORD,
      expectedNames: ['www.portico.test', '192.0.2.10', 'mail.portico.test'],
    });
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'NAME_MISSING',
        message: expect.stringMatching(
          /^mail\.portico\.test is not among the names of certificate CN=www\.portico\.test \(www\.portico\.test, portico\.test, 192\.0\.2\.10\)/,
        ),
      }),
    ]);
  });

  it('CHAIN_LINK_INVALID for an intermediate with the right name and the wrong key', async () => {
    expect(codes((await inspect(['broken-link.pem'])).errors)).toEqual(['CHAIN_LINK_INVALID']);
  });
});

describe('the push payload', () => {
  it('is only there when asked for', async () => {
    expect((await inspect(['rsa-default.pfx'], { password: PASSWORD })).push).toBeUndefined();
  });

  it('holds the key of the leaf and the chain without the root', async () => {
    const result = await inspect(['rsa-default.pfx'], { password: PASSWORD, pushPayload: true });
    const push = result.push;
    if (!push) throw new Error('no push payload');
    const chain = splitPem(push.chainPem);
    expect(chain.map((c) => c.subject)).toEqual([
      expect.stringContaining(RSA_LEAF_CN),
      expect.stringContaining(INTERMEDIATE_CN),
    ]);
    expect(push.includesRoot).toBe(false);
    if (push.keyPem === undefined) throw new Error('no key in the push payload');
    const fromKey = createPublicKey(createPrivateKey(push.keyPem)).export({ type: 'spki', format: 'der' });
    expect(
      fromKey.equals(chain[0]?.publicKey.export({ type: 'spki', format: 'der' }) ?? Buffer.alloc(0)),
    ).toBe(true);
  });

  it('includes the root when asked, also one that came from the trusted roots', async () => {
    const result = await inspect(['leaf-ec-bundle.pem'], { pushPayload: { includeRoot: true } });
    expect(splitPem(result.push?.chainPem ?? '').map((c) => c.subject)).toEqual([
      expect.stringContaining(EC_LEAF_CN),
      expect.stringContaining(INTERMEDIATE_CN),
      expect.stringContaining(ROOT_CN),
    ]);
    expect(result.push?.includesRoot).toBe(true);
  });

  it('carries the CHAIN_INCOMPLETE verdict of a chain that stops before a root, naming the issuer', async () => {
    const result = await inspect(['rsa-no-chain.pfx'], { password: PASSWORD, pushPayload: true });
    const incomplete = {
      code: 'CHAIN_INCOMPLETE',
      fingerprint: result.chain[0]?.summary.fingerprint,
      message: `the chain stops at CN=${RSA_LEAF_CN}: its issuer CN=${INTERMEDIATE_CN} was found nowhere (in the files, the Console's library, or at the AIA URL) — clients that do not have it will fail with "unable to get local issuer certificate"; drop the intermediate certificate file beside the PFX (it can be downloaded from http://pki.portico.test/intermediate.crt), or push anyway after confirming`,
    };
    // Not an error: key and chain are sound, and the admin may know every client has the issuer.
    expect(result).toMatchObject({ complete: false, errors: [], incomplete });
    expect(result.push?.incomplete).toEqual(incomplete);
    // Each front end words its own way around it.
    const cli = await inspect(['rsa-no-chain.pfx'], {
      password: PASSWORD,
      incompleteHow: { add: 'name it', override: 'use --allow-incomplete' },
    });
    expect(cli.incomplete?.message).toMatch(
      /; name it \(it can be downloaded from .*\), or use --allow-incomplete$/,
    );
  });

  it('has no verdict for a chain that reaches a root, given or trusted', async () => {
    const given = await inspect(['leaf-rsa-bundle.pem', 'root.pem'], {
      systemRoots: false,
      trustedRoots: [],
    });
    const trusted = await inspect(['leaf-rsa-bundle.pem'], { pushPayload: true });
    for (const result of [given, trusted]) expect(result).toMatchObject({ complete: true, errors: [] });
    expect(given.incomplete).toBeUndefined();
    expect(trusted.incomplete).toBeUndefined();
    expect(trusted.push).toBeDefined();
    expect(trusted.push?.incomplete).toBeUndefined();
  });

  it('is withheld when there are errors: nothing broken gets pushed', async () => {
    expect((await inspect(['expired-bundle.pem'], { pushPayload: true })).push).toBeUndefined();
    expect((await inspect(['key-mismatch.pem'], { pushPayload: true })).push).toBeUndefined();
  });
});

function splitPem(text: string): X509Certificate[] {
  return (text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? []).map(
    (block) => new X509Certificate(block),
  );
}
