/** `portico-agent cert …` run in-process with captured output, on real files. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeCorpus, PASSWORD, RSA_LEAF_CN, type Corpus } from '../../test/support/cert-corpus.ts';
import { MAX_KDF_ITERATIONS } from '../../shared/certs/kdf-limits.ts';
import { pfxWithIterations } from '../../test/support/kdf-variants.ts';
import { runCertCommand } from './cert-command.ts';

let corpus: Corpus;
let dataDir: string;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'portico-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCertCommand(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

const dd = () => ['--data-dir', dataDir];
const importPfx = (name: string, file = 'rsa-default.pfx', ...more: string[]) =>
  run(
    'cert',
    'import',
    ...dd(),
    '--name',
    name,
    '--pfx',
    corpus.path(file),
    '--password-file',
    corpus.path('password.txt'),
    ...more,
  );

function useIn(config: unknown) {
  writeFileSync(join(dataDir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
}

describe('cert import', () => {
  it('imports a PFX with a password file and prints a summary — never the key or the password', async () => {
    const result = await importPfx('web');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported certificate "web"');
    expect(result.stdout).toContain(`CN=${RSA_LEAF_CN}, O=Portico Test`);
    expect(result.stdout).toContain('www.portico.test, portico.test, 192.0.2.10');
    expect(result.stdout).toContain('RSA 2048');
    const all = result.stdout + result.stderr;
    expect(all).not.toMatch(/PRIVATE KEY/);
    expect(all).not.toContain(PASSWORD);
    expect(existsSync(join(dataDir, 'certs', 'web', 'key.pem'))).toBe(true);
  });

  it('imports a PFX at the iteration cap; refuses one over it, saying what to do, and stores nothing', async () => {
    expect((await importPfx('web', 'rsa-many-iterations.pfx')).code).toBe(0);
    const refused = await importPfx('big', pfxWithIterations(corpus, MAX_KDF_ITERATIONS + 1));
    expect(refused.code).toBe(1);
    const over = (MAX_KDF_ITERATIONS + 1).toLocaleString('en-US');
    expect(refused.stderr).toMatch(
      new RegExp(
        `^error: this file's MAC asks for ${over} key-derivation iterations, .* — export it again with the default settings .*\\[ITERATION_COUNT_TOO_HIGH\\]\n$`,
      ),
    );
    expect(existsSync(join(dataDir, 'certs', 'big'))).toBe(false);
  });

  it('says "replaced" on a renewal', async () => {
    await importPfx('web');
    const again = await importPfx('web', 'rsa-legacy.pfx');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^replaced certificate "web"/);
  });

  it('takes several PEM/DER files, after one --pem or with repeated --pem', async () => {
    const a = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'a',
      '--pem',
      corpus.path('leaf-ec.key'),
      corpus.path('leaf-ec.pem'),
      corpus.path('intermediate.cer'),
      corpus.path('root.pem'),
    );
    expect(a).toMatchObject({ code: 0, stderr: '' });
    const b = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'b',
      '--pem',
      corpus.path('leaf-ec.key'),
      '--pem',
      corpus.path('leaf-ec.pem'),
      '--pem',
      corpus.path('chain.pem'),
    );
    expect(b).toMatchObject({ code: 0, stderr: '' });
    expect(b.stdout).toContain('chain:    CN=mail.portico.test → CN=Portico Test Intermediate CA\n');
  });

  describe('a chain that stops before a root', () => {
    const args = (name: string, ...files: string[]) => ['cert', 'import', ...dd(), '--name', name, ...files];

    it('is refused, naming the missing issuer, and nothing is stored', async () => {
      const refused = await run(
        ...args('b', '--pem', corpus.path('leaf-ec.key'), corpus.path('leaf-ec.pem')),
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^error: the chain stops at CN=mail\.portico\.test: its issuer CN=Portico Test Intermediate CA was found nowhere \(in the files given, nor among this machine's trusted roots\) — clients that do not have it will fail with "unable to get local issuer certificate"; give it with --pem FILE \(PEM or DER\), or import anyway with --allow-incomplete \[CHAIN_INCOMPLETE\]\n$/,
      );
      expect(existsSync(join(dataDir, 'certs', 'b'))).toBe(false);
      // With the intermediate, the root is what is missing: a private root is in no trusted store.
      const noRoot = await run(
        ...args(
          'b',
          '--pem',
          corpus.path('leaf-ec.key'),
          corpus.path('leaf-ec.pem'),
          corpus.path('intermediate.cer'),
        ),
      );
      expect(noRoot.code).toBe(1);
      expect(noRoot.stderr).toContain(
        'the chain stops at CN=Portico Test Intermediate CA: its issuer CN=Portico Test Root CA',
      );
    });

    it('needs no root file when the root is one this machine trusts (here: NODE_EXTRA_CA_CERTS)', async () => {
      // A real process: Node reads NODE_EXTRA_CA_CERTS once, at start.
      const cli = new URL('../cli.ts', import.meta.url).pathname;
      const argv = [
        cli,
        ...args(
          'b',
          '--pem',
          corpus.path('leaf-ec.key'),
          corpus.path('leaf-ec.pem'),
          corpus.path('intermediate.cer'),
        ),
      ];
      const r = spawnSync(process.execPath, argv, {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: corpus.path('root.pem') },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('chain:    CN=mail.portico.test → CN=Portico Test Intermediate CA\n');
    });

    it('is stored with --allow-incomplete, with the warning', async () => {
      const allowed = await run(
        ...args('b', '--pem', corpus.path('leaf-ec.key'), corpus.path('leaf-ec.pem'), '--allow-incomplete'),
      );
      expect(allowed.code).toBe(0);
      expect(allowed.stderr).toMatch(
        /^warning: the issuer of CN=mail\.portico\.test \(CN=Portico Test Intermediate CA\) is not included.*\[ISSUER_MISSING\]\n$/,
      );
    });

    it('a PFX exported without its chain, given the intermediate (DER) and root (PEM) as --pem files', async () => {
      const pfx = ['--pfx', corpus.path('rsa-no-chain.pfx'), '--password-file', corpus.path('password.txt')];
      const refused = await run(...args('web', ...pfx));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('its issuer CN=Portico Test Intermediate CA was found nowhere');
      const completed = await run(
        ...args('web', ...pfx, '--pem', corpus.path('intermediate.cer'), '--pem', corpus.path('root.pem')),
      );
      expect(completed).toMatchObject({ code: 0, stderr: '' });
      expect(completed.stdout).toContain('chain:    CN=www.portico.test → CN=Portico Test Intermediate CA\n');
      expect(completed.stdout).toContain(
        'not stored: CN=Portico Test Root CA (the root: clients use their own copy)',
      );
    });
  });

  it('imports certificates without a key as a CA bundle, warning about any that is no CA', async () => {
    const cas = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'backend-ca',
      '--pem',
      corpus.path('chain.pem'),
    );
    expect(cas).toMatchObject({ code: 0, stderr: '' });
    expect(cas.stdout).toMatch(/^imported CA bundle \(2 certificates\) "backend-ca"/);
    const withLeaf = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'p7b',
      '--pem',
      corpus.path('leaf-rsa-chain.p7b'),
    );
    expect(withLeaf.code).toBe(0);
    expect(withLeaf.stderr).toMatch(
      /^warning: certificate CN=www\.portico\.test in this CA bundle is not a CA .*\[NOT_A_CA\]\n$/,
    );
  });

  it('refuses a wrong password with exit 1 and the reason on stderr', async () => {
    writeFileSync(join(dataDir, 'wrong.txt'), 'nope\n');
    const result = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'web',
      '--pfx',
      corpus.path('rsa-default.pfx'),
      '--password-file',
      join(dataDir, 'wrong.txt'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: the password does not open this PFX — check it; an empty password is different from none [WRONG_PASSWORD]\n',
    );
    expect(result.stderr).not.toContain('nope');
  });

  it('asks for --password-file when a protected PFX comes without one', async () => {
    const result = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'web',
      '--pfx',
      corpus.path('rsa-default.pfx'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\[PASSWORD_REQUIRED\]\nhint: .*--password-file FILE\n$/);
  });

  it('refuses an expired certificate unless --force', async () => {
    const refused = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'old',
      '--pem',
      corpus.path('expired-bundle.pem'),
      corpus.path('root.pem'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/expired on 2020-01-02 00:00 UTC .*\[EXPIRED\]/);
    const forced = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'old',
      '--pem',
      corpus.path('expired-bundle.pem'),
      corpus.path('root.pem'),
      '--force',
    );
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^warning: certificate CN=expired\.portico\.test expired on/);
  });

  it('reports every problem of a refused import', async () => {
    const result = await run(
      'cert',
      'import',
      ...dd(),
      '--name',
      'x',
      '--pem',
      corpus.path('other.key'),
      corpus.path('expired.pem'),
      corpus.path('not-a-ca.pem'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[KEY_MISMATCH]');
    expect(result.stderr).toContain('[EXPIRED]');
  });

  it('refuses an invalid name and a missing file with exit 1', async () => {
    expect((await importPfx('not valid')).stderr).toContain('[INVALID_NAME]');
    const missing = await run('cert', 'import', ...dd(), '--name', 'web', '--pfx', join(dataDir, 'nope.pfx'));
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('no such file') });
  });
});

describe('cert list', () => {
  it('lists entries with the services that use them, from config.json', async () => {
    await importPfx('web');
    await run('cert', 'import', ...dd(), '--name', 'backend-ca', '--pem', corpus.path('chain.pem'));
    // The CA bundle is the re-encrypt CA of the pool owa sends to.
    useIn({
      version: 2,
      pools: [{ name: 'cas', reencrypt: { verify: 'ca', ca: 'backend-ca' } }],
      virtualServices: [
        { name: 'owa', protocol: 'https', tls: { certificates: ['web'] }, pool: 'cas' },
        { name: 'ecp', protocol: 'https', tls: { certificates: ['web', 'other'] } },
      ],
    });
    const text = await run('cert', 'list', ...dd());
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+KIND\s+SUBJECT\s+EXPIRES\s+KEY\s+SOURCE\s+RENEWS\s+USED BY$/);
    expect(lines[1]).toMatch(
      /^backend-ca\s+ca-bundle\s+CN=Portico Test Intermediate CA\s+\d{4}-\d\d-\d\d\s+RSA 2048\s+imported\s+-\s+owa$/,
    );
    expect(lines[2]).toMatch(
      /^web\s+certificate\s+CN=www\.portico\.test\s+\d{4}-\d\d-\d\d\s+RSA 2048\s+imported\s+-\s+ecp, owa$/,
    );

    const json = await run('cert', 'list', ...dd(), '--json');
    const entries = JSON.parse(json.stdout);
    expect(entries.map((e: { name: string; usedBy: string[] }) => [e.name, e.usedBy])).toEqual([
      ['backend-ca', ['owa']],
      ['web', ['ecp', 'owa']],
    ]);
    expect(json.stdout).not.toMatch(/PRIVATE KEY/);
  });

  it('works without config.json and on an empty store', async () => {
    expect(await run('cert', 'list', ...dd())).toEqual({
      code: 0,
      stdout: 'no certificates in the store\n',
      stderr: '',
    });
  });

  it('warns about an unreadable config.json and still lists', async () => {
    await importPfx('web');
    useIn('{ not json');
    const result = await run('cert', 'list', ...dd());
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: .*config\.json is not valid JSON/);
    expect(result.stdout).toContain('web');
  });
});

describe('cert remove', () => {
  it('refuses while a virtual service uses the certificate, then removes it', async () => {
    await importPfx('web');
    useIn({
      version: 2,
      pools: [],
      virtualServices: [{ name: 'owa', protocol: 'https', tls: { certificates: ['web'] } }],
    });
    const refused = await run('cert', 'remove', ...dd(), '--name', 'web');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('used by virtual service owa');
    useIn({ version: 2, pools: [], virtualServices: [] });
    expect(await run('cert', 'remove', ...dd(), '--name', 'web')).toEqual({
      code: 0,
      stdout: 'removed "web"\n',
      stderr: '',
    });
    expect((await run('cert', 'remove', ...dd(), '--name', 'web')).stderr).toContain('[CERT_NOT_FOUND]');
  });

  it('refuses when config.json cannot be read: "unused" would be a guess', async () => {
    await importPfx('web');
    useIn('{ not json');
    const result = await run('cert', 'remove', ...dd(), '--name', 'web');
    expect(result.code).toBe(1);
    expect(existsSync(join(dataDir, 'certs', 'web'))).toBe(true);
  });
});

describe('usage', () => {
  it.each([
    [[]],
    [['cert']],
    [['cert', 'frobnicate', '--data-dir', '/tmp']],
    [['cert', 'list']],
    [['cert', 'import', '--data-dir', '/tmp', '--name', 'x']],
    [['cert', 'import', '--data-dir', '/tmp', '--pfx', 'a.pfx']],
    [['cert', 'list', '--data-dir', '/tmp', '--force']],
    [['cert', 'list', '--data-dir', '/tmp', '--bogus']],
    [['cert', 'remove', '--data-dir', '/tmp', '--name', 'x', 'extra']],
    [['cert', 'import', '--data-dir', '/tmp', '--name', 'x', '--pfx', 'a.pfx', 'stray']],
  ])('exits 2 with the usage for %j', async (argv) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*\nusage:/);
  });

  it('prints help with exit 0, and accepts argv without the leading "cert"', async () => {
    const help = await run('cert', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage:/);
    expect((await run('list', ...dd())).code).toBe(0);
  });
});
