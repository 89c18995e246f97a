/** Chain building on real certificates: leaf selection, ordering, sources, missing issuers, rounds. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChain, completeChain, type ChainCandidate, type MissingIssuer } from './chain.ts';
import { parseCertificateInput, type ParseOptions } from './parse.ts';
import type { CertSource } from './summary-types.ts';
import {
  EC_LEAF_CN,
  INTERMEDIATE_CN,
  makeCorpus,
  PASSWORD,
  ROOT_CN,
  RSA_LEAF_CN,
  type Corpus,
} from '../../test/support/cert-corpus.ts';

let corpus: Corpus;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());

function load(file: string, source: CertSource = 'file', options: ParseOptions = {}) {
  const parsed = parseCertificateInput(corpus.read(file), options);
  const certificates: ChainCandidate[] = parsed.certificates.map((c) =>
    c.position === undefined ? { cert: c.cert, source } : { cert: c.cert, source, position: c.position },
  );
  return { keys: parsed.keys.map((k) => k.key), certificates };
}
const cns = (chain: { summary: { subject: { cn?: string } } }[]) => chain.map((l) => l.summary.subject.cn);

describe('buildChain', () => {
  it('orders a PFX leaf → intermediate → root and finds the key that fits the leaf', () => {
    const input = load('rsa-default.pfx', 'file', { password: PASSWORD });
    const result = buildChain(input);
    expect(cns(result.chain)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN, ROOT_CN]);
    expect(result.keyMatchesLeaf).toBe(true);
    expect(result.key).toBe(input.keys[0]);
    expect(result.complete).toBe(true);
    expect(result.missing).toBeUndefined();
    expect(result.chain.slice(0, -1).map((l) => l.signature)).toEqual(['valid', 'valid']);
    expect(result.chain.at(-1)?.signature).toBeUndefined();
    expect(result.reordered).toBe(false);
  });

  it('picks the leaf by the key even when it is not first, among several leaves', () => {
    const ec = load('leaf-ec-bundle.pem');
    const rsa = load('leaf-rsa-fullchain.pem');
    const result = buildChain({ keys: ec.keys, certificates: [...rsa.certificates, ...ec.certificates] });
    expect(cns(result.chain)).toEqual([EC_LEAF_CN, INTERMEDIATE_CN, ROOT_CN]);
    expect(result.unused.map((c) => c.cert.subject)).toEqual([expect.stringContaining(RSA_LEAF_CN)]);
  });

  it('without a key takes the certificate nothing else was issued by', () => {
    const result = buildChain(load('leaf-rsa-chain.p7b'));
    expect(cns(result.chain)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN, ROOT_CN]);
    expect(result.keyMatchesLeaf).toBeUndefined();
    expect(result.key).toBeUndefined();
  });

  it('puts a wrongly ordered PEM bundle in order and says so', () => {
    const result = buildChain(load('leaf-rsa-wrong-order.pem'));
    expect(cns(result.chain)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN, ROOT_CN]);
    expect(result.reordered).toBe(true);
  });

  it('reports the issuer it is missing, with the AIA URL to fetch it from', () => {
    const result = buildChain(load('rsa-no-chain.pfx', 'file', { password: PASSWORD }));
    expect(cns(result.chain)).toEqual([RSA_LEAF_CN]);
    expect(result.complete).toBe(false);
    expect(result.missing).toMatchObject({
      subject: { subject: { cn: RSA_LEAF_CN } },
      issuer: { cn: INTERMEDIATE_CN, dn: `CN=${INTERMEDIATE_CN}, O=Portico Test` },
      aiaCaIssuers: ['http://pki.portico.test/intermediate.crt'],
    });
  });

  it('uses extra candidates and trusted roots, and tags each link with its source', () => {
    const file = load('rsa-no-chain.pfx', 'file', { password: PASSWORD });
    const library = load('intermediate.pem', 'library').certificates;
    const system = load('root.pem', 'system').certificates;
    const result = buildChain({ ...file, extra: library, trustedRoots: system });
    expect(result.chain.map((l) => [l.summary.subject.cn, l.source])).toEqual([
      [RSA_LEAF_CN, 'file'],
      [INTERMEDIATE_CN, 'library'],
      [ROOT_CN, 'system'],
    ]);
    expect(result).toMatchObject({ complete: true, trusted: true, missing: undefined });
  });

  it('prefers the copy from the file over the same certificate from elsewhere', () => {
    const file = load('leaf-rsa-fullchain.pem');
    const result = buildChain({ ...file, trustedRoots: load('root.pem', 'system').certificates });
    expect(result.chain.map((l) => l.source)).toEqual(['file', 'file', 'file']);
    expect(result.trusted).toBe(true);
  });

  it('links to an issuer with the right name but the wrong key, marked invalid', () => {
    const result = buildChain(load('broken-link.pem'));
    expect(cns(result.chain)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN]);
    expect(result.chain[0]?.signature).toBe('invalid');
  });

  it('prefers the real issuer when an impostor with the same name is also offered', () => {
    const result = buildChain({
      ...load('broken-link.pem'),
      extra: load('intermediate.pem', 'library').certificates,
    });
    expect(result.chain.map((l) => [l.source, l.signature])).toEqual([
      ['file', 'valid'],
      ['library', undefined],
    ]);
  });

  it('reports a key that fits none of the certificates', () => {
    const result = buildChain(load('key-mismatch.pem'));
    expect(result.keyMatchesLeaf).toBe(false);
    expect(cns(result.chain)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN]);
  });

  it('gives an empty chain without certificates', () => {
    const result = buildChain(load('leaf-rsa.key'));
    expect(result.chain).toEqual([]);
  });

  it('is pure: the same input builds the same chain twice', () => {
    const input = load('leaf-rsa-wrong-order.pem');
    const a = buildChain(input);
    const b = buildChain(input);
    expect(a.chain.map((l) => l.summary.fingerprint)).toEqual(b.chain.map((l) => l.summary.fingerprint));
  });
});

describe('completeChain', () => {
  it('asks the supplier round by round until the chain is complete', async () => {
    const asked: MissingIssuer[] = [];
    const published: Record<string, ChainCandidate[]> = {
      'http://pki.portico.test/intermediate.crt': load('intermediate.cer', 'aia').certificates,
      'http://pki.portico.test/root.crt': load('root.pem', 'aia').certificates,
    };
    const result = await completeChain(
      load('rsa-no-chain.pfx', 'file', { password: PASSWORD }),
      async (missing) => {
        asked.push(missing);
        return missing.aiaCaIssuers.flatMap((url) => published[url] ?? []);
      },
    );
    expect(asked.map((m) => m.issuer.cn)).toEqual([INTERMEDIATE_CN, ROOT_CN]);
    expect(result.chain.map((l) => [l.summary.subject.cn, l.source])).toEqual([
      [RSA_LEAF_CN, 'file'],
      [INTERMEDIATE_CN, 'aia'],
      [ROOT_CN, 'aia'],
    ]);
    expect(result.complete).toBe(true);
  });

  it('stops when the supplier finds nothing new', async () => {
    let rounds = 0;
    const result = await completeChain(load('leaf-rsa.pem'), async () => {
      rounds++;
      return [];
    });
    expect(rounds).toBe(1);
    expect(result.missing?.issuer.cn).toBe(INTERMEDIATE_CN);
  });
});
