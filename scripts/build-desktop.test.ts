/**
 * The desktop bundle as Electron would load it (the Electron binary itself cannot run here):
 * the preload is one CommonJS file that needs nothing but `electron`, the main bundle imports
 * only `electron`, Node's modules and its own chunks (no node_modules at run time), and the
 * bundled certificate worker really inspects a certificate.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../shared/ipc/names.ts';
import { selfSigned } from '../test/support/pki.ts';
import { buildDesktop } from './build-desktop.ts';

let out: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'portico-desktop-bundle-'));
  await buildDesktop(out);
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every module specifier a bundle file loads, by static import or require. */
function specifiers(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const m of code.matchAll(/^import\s[^;]*?from\s*"([^"]+)";?$/gm)) found.add(m[1]!);
  for (const m of code.matchAll(/^import\s*"([^"]+)";?$/gm)) found.add(m[1]!);
  // A require inside a template literal is generated code (ajv's standalone mode), never run here.
  for (const m of code.matchAll(/(?<!`)\brequire\("([^"]+)"\)/g)) found.add(m[1]!);
  return [...found];
}

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const allowedAtRunTime = (spec: string) => spec === 'electron' || builtins.has(spec) || spec.startsWith('.');

describe('desktop bundle', () => {
  it('has a preload that needs only electron and exposes exactly the DesktopApi', () => {
    const code = readFileSync(join(out, 'preload.cjs'), 'utf8');
    expect(specifiers(join(out, 'preload.cjs'))).toEqual(['electron']);
    const exposed = new Map<string, Record<string, unknown>>();
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api),
      },
      ipcRenderer: { invoke: () => undefined, on: () => undefined, removeListener: () => undefined },
    };
    // A sandboxed preload gets `require` for electron only: anything else would throw here too.
    runInNewContext(code, {
      require: (name: string) => {
        if (name !== 'electron') throw new Error(`the preload requires ${name}`);
        return electron;
      },
      module: { exports: {} },
      exports: {},
    });
    expect([...exposed.keys()]).toEqual(['api']);
    expect(Object.keys(exposed.get('api')!).sort()).toEqual([...CHANNEL_NAMES, 'onEvent'].sort());
  });

  it('loads nothing from node_modules at run time', () => {
    const files = readdirSync(out).filter((f) => f.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(['main.js', 'worker.js']));
    for (const file of files) {
      const outside = specifiers(join(out, file)).filter((s) => !allowedAtRunTime(s));
      expect(outside, file).toEqual([]);
    }
    expect(specifiers(join(out, 'main.js'))).toContain('electron');
  });

  it('runs the bundled certificate worker', async () => {
    const { cert } = selfSigned('bundle.portico.test', ['DNS:bundle.portico.test']);
    const reply = await new Promise<{ ok: boolean; result?: { chain: { summary: { subject: unknown } }[] } }>(
      (resolve, reject) => {
        const worker = new Worker(join(out, 'worker.js'), {
          workerData: { files: [{ name: 'bundle.pem', data: Buffer.from(cert) }], options: { aia: false } },
        });
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    expect(reply.ok).toBe(true);
    expect(JSON.stringify(reply.result?.chain[0]?.summary.subject)).toContain('bundle.portico.test');
  });
});
