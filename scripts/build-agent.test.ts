/**
 * The appliance bundle as an installed package runs it: plain JavaScript in one directory
 * with its npm dependencies beside it (linked from this checkout). Every worker a bundled
 * loader starts sits next to it under the name it asks for, and the bundled `portico-agent
 * cert import` really opens a PFX through its worker thread — and refuses one over the
 * key-derivation cap with the same code as from source.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KDF_ITERATIONS } from '../shared/certs/kdf-limits.ts';
import { makeCorpus, type Corpus } from '../test/support/cert-corpus.ts';
import { pfxWithIterations } from '../test/support/kdf-variants.ts';
import { buildAgent } from './build-agent.ts';

let root: string;
let out: string;
let corpus: Corpus;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'portico-agent-bundle-'));
  out = join(root, 'agent');
  symlinkSync(new URL('../node_modules', import.meta.url).pathname, join(root, 'node_modules'));
  corpus = makeCorpus();
  await buildAgent(out);
}, 120_000);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  corpus?.cleanup();
});

function portico(...args: string[]) {
  const run = spawnSync(process.execPath, [join(out, 'portico-agent.js'), ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('agent bundle', () => {
  it('has each worker a loader starts beside it, under the name it asks for', () => {
    const files = readdirSync(out).filter((f) => f.endsWith('.js'));
    expect(files).toEqual(
      expect.arrayContaining(['portico-agent.js', 'portico.js', 'import-worker.js', 'worker.js']),
    );
    const asked = files.flatMap((f) =>
      [...readFileSync(join(out, f), 'utf8').matchAll(/workerEntry\("([\w-]+)", import\.meta\.url\)/g)].map(
        (m) => `${m[1]}.js`,
      ),
    );
    expect(asked.sort()).toEqual(['import-worker.js', 'worker.js']);
    for (const worker of asked) expect(existsSync(join(out, worker)), worker).toBe(true);
  });

  it('imports a PFX with the bundled CLI, through its worker, and refuses one over the cap', () => {
    const dataDir = join(root, 'data');
    const pfx = (name: string, file: string) =>
      portico(
        'cert',
        'import',
        '--data-dir',
        dataDir,
        '--name',
        name,
        '--pfx',
        corpus.path(file),
        '--password-file',
        corpus.path('password.txt'),
      );

    const imported = pfx('web', 'rsa-default.pfx');
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^imported certificate "web"/);
    expect(existsSync(join(dataDir, 'certs', 'web', 'key.pem'))).toBe(true);

    const refused = pfx('big', pfxWithIterations(corpus, MAX_KDF_ITERATIONS + 1));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: this file's MAC asks for .* \[ITERATION_COUNT_TOO_HIGH\]\n$/);
    expect(existsSync(join(dataDir, 'certs', 'big'))).toBe(false);
  });
});
