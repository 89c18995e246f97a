/**
 * The newcomer path as the README gives it: `npm start` where no display exists opens the
 * Console in browser mode with three demo sites already paired, each a real agent balancing its
 * demo real servers; a SIGTERM stops all of it and leaves no pairing behind. Discovery is off and
 * every setting goes to a temporary directory, so the test touches neither the network nor the
 * user's settings.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebClient, secretFromFragment } from '../../shared/ipc/web-client.ts';
import { openNodeConsoleStore } from '../../src-main/store/index.ts';
import { until } from '../support/engine.ts';

const START = new URL('../../scripts/start.ts', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'portico-start-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('npm start without a display', () => {
  it('opens browser mode with three paired demo sites whose services answer, and stops on SIGTERM', async () => {
    const env = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', HOME: home, XDG_CONFIG_HOME: home };
    const child = spawn(process.execPath, [START, '--no-discovery', '--config-dir', join(home, 'console')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until(() => /#secret=/.test(out), 'the Console URL', 60_000);
      expect(out).toContain('browser mode: there is no display');
      const url = /http:\/\/127\.0\.0\.1:\d+\/#secret=\S+/.exec(out)![0];
      const demo = /amsterdam\s+web (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)![1]!;

      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');

      const api = createWebClient({
        baseUrl: new URL(url).origin,
        secret: secretFromFragment(new URL(url).hash)!,
      });
      const agents = await api.listAgents();
      expect('result' in agents && agents.result.sites.map((s) => s.site).sort()).toEqual([
        'amsterdam',
        'frankfurt',
        'london',
      ]);
      // Amsterdam's web pool has three servers: round-robin shows each of them (within a few
      // requests: the demo's own traffic takes turns too).
      const answered = new Set<string>();
      for (let i = 0; i < 30 && answered.size < 3; i++) {
        const answer = await fetch(demo);
        expect(answer.status).toBe(200);
        answered.add(answer.headers.get('x-real-server') ?? '');
      }
      expect([...answered].sort()).toEqual(['amsterdam/web1', 'amsterdam/web2', 'amsterdam/web3']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // The demo agents went with it: the Console directory keeps no pairing of theirs.
    expect(openNodeConsoleStore({ cwd: join(home, 'console') }).listAgents()).toEqual([]);
  });
});
