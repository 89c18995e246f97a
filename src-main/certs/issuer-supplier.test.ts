/** The supplier's bounds and bookkeeping, with a scripted fetch (the real downloads are in chain-sources.test.ts). */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../../shared/certs/summary.ts';
import { makeCorpus, type Corpus } from '../../test/support/cert-corpus.ts';
import { createIssuerSupplier, MAX_URLS_PER_CERTIFICATE } from './issuer-supplier.ts';

let corpus: Corpus;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());

function setup(answers: Record<string, Buffer | number>) {
  const leaf = new X509Certificate(corpus.read('leaf-rsa.pem'));
  const fetched: string[] = [];
  const supplier = createIssuerSupplier(new Map([[leaf.fingerprint256, leaf]]), {
    aia: {
      fetch: async (url) => {
        fetched.push(url);
        const answer = answers[url] ?? 404;
        return typeof answer === 'number' ? new Response('', { status: answer }) : new Response(answer);
      },
    },
  });
  const missing = (urls: string[]) => ({
    subject: summarize(leaf),
    issuer: { dn: 'CN=Portico Test Intermediate CA, O=Portico Test' },
    aiaCaIssuers: urls,
  });
  return { leaf, fetched, supplier, missing };
}

describe('createIssuerSupplier', () => {
  it(`tries at most ${MAX_URLS_PER_CERTIFICATE} URLs of one certificate`, async () => {
    const { leaf, fetched, supplier, missing } = setup({});
    const urls = Array.from({ length: 6 }, (_, i) => `http://pki${i}.example/ca.crt`);
    expect(await supplier.supply(missing(urls), 1)).toEqual([]);
    expect(fetched).toEqual(urls.slice(0, MAX_URLS_PER_CERTIFICATE));
    expect(supplier.attemptsFor(leaf.fingerprint256, urls).map((a) => a.error)).toEqual([
      'HTTP 404',
      'HTTP 404',
      'HTTP 404',
      'HTTP 404',
      'not tried: only the first 4 URLs of a certificate are tried',
      'not tried: only the first 4 URLs of a certificate are tried',
    ]);
  });

  it('downloads a URL named twice once, and moves on to the next URL after a failure', async () => {
    const good = 'http://pki.example/int.cer';
    const { fetched, supplier, missing } = setup({ [good]: corpus.read('intermediate.cer') });
    const found = await supplier.supply(
      missing(['http://down.example/x.cer', 'http://down.example/x.cer', good]),
      1,
    );
    expect(found.map((c) => [c.source, c.cert.subject.includes('Intermediate')])).toEqual([['aia', true]]);
    expect(fetched).toEqual(['http://down.example/x.cer', good]);
    expect(supplier.downloads).toEqual([
      { url: 'http://down.example/x.cer', ok: false, error: 'HTTP 404' },
      { url: good, ok: true },
    ]);
    expect(supplier.origins.get(found[0]?.cert.fingerprint256 ?? '')).toBe(good);
  });
});
