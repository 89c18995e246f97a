/**
 * `stats.history` over the real management API (wss on 127.0.0.1) in front of a real engine
 * balancing real back ends under traffic: what the clients did comes back slot by slot, and a
 * back end killed shows up as a health transition. Samples are taken by the test at slot
 * boundaries of its choosing (historySampling: 'manual'); one test waits for the automatic
 * sampler at the wall clock's next 10-second boundary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StatsHistoryResult } from '../../shared/protocol/history.ts';
import { startBackend, type Backend } from '../../test/support/backends.ts';
import { until } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';
import { CertStore } from '../certs/store.ts';
import { ConfigStore } from '../config/config-store.ts';
import { Engine } from '../engine/engine.ts';
import { silentLogger } from '../log.ts';
import { createManagement, type Management } from '../mgmt/management.ts';
import { startManagementServer } from '../mgmt/server.ts';
import {
  makeIdentity,
  startTestAgent,
  TEST_TOKEN,
  TestClient,
  type TestAgent,
} from '../../test/support/mgmt-agent.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The management plane of a real engine, its history sampled only when the test says. */
async function startAgent(): Promise<{
  engine: Engine;
  configStore: ConfigStore;
  management: Management;
  client: TestClient;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-history-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const log = silentLogger();
  const engine = new Engine({ log, drainMs: 100 });
  cleanups.push(() => engine.stop(100));
  const configStore = await ConfigStore.open(dataDir, engine, log);
  const management = createManagement({
    engine,
    configStore,
    certStore: new CertStore(dataDir),
    log,
    identity: { id: 'agent-test', name: 'test', site: 'lab', fingerprint: 'AA:BB', version: '0.0.0-test' },
    historySampling: 'manual',
  });
  cleanups.push(() => management.close());
  const identity = makeIdentity();
  const server = await startManagementServer({
    host: '127.0.0.1',
    port: 0,
    tls: identity,
    token: () => TEST_TOKEN,
    management,
    log,
  });
  cleanups.push(() => server.close());
  const client = await TestClient.open(`wss://127.0.0.1:${server.port}/v1`, {
    ca: identity.cert,
    headers: { Authorization: `Bearer ${TEST_TOKEN}` },
  });
  cleanups.push(() => client.close());
  return { engine, configStore, management, client };
}

/** `/fail` answers 500; everything else 200 with a small body. */
async function backend(name: string): Promise<Backend> {
  const b = await startBackend(name, (req, res, self) => {
    if (req.url === '/health') return void res.writeHead(self.healthStatus).end();
    res.writeHead(req.url === '/fail' ? 500 : 200, { 'content-type': 'text/plain' }).end(`${name}\n`);
  });
  cleanups.push(() => b.close());
  return b;
}

async function get(url: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(url);
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

async function history(client: TestClient, params: Record<string, unknown>): Promise<StatsHistoryResult> {
  const response = await client.call('stats.history', params as never);
  if ('error' in response) throw new Error(`stats.history: ${response.error.message}`);
  return StatsHistoryResult.parse(response.result);
}

const sum = (xs: readonly (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

describe('stats.history over the management API', () => {
  it('gives back, slot by slot, the requests a real engine served, and the health transition of a killed server', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    const agent = await startAgent();
    const port = await freePort();
    await agent.configStore.apply(
      {
        version: 2,
        pools: [
          {
            name: 'web',
            servers: [
              { name: 'a', address: '127.0.0.1', port: a.port },
              { name: 'b', address: '127.0.0.1', port: b.port },
            ],
            healthCheck: { type: 'http', path: '/health', intervalMs: 100, timeoutMs: 200, rise: 1, fall: 1 },
          },
        ],
        virtualServices: [
          { name: 'front', protocol: 'http', listen: { address: '127.0.0.1', port }, pool: 'web' },
        ],
      },
      { actor: { tokenId: 'test', peer: 'local' } },
    );
    await until(() => agent.engine.healthSnapshot().every((h) => h.state === 'up'), 'both servers up');
    const h = agent.management.history;
    const first = h.ring10s.recordedUntil;
    const sampleSlot = (start: number) => expect(h.sample(agent.engine.status(), start + 10_020)).toBe(true);

    expect(await get(`http://127.0.0.1:${port}/`, 20)).toEqual(new Array(20).fill(200));
    expect(await get(`http://127.0.0.1:${port}/fail`, 3)).toEqual([500, 500, 500]);
    sampleSlot(first);

    await get(`http://127.0.0.1:${port}/`, 10);
    await b.kill();
    await until(
      () => agent.engine.healthSnapshot().some((x) => x.key === 'web/b' && x.state === 'down'),
      'b down',
    );
    sampleSlot(first + 10_000);

    const answer = await history(agent.client, { resolution: '10s' });
    expect(answer.at).toEqual([new Date(first).toISOString(), new Date(first + 10_000).toISOString()]);
    const front = answer.services.find((s) => s.name === 'front')!.series;
    expect(front.requests).toEqual([23, 10]);
    expect(front.responses['2xx']).toEqual([20, 10]);
    expect(front.responses['5xx']).toEqual([3, 0]);
    // Every answered request is in the slot's histogram, once.
    expect(front.latency.counts.map((bucket) => bucket[0]!).reduce((x, y) => x + y)).toBe(23);
    expect(front.bytesOut[0]).toBeGreaterThan(0);
    const members = answer.pools.find((p) => p.name === 'web')!.servers;
    expect(members.map((m) => m.key).sort()).toEqual(['web/a', 'web/b']);
    expect(sum(members.map((m) => sum(m.series.requests)))).toBe(33);
    // Both came up after the first check, then b went down with the reason its check gave.
    expect(answer.health.map((t) => `${t.key} ${t.from}→${t.to}`).sort()).toEqual([
      'web/a unknown→up',
      'web/b unknown→up',
      'web/b up→down',
    ]);
    expect(answer.health.at(-1)).toMatchObject({
      key: 'web/b',
      to: 'down',
      reason: expect.stringContaining('ECONNREFUSED'),
    });

    // Later callers ask for what is new: nothing until the next slot is recorded.
    const next = await history(agent.client, {
      resolution: '10s',
      since: answer.until,
      services: ['front'],
      pools: [],
    });
    expect(next.at).toEqual([]);
    expect(next.until).toBe(answer.until);
  });

  it('rolls a minute of 10 s slots into one 1 m slot', async () => {
    const a = await backend('a');
    const agent = await startAgent();
    const port = await freePort();
    await agent.configStore.apply(
      {
        version: 2,
        pools: [{ name: 'web', servers: [{ name: 'a', address: '127.0.0.1', port: a.port }] }],
        virtualServices: [
          { name: 'front', protocol: 'http', listen: { address: '127.0.0.1', port }, pool: 'web' },
        ],
      },
      { actor: { tokenId: 'test', peer: 'local' } },
    );
    const h = agent.management.history;
    let slot = h.ring10s.recordedUntil;
    const minute = Math.floor(slot / 60_000) * 60_000;
    let sent = 0;
    // Each remaining slot of this minute gets some requests, then its sample.
    for (; slot < minute + 60_000; slot += 10_000) {
      await get(`http://127.0.0.1:${port}/`, 2);
      sent += 2;
      h.sample(agent.engine.status(), slot + 10_020);
    }
    const answer = await history(agent.client, { resolution: '1m' });
    expect(answer.at).toEqual([new Date(minute).toISOString()]);
    expect(answer.services[0]!.series.requests).toEqual([sent]);
    expect(answer.pools[0]!.servers[0]!.series.requests).toEqual([sent]);
  });
});

describe('the automatic sampler', () => {
  let agent: TestAgent | undefined;
  afterEach(async () => agent?.close());

  it('records a slot after the next 10-second boundary of the wall clock', async () => {
    agent = await startTestAgent();
    const client = await agent.connect();
    cleanups.push(() => client.close());
    // At most one slot of 10 s, and a margin for a loaded machine.
    await until(
      async () => (await history(client, { resolution: '10s' })).at.length > 0,
      'a 10 s slot',
      15_000,
    );
    const answer = await history(client, { resolution: '10s' });
    expect(Date.parse(answer.at[0]!) % 10_000).toBe(0);
    expect(Date.parse(answer.until) - Date.parse(answer.at[0]!)).toBe(10_000);
  }, 20_000);
});
