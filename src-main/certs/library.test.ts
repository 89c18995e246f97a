/** The certificate library on disk: one DER file per certificate, named by fingerprint, nothing trusted blindly. */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCorpus, type Corpus } from '../../test/support/cert-corpus.ts';
import { CertLibrary, fingerprintKey } from './library.ts';

let corpus: Corpus;
let dir: string;
beforeAll(() => {
  corpus = makeCorpus();
  dir = mkdtempSync(join(tmpdir(), 'portico-library-'));
});
afterAll(() => {
  corpus.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const cert = (name: string) => new X509Certificate(corpus.read(name));
const fresh = (name: string) => new CertLibrary(join(dir, name));

describe('CertLibrary', () => {
  it('stores each certificate once, as <fingerprint>.der, and finds it again after a restart', async () => {
    const library = fresh('basic');
    const intermediate = cert('intermediate.pem');
    expect(await library.add([intermediate, cert('root.pem')])).toEqual([
      intermediate.fingerprint256,
      cert('root.pem').fingerprint256,
    ]);
    expect(await library.add([intermediate])).toEqual([]);
    expect(readdirSync(library.dir).sort()).toEqual(
      [intermediate, cert('root.pem')].map((c) => `${fingerprintKey(c.fingerprint256)}.der`).sort(),
    );
    const reopened = new CertLibrary(library.dir);
    expect(await reopened.has(intermediate.fingerprint256)).toBe(true);
    expect((await reopened.all()).map((c) => c.fingerprint256).sort()).toEqual(
      [intermediate.fingerprint256, cert('root.pem').fingerprint256].sort(),
    );
  });

  it('offers only certificates that really issued the one asked about (name and signature)', async () => {
    const library = fresh('issuers');
    await library.add([cert('impostor.pem'), cert('intermediate.pem'), cert('root.pem')]);
    const issuers = await library.issuersOf(cert('leaf-rsa.pem'));
    expect(issuers.map((c) => c.fingerprint256)).toEqual([cert('intermediate.pem').fingerprint256]);
    expect(await library.issuersOf(cert('self-signed.pem'))).toEqual([]);
  });

  it('is empty when its directory does not exist yet, and creates it on the first add', async () => {
    const library = fresh('later/nested');
    expect(await library.all()).toEqual([]);
    await library.add([cert('root.pem')]);
    expect(readdirSync(library.dir)).toHaveLength(1);
  });

  it('ignores files that are not its own, damaged, or not what their name says', async () => {
    const library = fresh('dirty');
    await library.add([cert('intermediate.pem')]);
    const root = cert('root.pem');
    writeFileSync(join(library.dir, 'notes.txt'), 'hello');
    writeFileSync(join(library.dir, `${'0'.repeat(64)}.der`), 'garbage');
    // The root's bytes under another certificate's name: a name that lies is not believed.
    writeFileSync(join(library.dir, `${fingerprintKey(cert('leaf-rsa.pem').fingerprint256)}.der`), root.raw);
    const reopened = new CertLibrary(library.dir);
    expect((await reopened.all()).map((c) => c.fingerprint256)).toEqual([
      cert('intermediate.pem').fingerprint256,
    ]);
  });

  it('survives two writers adding the same certificate at once', async () => {
    const a = fresh('race');
    const b = new CertLibrary(a.dir);
    await Promise.all([a.add([cert('intermediate.pem')]), b.add([cert('intermediate.pem')])]);
    expect(readdirSync(a.dir)).toEqual([`${fingerprintKey(cert('intermediate.pem').fingerprint256)}.der`]);
    expect(await new CertLibrary(a.dir).has(cert('intermediate.pem').fingerprint256)).toBe(true);
  });
});
