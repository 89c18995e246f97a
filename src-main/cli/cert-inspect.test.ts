/** `portico cert inspect`, run in-process through the command table: text, --json, exit statuses. */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INTERMEDIATE_CN,
  makeCorpus,
  ROOT_CN,
  RSA_LEAF_CN,
  type Corpus,
} from '../../test/support/cert-corpus.ts';
import { runCli } from './commands.ts';
import { addAiaHierarchy, AIA_PATHS, HOP_LEAF_CN, type AiaCorpus } from '../../test/support/aia-corpus.ts';
import { startAiaServer, type AiaServer } from '../../test/support/aia-server.ts';

let corpus: Corpus;
let server: AiaServer;
let aia: AiaCorpus;
let home: string;
beforeAll(async () => {
  corpus = makeCorpus();
  server = await startAiaServer();
  aia = addAiaHierarchy(corpus, server.origin);
  aia.publish(server, { slowMs: 5000, hugeBytes: 2 * 1024 * 1024 });
  home = mkdtempSync(join(tmpdir(), 'portico-cli-'));
});
afterAll(async () => {
  await server.close();
  corpus.cleanup();
  rmSync(home, { recursive: true, force: true });
});

let runs = 0;
async function portico(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  // Never the admin's real Console directory: every run gets its own unless it names one.
  const consoleDir = join(home, `console-${++runs}`);
  const status = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: { PORTICO_CONSOLE_DIR: consoleDir },
    cwd: corpus.dir,
  });
  return { status, stdout, stderr, consoleDir, library: join(consoleDir, 'cert-library') };
}

describe('portico cert inspect (text)', () => {
  it('prints the chain leaf first with subject, issuer, not-after and source, and exits 0', async () => {
    const run = await portico(
      'cert',
      'inspect',
      'rsa-default.pfx',
      '--password-file',
      'password.txt',
      '--no-aia',
    );
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('chain (complete, ends in a root this machine does not trust):');
    expect(lines.slice(1, 5)).toEqual([
      `  1. CN=${RSA_LEAF_CN}, O=Portico Test`,
      `     issuer:    CN=${INTERMEDIATE_CN}, O=Portico Test`,
      expect.stringMatching(/^ {5}not after: \d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
      '     source:    file — rsa-default.pfx',
    ]);
    expect(lines[5]).toBe(`  2. CN=${INTERMEDIATE_CN}, O=Portico Test`);
    expect(lines[9]).toBe(`  3. CN=${ROOT_CN}, O=Portico Test`);
    expect(run.stdout).toContain('private key: RSA 2048, belongs to the leaf (rsa-default.pfx)\n');
    expect(run.stdout.endsWith('0 errors, 0 warnings\n')).toBe(true);
  });

  it('prints each error with its code and exits 1', async () => {
    const expired = await portico('cert', 'inspect', 'expired-bundle.pem', '--no-aia');
    expect(expired.status).toBe(1);
    expect(expired.stdout).toMatch(
      /\nerrors:\n {2}\[EXPIRED\] certificate CN=expired\.portico\.test expired on 2020-01-02 00:00 UTC — renew it/,
    );
    const wrong = await portico('cert', 'inspect', 'rsa-default.pfx', '--password-file', 'non-ascii.txt');
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain(
      '  [WRONG_PASSWORD] rsa-default.pfx: the password does not open this PFX — check it; an empty password is different from none\n',
    );
    expect(wrong.stdout).toContain('chain: none (no certificate could be read)\n');
  });

  it('warnings alone exit 0', async () => {
    const run = await portico('cert', 'inspect', 'expires-soon-bundle.pem', '--no-aia', '--no-library');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /\nwarnings:\n {2}\[EXPIRES_SOON\] certificate CN=soon\.portico\.test expires on/,
    );
    // --no-library: nothing written anywhere.
    expect(existsSync(run.consoleDir)).toBe(false);
  });

  it('says what is missing and why each download failed', async () => {
    const run = await portico(
      'cert',
      'inspect',
      aia.brokenLeafPfx,
      '--password-file',
      'password.txt',
      '--aia-timeout',
      '0.5',
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`  ${server.url(AIA_PATHS.slow)}: no complete answer within 500 ms\n`);
    expect(run.stdout).toContain('chain (INCOMPLETE):\n');
    expect(run.stdout).toContain(`  ${server.url(AIA_PATHS.missing)}: HTTP 404 Not Found\n`);
    expect(run.stdout).toContain(
      `  ${server.url(AIA_PATHS.huge)}: the answer is 2 MiB, more than the 1 MiB allowed\n`,
    );
    expect(run.stdout).toContain('[ISSUER_MISSING] the issuer of CN=broken-aia.portico.test');
  });

  it("completes from AIA into the library in the Console's directory, and from the library the next time", async () => {
    const first = await portico('cert', 'inspect', aia.hopLeafPfx, '--password-file', 'password.txt');
    expect(first.stdout).toContain(`source:    aia — ${server.url(AIA_PATHS.int2)}\n`);
    // PORTICO_CONSOLE_DIR holds it, as it holds the settings: one directory for the Console.
    expect(readdirSync(first.consoleDir)).toEqual(['cert-library']);
    expect(readdirSync(first.library)).toHaveLength(3);
    const downloads = server.requests(AIA_PATHS.int2);
    const second = await portico(
      'cert',
      'inspect',
      aia.hopLeafPfx,
      '--password-file',
      'password.txt',
      '--config-dir',
      first.consoleDir,
    );
    expect(second.stdout.match(/source: {4}library\n/g)).toHaveLength(3);
    expect(server.requests(AIA_PATHS.int2)).toBe(downloads);
  });
});

describe('portico cert inspect --json', () => {
  it('prints one object { chain, complete, trusted, errors, warnings }', async () => {
    const run = await portico(
      'cert',
      'inspect',
      'leaf-rsa-bundle.pem',
      'root.pem',
      '--no-aia',
      '--json',
      '--expect-name',
      'www.portico.test',
      '--expect-name',
      'mail.portico.test',
    );
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual(['chain', 'complete', 'trusted', 'errors', 'warnings']);
    expect(
      json.chain.map((c: { summary: { subject: { cn: string } }; source: string }) => [
        c.summary.subject.cn,
        c.source,
      ]),
    ).toEqual([
      [RSA_LEAF_CN, 'file'],
      [INTERMEDIATE_CN, 'file'],
      [ROOT_CN, 'file'],
    ]);
    expect(json.complete).toBe(true);
    expect(json.errors).toEqual([
      expect.objectContaining({
        code: 'NAME_MISSING',
        message: expect.stringMatching(/^mail\.portico\.test is not among/),
      }),
    ]);
    expect(json.warnings).toEqual([]);
    expect(run.stdout).not.toMatch(/PRIVATE KEY/);
  });

  it('includes what is missing when the chain is incomplete', async () => {
    const run = await portico(
      'cert',
      'inspect',
      aia.hopLeafPfx,
      '--password-file',
      'password.txt',
      '--no-aia',
      '--json',
    );
    const json = JSON.parse(run.stdout);
    expect(run.status).toBe(0);
    expect(json.complete).toBe(false);
    expect(json.chain).toHaveLength(1);
    expect(json.chain[0].summary.subject.cn).toBe(HOP_LEAF_CN);
    expect(json.missing.aia).toEqual([
      { url: server.url(AIA_PATHS.int2), ok: false, error: 'not tried: AIA downloads are off' },
    ]);
    expect(json.warnings.map((w: { code: string }) => w.code)).toEqual(['ISSUER_MISSING']);
  });
});

describe('portico usage', () => {
  it('exits 2 with the usage for wrong arguments', async () => {
    for (const argv of [
      ['cert', 'inspect'],
      ['cert', 'inspect', 'x.pem', '--bogus'],
      // The library is the Console directory's: choose another with --config-dir.
      ['cert', 'inspect', 'x.pem', '--library', 'd'],
      ['cert', 'inspect', 'x.pem', '--aia-timeout', 'soon'],
    ]) {
      const run = await portico(...argv);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^error: .*\nusage: portico cert inspect FILE\.\.\./);
    }
  });

  it('exits 2 without a command', async () => {
    const run = await portico();
    expect(run).toMatchObject({
      status: 2,
      stdout: '',
      stderr: expect.stringMatching(/^error: missing command\n/),
    });
  });

  it('exits 2 for an unknown command and lists the commands', async () => {
    const run = await portico('cert', 'frobnicate');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: unknown command "cert frobnicate"\nusage: portico COMMAND/);
    expect(run.stderr).toContain('portico cert inspect FILE...');
  });

  it('prints help and exits 0', async () => {
    expect(await portico('--help')).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('cert inspect'),
    });
    expect(await portico('cert', 'inspect', '--help')).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(/^usage: portico cert inspect/),
    });
  });

  it('exits 1 naming a file it cannot read', async () => {
    const run = await portico('cert', 'inspect', 'nope.pfx');
    expect(run).toMatchObject({
      status: 1,
      stdout: '',
      stderr: 'error: cannot read nope.pfx: no such file\n',
    });
  });
});
