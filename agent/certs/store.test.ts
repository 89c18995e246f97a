/**
 * The certificate store on a real file system, with certificates made by openssl: file
 * modes, what is written, atomic replacement (including recovery from a crash half-way),
 * refusals, CA bundles — and that what it stores really serves and verifies TLS.
 */
import { X509Certificate } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CertError } from '../../shared/certs/errors.ts';
import {
  INTERMEDIATE_CN,
  makeCorpus,
  NON_ASCII_PASSWORD,
  PASSWORD,
  RSA_LEAF_CN,
  EC_LEAF_CN,
  type Corpus,
} from '../../test/support/cert-corpus.ts';
import { MAX_KDF_ITERATIONS } from '../../shared/certs/kdf-limits.ts';
import { pfxWithIterations } from '../../test/support/kdf-variants.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { CertStore } from './store.ts';
import { CertStoreError } from './store-errors.ts';

let corpus: Corpus;
let dataDir: string;
let store: CertStore;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'portico-store-'));
  store = new CertStore(dataDir);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const pfx = (file: string, password = PASSWORD) => ({ pfx: corpus.read(file), password });
const files = (...names: string[]) => ({ files: names.map((n) => corpus.read(n)) });
const pemCerts = (pem: string) =>
  pem
    .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
    ?.map((c) => new X509Certificate(c)) ?? [];

async function rejection(promise: Promise<unknown>): Promise<CertError | CertStoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CertError || error instanceof CertStoreError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('import', () => {
  it('writes key.pem 0600, chain.pem leaf first then intermediates, meta.json, directories 0700', async () => {
    const result = await store.import('web', pfx('rsa-default.pfx'));
    expect(result).toMatchObject({ name: 'web', kind: 'certificate', replaced: false, warnings: [] });
    expect(result.summary.subject.cn).toBe(RSA_LEAF_CN);
    expect(result.notStored).toEqual([expect.objectContaining({ reason: 'root' })]);

    const dir = join(dataDir, 'certs', 'web');
    expect(mode(join(dataDir, 'certs'))).toBe(0o700);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'key.pem'))).toBe(0o600);
    expect(mode(join(dir, 'chain.pem'))).toBe(0o600);
    expect(mode(join(dir, 'meta.json'))).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['chain.pem', 'key.pem', 'meta.json']);

    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const chain = pemCerts(readFileSync(join(dir, 'chain.pem'), 'utf8'));
    expect(chain.map((c) => c.subject.split('\n').at(-1))).toEqual([
      `CN=${RSA_LEAF_CN}`,
      `CN=${INTERMEDIATE_CN}`,
    ]);
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({
      version: 1,
      kind: 'certificate',
      summary: { subject: { cn: RSA_LEAF_CN } },
    });
    expect(Date.parse(meta.importedAt)).not.toBeNaN();
  });

  it.each([
    ['legacy RC2/3DES PFX', () => pfx('rsa-legacy.pfx'), RSA_LEAF_CN],
    ['non-ASCII password PFX', () => pfx('rsa-non-ascii.pfx', NON_ASCII_PASSWORD), RSA_LEAF_CN],
    ['EC PFX', () => pfx('ec-default.pfx'), EC_LEAF_CN],
    ['PFX at the iteration cap', () => pfx('rsa-many-iterations.pfx'), RSA_LEAF_CN],
    [
      'separate PEM and DER files',
      () => files('leaf-ec.sec1.key', 'leaf-ec.pem', 'intermediate.cer'),
      EC_LEAF_CN,
    ],
    [
      'an encrypted key with its certificate chain as P7B',
      () => ({ ...files('leaf-rsa.enc.key', 'leaf-rsa-chain.p7b'), password: PASSWORD }),
      RSA_LEAF_CN,
    ],
  ])('imports a %s', async (_label, input, cn) => {
    const result = await store.import('site', input());
    expect(result.summary.subject.cn).toBe(cn);
    expect(result.chain.map((c) => c.subject.cn)).toEqual([cn, INTERMEDIATE_CN]);
  });

  it('fixes a wrongly ordered bundle and says so', async () => {
    const result = await store.import('web', files('leaf-rsa.key', 'leaf-rsa-wrong-order.pem'));
    expect(result.chain.map((c) => c.subject.cn)).toEqual([RSA_LEAF_CN, INTERMEDIATE_CN]);
    expect(result.warnings.map((w) => w.code)).toEqual(['CHAIN_REORDERED']);
  });

  it.each([
    ['a wrong password', () => pfx('rsa-default.pfx', 'wrong'), 'WRONG_PASSWORD'],
    ['a PFX without a key', () => pfx('rsa-nokeys.pfx'), 'NO_PRIVATE_KEY'],
    [
      'a PEM file given as PFX',
      () => ({ pfx: corpus.read('leaf-rsa-bundle.pem'), password: PASSWORD }),
      'NOT_PKCS12',
    ],
    ['the key of another certificate', () => files('key-mismatch.pem'), 'KEY_MISMATCH'],
    ['a broken chain link', () => files('broken-link.pem'), 'CHAIN_LINK_INVALID'],
    ['an issuer without CA rights', () => files('not-a-ca-bundle.pem'), 'NOT_A_CA'],
    ['an expired certificate', () => files('expired-bundle.pem'), 'EXPIRED'],
    ['a certificate not valid yet', () => files('not-yet-valid-bundle.pem'), 'NOT_YET_VALID'],
    ['a key alone', () => files('leaf-rsa.key'), 'NO_CERTIFICATE'],
    [
      'a PFX over the iteration cap',
      () => pfx(pfxWithIterations(corpus, MAX_KDF_ITERATIONS + 1, '-legacy')),
      'ITERATION_COUNT_TOO_HIGH',
    ],
  ])('refuses %s and writes nothing', async (_label, input, code) => {
    const error = await rejection(store.import('web', input()));
    expect(error.code).toBe(code);
    // Checked before the disk is touched: not even the store directory appears.
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('stores an expired certificate with force, as a warning; force never overrides a wrong key', async () => {
    const result = await store.import('old', files('expired-bundle.pem'), { force: true });
    expect(result.warnings.map((w) => w.code)).toEqual(['EXPIRED']);
    expect((await rejection(store.import('bad', files('key-mismatch.pem'), { force: true }))).code).toBe(
      'KEY_MISMATCH',
    );
  });

  it('warns about a certificate that expires within 30 days', async () => {
    const result = await store.import('soon', files('expires-soon-bundle.pem'));
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'EXPIRES_SOON',
        message: expect.stringContaining('soon.portico.test'),
      }),
    ]);
  });

  it.each(['', 'two words', '../escape', '.hidden', 'a/b', '-dash-first', 'x'.repeat(64)])(
    'refuses the name %j',
    async (name) => {
      const error = await rejection(store.import(name, pfx('rsa-default.pfx')));
      expect(error.code).toBe('INVALID_NAME');
      expect(readdirSync(dataDir)).toEqual([]);
    },
  );
});

describe('replace', () => {
  it('replaces an entry as a whole and says replaced', async () => {
    await store.import('web', pfx('rsa-default.pfx'));
    const result = await store.import('web', pfx('ec-default.pfx'));
    expect(result.replaced).toBe(true);
    const loaded = await store.load('web');
    expect(loaded.summary.subject.cn).toBe(EC_LEAF_CN);
    expect(
      new X509Certificate(loaded.chain).checkPrivateKey(
        await import('node:crypto').then((c) => c.createPrivateKey(loaded.key)),
      ),
    ).toBe(true);
    expect(readdirSync(join(dataDir, 'certs'))).toEqual(['web']);
    expect(readdirSync(join(dataDir, 'certs', 'web')).sort()).toEqual(['chain.pem', 'key.pem', 'meta.json']);
  });

  it('leaves the existing entry byte for byte when a replacement is refused', async () => {
    await store.import('web', pfx('rsa-default.pfx'));
    const before = ['key.pem', 'chain.pem', 'meta.json'].map((f) =>
      readFileSync(join(dataDir, 'certs', 'web', f)),
    );
    await rejection(store.import('web', files('key-mismatch.pem')));
    const after = ['key.pem', 'chain.pem', 'meta.json'].map((f) =>
      readFileSync(join(dataDir, 'certs', 'web', f)),
    );
    expect(after).toEqual(before);
  });

  it('keeps key and chain together under concurrent replacements', async () => {
    const results = await Promise.all([
      store.import('web', pfx('rsa-default.pfx')),
      store.import('web', pfx('ec-default.pfx')),
      store.import('web', pfx('rsa-legacy.pfx')),
    ]);
    expect(results.map((r) => r.replaced)).toEqual([false, true, true]);
    const { key, chain } = await store.load('web');
    const { createPrivateKey } = await import('node:crypto');
    expect(new X509Certificate(chain).checkPrivateKey(createPrivateKey(key))).toBe(true);
  });

  it('after a crash between "old aside" and "new in place", the old entry comes back', async () => {
    await store.import('web', pfx('rsa-default.pfx'));
    const certs = join(dataDir, 'certs');
    // What a crash leaves: the old entry renamed aside, a half-written staging directory.
    renameSync(join(certs, 'web'), join(certs, '.retired-web-0123456789ab'));
    mkdirSync(join(certs, '.staging-web-ba9876543210'));
    writeFileSync(join(certs, '.staging-web-ba9876543210', 'key.pem'), '-----BEGIN PRIV');
    // Leftovers are cleaned once they are stale, so a live import in another process is left alone.
    mkdirSync(join(certs, '.staging-api-0123456789ab'));
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(certs, '.staging-web-ba9876543210'), old, old);
    const reopened = new CertStore(dataDir);
    const loaded = await reopened.load('web');
    expect(loaded.summary.subject.cn).toBe(RSA_LEAF_CN);
    expect(readdirSync(certs).sort()).toEqual(['.staging-api-0123456789ab', 'web']);
  });

  it('writeFileAtomic replaces content, keeps the mode and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-atomic-'));
    try {
      await writeFileAtomic(join(dir, 'key.pem'), 'one', 0o600);
      await writeFileAtomic(join(dir, 'key.pem'), 'two', 0o600);
      expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('two');
      expect(mode(join(dir, 'key.pem'))).toBe(0o600);
      expect(readdirSync(dir)).toEqual(['key.pem']);
      await expect(writeFileAtomic(join(dir, 'missing', 'x'), 'y', 0o600)).rejects.toThrow();
      expect(readdirSync(dir)).toEqual(['key.pem']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('list and remove', () => {
  it('lists entries with their summary and who uses them', async () => {
    await store.import('web', pfx('rsa-default.pfx'));
    await store.import('backend-ca', files('chain.p7b.pem'));
    const entries = await store.list((name) => (name === 'web' ? ['owa', 'ecp'] : []));
    expect(entries).toEqual([
      expect.objectContaining({ name: 'backend-ca', kind: 'ca-bundle', certificates: 2, usedBy: [] }),
      expect.objectContaining({
        name: 'web',
        kind: 'certificate',
        subject: { cn: RSA_LEAF_CN, dn: `CN=${RSA_LEAF_CN}, O=Portico Test` },
        issuer: expect.objectContaining({ cn: INTERMEDIATE_CN }),
        sans: { dns: ['www.portico.test', 'portico.test'], ip: ['192.0.2.10'] },
        keyType: 'RSA 2048',
        fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
        notAfter: expect.stringMatching(/^\d{4}-/),
        certificates: 2,
        usedBy: ['owa', 'ecp'],
      }),
    ]);
  });

  it('lists a damaged entry with its problem instead of failing', async () => {
    await store.import('web', pfx('rsa-default.pfx'));
    writeFileSync(join(dataDir, 'certs', 'web', 'meta.json'), '{');
    const [entry] = await store.list();
    expect(entry).toMatchObject({
      name: 'web',
      kind: 'certificate',
      problem: expect.stringContaining('meta.json is not JSON'),
    });
  });

  it('refuses to remove an entry in use, naming the services', async () => {
    await store.import('web', pfx('rsa-default.pfx'));
    const error = await rejection(store.remove('web', ['owa', 'ecp']));
    expect(error.code).toBe('CERT_IN_USE');
    expect(error.message).toContain('owa, ecp');
    expect(await store.has('web')).toBe(true);
    await store.remove('web', []);
    expect(await store.has('web')).toBe(false);
    expect(readdirSync(join(dataDir, 'certs'))).toEqual([]);
    expect((await rejection(store.remove('web', []))).code).toBe('CERT_NOT_FOUND');
  });
});

describe('load and loadCa', () => {
  it('a CA bundle has no key: load refuses, loadCa returns its certificates', async () => {
    const result = await store.import('backend-ca', files('chain.p7b.pem'));
    expect(result).toMatchObject({ kind: 'ca-bundle', warnings: [] });
    expect(readdirSync(join(dataDir, 'certs', 'backend-ca')).sort()).toEqual(['chain.pem', 'meta.json']);
    expect((await rejection(store.load('backend-ca'))).code).toBe('NOT_A_SERVER_CERTIFICATE');
    expect(pemCerts(await store.loadCa('backend-ca'))).toHaveLength(2);
  });

  it('a self-signed server certificate is a fine CA bundle; a plain leaf gets a NOT_A_CA warning', async () => {
    expect((await store.import('exchange-self', files('self-signed.pem'))).warnings).toEqual([]);
    expect((await store.import('leaf-only', files('leaf-rsa.pem'))).warnings.map((w) => w.code)).toEqual([
      'NOT_A_CA',
    ]);
  });

  it('a certificate entry serves as CA too: loadCa returns its chain', async () => {
    await store.import('web', pfx('rsa-default.pfx'));
    expect(pemCerts(await store.loadCa('web'))).toHaveLength(2);
  });

  it('says CERT_NOT_FOUND for unknown names and INVALID_NAME for bad ones', async () => {
    expect((await rejection(store.load('nope'))).code).toBe('CERT_NOT_FOUND');
    expect((await rejection(store.loadCa('nope'))).code).toBe('CERT_NOT_FOUND');
    expect((await rejection(store.load('../x'))).code).toBe('INVALID_NAME');
  });

  it('what load and loadCa return serves and verifies a real TLS handshake', async () => {
    await store.import('web', pfx('rsa-legacy.pfx'));
    await store.import('public-root', files('root.pem'));
    const { key, chain } = await store.load('web');
    const ca = await store.loadCa('public-root');
    const server = createServer({ key, cert: chain }, (socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const socket: TLSSocket = connect({ host: '127.0.0.1', port, servername: RSA_LEAF_CN, ca });
      const [authorized, data] = await new Promise<[boolean, string]>((resolve, reject) => {
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('end', () => resolve([socket.authorized, text]));
        socket.on('error', reject);
      });
      expect(authorized).toBe(true);
      expect(data).toBe('hello');
    } finally {
      server.close();
    }
  });
});
