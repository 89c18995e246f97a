/**
 * Chain completion from every source, in order — the files, the library, AIA (a real HTTP
 * server on 127.0.0.1 answering DER and PKCS#7), the trusted roots — and what is reported
 * when a download fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INTERMEDIATE_CN,
  makeCorpus,
  PASSWORD,
  ROOT_CN,
  RSA_LEAF_CN,
  type Corpus,
} from '../../test/support/cert-corpus.ts';
import { inspectCertificates, type InspectDeps } from './inspect.ts';
import { CertLibrary } from './library.ts';
import {
  addAiaHierarchy,
  AIA_PATHS,
  BROKEN_LEAF_CN,
  HOP_INT1_CN,
  HOP_INT2_CN,
  HOP_LEAF_CN,
  type AiaCorpus,
} from '../../test/support/aia-corpus.ts';
import { startAiaServer, type AiaServer } from '../../test/support/aia-server.ts';
import type { InspectOptions, InspectResult } from './types.ts';

let corpus: Corpus;
let server: AiaServer;
let aia: AiaCorpus;
let libraries: string;
beforeAll(async () => {
  corpus = makeCorpus();
  server = await startAiaServer();
  aia = addAiaHierarchy(corpus, server.origin);
  aia.publish(server, { slowMs: 5000, hugeBytes: 2 * 1024 * 1024 });
  libraries = mkdtempSync(join(tmpdir(), 'portico-chain-sources-'));
});
afterAll(async () => {
  await server.close();
  corpus.cleanup();
  rmSync(libraries, { recursive: true, force: true });
});

function inspect(
  files: string[],
  options: InspectOptions = {},
  deps: InspectDeps = {},
): Promise<InspectResult> {
  return inspectCertificates(
    files.map((name) => ({ name, data: corpus.read(name) })),
    { password: PASSWORD, aiaTimeoutMs: 500, ...options },
    deps,
  );
}
const sources = (r: InspectResult) => r.chain.map((c) => [c.summary.subject.cn, c.source, c.origin]);
const requests = () => Object.fromEntries(Object.values(AIA_PATHS).map((p) => [p, server.requests(p)]));
let librarySeq = 0;
const newLibraryDir = () => join(libraries, `library-${++librarySeq}`);

describe('AIA', () => {
  it('completes leaf → int2 → int1 → root from AIA alone, DER and PKCS#7 answers', async () => {
    const fetched: string[] = [];
    const result = await inspect(
      [aia.hopLeafPfx],
      {},
      {
        fetch: (url, init) => {
          fetched.push(url);
          return fetch(url, init);
        },
      },
    );
    expect(sources(result)).toEqual([
      [HOP_LEAF_CN, 'file', aia.hopLeafPfx],
      [HOP_INT2_CN, 'aia', server.url(AIA_PATHS.int2)],
      [HOP_INT1_CN, 'aia', server.url(AIA_PATHS.int1)],
      [ROOT_CN, 'aia', server.url(AIA_PATHS.root)],
    ]);
    expect(fetched).toEqual([AIA_PATHS.int2, AIA_PATHS.int1, AIA_PATHS.root].map((p) => server.url(p)));
    expect(result.aia).toEqual(fetched.map((url) => ({ url, ok: true })));
    expect(result).toMatchObject({ complete: true, trusted: false, errors: [], warnings: [] });
    expect(result.missing).toBeUndefined();
  });

  it('downloads only what the files leave out', async () => {
    const result = await inspect([aia.hopLeafPartialPem]);
    expect(result.chain.map((c) => c.source)).toEqual(['file', 'file', 'aia', 'aia']);
    expect(result.aia.map((a) => a.url)).toEqual([server.url(AIA_PATHS.int1), server.url(AIA_PATHS.root)]);
  });

  it('reports a 404, a timeout, an oversize answer and a wrong certificate, each in missing', async () => {
    const started = Date.now();
    const result = await inspect([aia.brokenLeafPfx]);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.complete).toBe(false);
    expect(result.missing).toEqual({
      subject: { cn: BROKEN_LEAF_CN, dn: `CN=${BROKEN_LEAF_CN}, O=Portico Test` },
      fingerprint: result.chain[0]?.summary.fingerprint,
      issuer: { cn: HOP_INT2_CN, dn: `CN=${HOP_INT2_CN}, O=Portico Test` },
      aia: [
        { url: server.url(AIA_PATHS.missing), ok: false, error: 'HTTP 404 Not Found' },
        { url: server.url(AIA_PATHS.slow), ok: false, error: 'no complete answer within 500 ms' },
        {
          url: server.url(AIA_PATHS.huge),
          ok: false,
          error: 'the answer is 2 MiB, more than the 1 MiB allowed',
        },
        {
          url: server.url(AIA_PATHS.wrong),
          ok: false,
          error: `the certificate served there (CN=${INTERMEDIATE_CN}) did not issue CN=${BROKEN_LEAF_CN}`,
        },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'ISSUER_MISSING',
        message: expect.stringContaining(
          `and downloading it failed: ${server.url(AIA_PATHS.missing)} (HTTP 404 Not Found); ${server.url(AIA_PATHS.slow)} (no complete answer within 500 ms); `,
        ),
      }),
    ]);
  });

  it('stops after the hop limit and says so', async () => {
    const result = await inspect([aia.hopLeafPfx], { aiaMaxHops: 1 });
    expect(result.chain.map((c) => c.summary.subject.cn)).toEqual([HOP_LEAF_CN, HOP_INT2_CN]);
    expect(result.missing?.aia).toEqual([
      {
        url: server.url(AIA_PATHS.int1),
        ok: false,
        error: 'not tried: the limit of 1 download per chain was reached',
      },
    ]);
  });

  it('downloads nothing when AIA is off, and lists the URL it would have used', async () => {
    const before = requests();
    const result = await inspect([aia.hopLeafPfx], { aia: false });
    expect(requests()).toEqual(before);
    expect(result.missing?.aia).toEqual([
      { url: server.url(AIA_PATHS.int2), ok: false, error: 'not tried: AIA downloads are off' },
    ]);
  });
});

describe('library', () => {
  it('learns what AIA gave and uses it on the second run, without a download', async () => {
    const dir = newLibraryDir();
    const first = await inspect([aia.hopLeafPfx], { libraryDir: dir });
    expect(first.chain.map((c) => c.source)).toEqual(['file', 'aia', 'aia', 'aia']);
    expect(first.learned).toEqual(first.chain.slice(1).map((c) => c.summary.fingerprint));

    const before = requests();
    const second = await inspect([aia.hopLeafPfx], { libraryDir: dir });
    expect(requests()).toEqual(before);
    expect(second.chain.map((c) => c.source)).toEqual(['file', 'library', 'library', 'library']);
    expect(second).toMatchObject({ complete: true, aia: [], learned: [] });
  });

  it('learns intermediates from the files too', async () => {
    const library = new CertLibrary(newLibraryDir());
    const full = await inspect(['leaf-rsa-fullchain.pem'], {}, { library });
    expect(full.learned).toHaveLength(2);
    const bare = await inspect(
      ['rsa-no-chain.pfx'],
      { aia: false },
      { library: new CertLibrary(library.dir) },
    );
    expect(bare.chain.map((c) => [c.summary.subject.cn, c.source])).toEqual([
      [RSA_LEAF_CN, 'file'],
      [INTERMEDIATE_CN, 'library'],
      [ROOT_CN, 'library'],
    ]);
  });

  it('does not learn a certificate that did not verify (the wrong intermediate)', async () => {
    const result = await inspect(['broken-link.pem'], { libraryDir: newLibraryDir() });
    expect(result.errors.map((e) => e.code)).toContain('CHAIN_LINK_INVALID');
    expect(result.learned).toEqual([]);
  });
});

describe('trusted roots', () => {
  it('a trusted root ends the chain: it is tagged system and never downloaded', async () => {
    const before = server.requests(AIA_PATHS.root);
    const result = await inspect([aia.hopLeafPfx], { trustedRoots: [corpus.read('root.pem')] });
    expect(result.chain.map((c) => c.source)).toEqual(['file', 'aia', 'aia', 'system']);
    expect(result).toMatchObject({ complete: true, trusted: true, errors: [], warnings: [] });
    expect(server.requests(AIA_PATHS.root)).toBe(before);
  });

  it('the library and the trusted roots together complete a chain offline', async () => {
    const dir = newLibraryDir();
    await inspect([aia.hopLeafPartialPem], { libraryDir: dir });
    const result = await inspect([aia.hopLeafPfx], {
      libraryDir: dir,
      aia: false,
      trustedRoots: [corpus.read('root.pem')],
    });
    expect(result.chain.map((c) => c.source)).toEqual(['file', 'library', 'library', 'system']);
    expect(result.trusted).toBe(true);
  });
});
