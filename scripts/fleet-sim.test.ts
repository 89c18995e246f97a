/**
 * `npm run fleet-sim` as a user runs it, small: five simulated agents in one process, paired into
 * a temporary Console directory. The Console's own store must then list them by site with
 * tokens it can open, and each agent must answer over its pinned wss API with a config adding up
 * to the servers asked for and a status in the shared schema. A second run on the same data dir
 * brings back the same identities on the same ports, so the pairings stay good.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StatsSnapshot } from '../shared/protocol/stats.ts';
import { TestClient } from '../test/support/mgmt-agent.ts';
import { openNodeConsoleStore } from '../src-main/store/index.ts';
import { until } from '../test/support/engine.ts';

const SCRIPT = new URL('./fleet-sim.ts', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'portico-fleet-sim-test-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const consoleDir = join(home, 'console');
const dataDir = join(home, 'agents');

/** Runs fleet-sim until it is ready; returns its output so far and the way to stop it. */
async function runFleetSim(): Promise<{ output: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [
      SCRIPT,
      '--agents',
      '5',
      '--servers-per-agent',
      '23',
      '--sites',
      '2',
      '--config-dir',
      consoleDir,
      '--data-dir',
      dataDir,
      '--report-every',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await until(
      () => out.includes('fleet-sim ready') || child.exitCode !== null,
      'fleet-sim to be ready',
      60_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  expect(out).toContain('fleet-sim ready');
  return {
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

interface ListedAgent {
  id: string;
  name: string;
  site: string;
  port: number;
  fingerprint: string;
  tokenFile: string;
}

describe('npm run fleet-sim', () => {
  it('runs five simulated agents and pairs them into a Console directory; a second run keeps them paired', async () => {
    const first = await runFleetSim();
    let listed: ListedAgent[];
    try {
      expect(first.output()).toMatch(/5 agents × 23 real servers \(4 virtual services each\) in 2 sites/);
      expect(first.output()).toMatch(/paired into .*: 5 new, 0 refreshed, 0 failed/);

      // The Console's own store lists them, pinned, with tokens it can open.
      const store = openNodeConsoleStore({ cwd: consoleDir });
      const known = store.listAgents();
      expect(known.map((a) => a.name).sort()).toEqual([
        'amsterdam-lb01',
        'amsterdam-lb02',
        'amsterdam-lb03',
        'london-lb01',
        'london-lb02',
      ]);
      listed = JSON.parse(readFileSync(join(dataDir, 'agents.json'), 'utf8')) as ListedAgent[];
      for (const a of listed) {
        const k = store.getAgent(a.id)!;
        expect(k).toMatchObject({
          name: a.name,
          site: a.site,
          address: '127.0.0.1',
          port: a.port,
          fingerprint: a.fingerprint,
        });
        expect(store.tokenOf(a.id)).toBe(readFileSync(a.tokenFile, 'utf8').trim());
      }

      // Each agent answers over its API, pinned to its own certificate.
      const a = listed[0]!;
      const client = await TestClient.open(`wss://127.0.0.1:${a.port}/v1`, {
        ca: readFileSync(join(a.tokenFile, '..', 'identity.crt')),
        headers: { Authorization: `Bearer ${store.tokenOf(a.id)}` },
      });
      try {
        const info = await client.result('agent.info');
        expect(info).toMatchObject({
          id: a.id,
          site: 'amsterdam',
          engine: { kind: 'simulated', pools: 3, virtualServices: 4 },
        });
        const { config } = (await client.result('config.get')) as {
          config: { pools: { servers: unknown[] }[]; virtualServices: { protocol: string }[] };
        };
        expect(config.pools.map((p) => p.servers.length)).toEqual([10, 10, 3]);
        expect(config.virtualServices.map((v) => v.protocol)).toEqual(['http', 'http', 'http', 'redirect']);
        const status = StatsSnapshot.parse(await client.result('stats.snapshot'));
        expect(status.pools.flatMap((p) => p.servers)).toHaveLength(23);
        expect(status.pools.flatMap((p) => p.servers).every((m) => m.state === 'up')).toBe(true);
      } finally {
        client.close();
      }
    } finally {
      expect(await first.stop()).toBe(0);
    }

    // Same data dir: same identities, same ports; pairing again only refreshes.
    const second = await runFleetSim();
    try {
      expect(second.output()).toMatch(/paired into .*: 0 new, 5 refreshed, 0 failed/);
      const again = JSON.parse(readFileSync(join(dataDir, 'agents.json'), 'utf8')) as ListedAgent[];
      expect(again.map((a) => [a.id, a.port, a.fingerprint])).toEqual(
        listed.map((a) => [a.id, a.port, a.fingerprint]),
      );
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 120_000);
});
