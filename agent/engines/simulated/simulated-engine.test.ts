/**
 * The simulated engine behind the real management plane (agent/demo-host.ts: identity, token,
 * config store, wss on 127.0.0.1), driven over the protocol like a Console would: configs and
 * templates applied as transactions, status read and checked against the shared schema on a
 * clock the test moves, health events when a server flips (on demand and by itself).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StatsHistoryResult } from '../../../shared/protocol/history.ts';
import { StatsSnapshot, type PoolMemberStatus } from '../../../shared/protocol/stats.ts';
import { startHostedAgent, type HostedAgent } from '../../demo-host.ts';
import { silentLogger } from '../../log.ts';
import { TestClient } from '../../../test/support/mgmt-agent.ts';
import { SimulatedEngine, type SimulatedEngineOptions } from './simulated-engine.ts';
import { latencyProfile, splitResponses } from './traffic-model.ts';
import { seeded } from './random.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const T0 = Date.parse('2026-12-07T12:00:00.000Z');

async function startSimulated(opts: SimulatedEngineOptions = {}) {
  let clock = T0;
  const engine = new SimulatedEngine({ seed: 42, flipsPerHour: 0, now: () => clock, ...opts });
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-sim-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const agent: HostedAgent = await startHostedAgent({
    dataDir,
    name: 'sim-1',
    site: 'lab',
    engine,
    log: silentLogger(),
  });
  cleanups.push(() => agent.close());
  const client = await TestClient.open(`wss://127.0.0.1:${agent.port}/v1`, {
    ca: readFileSync(join(dataDir, 'identity.crt')),
    headers: { Authorization: `Bearer ${agent.token}` },
  });
  cleanups.push(() => client.close());
  return { engine, agent, client, dataDir, tick: (seconds: number) => (clock += seconds * 1000) };
}

const CONFIG = {
  version: 2,
  pools: [
    {
      name: 'web',
      servers: [
        { name: 'a', address: '10.0.0.1', port: 8080, weight: 3 },
        { name: 'b', address: '10.0.0.2', port: 8080, weight: 1 },
      ],
      scheduler: 'weighted-round-robin',
    },
    { name: 'db', servers: [{ name: 'x', address: '10.0.1.1', port: 5432 }] },
  ],
  virtualServices: [
    // Port 80 and 443 on any address: nothing is bound, so the simulation runs it as written.
    { name: 'shop', protocol: 'http', listen: { address: '0.0.0.0', port: 80 }, pool: 'web' },
    { name: 'sql', protocol: 'tcp', listen: { address: '0.0.0.0', port: 5432 }, pool: 'db' },
  ],
};

async function snapshot(client: TestClient): Promise<StatsSnapshot> {
  return StatsSnapshot.parse(await client.result('stats.snapshot'));
}

const member = (s: StatsSnapshot, key: string): PoolMemberStatus =>
  s.pools.flatMap((p) => p.servers).find((m) => m.key === key)!;
const sumOf = (xs: Record<string, number> | number[]) => Object.values(xs).reduce((a, b) => a + b, 0);

describe('the traffic model', () => {
  it('spreads latencies over the histogram buckets (shares add up to 1, most near the median)', () => {
    const p = latencyProfile(20, 0.7);
    expect(sumOf([...p.buckets])).toBeCloseTo(1, 9);
    // 20 ms falls in the (10, 25] bucket, index 4.
    expect(p.buckets.indexOf(Math.max(...p.buckets))).toBe(4);
    expect(p.meanMs).toBeGreaterThan(20);
  });

  it('splits responses into whole counts that add up', () => {
    const rnd = seeded(3);
    const shares = { '1xx': 0, '2xx': 0.9, '3xx': 0.02, '4xx': 0.03, '5xx': 0.05 };
    for (const n of [0, 1, 7, 1000]) expect(sumOf(splitResponses(n, shares, rnd))).toBe(n);
  });
});

describe('the simulated engine through the management API', () => {
  it('runs a config as a transaction and reports status in the shared schema, counters moving with the clock', async () => {
    const { client, tick } = await startSimulated({ traffic: { rps: [50, 50] } });
    expect(await client.result('config.apply', { config: CONFIG, expectRevision: 0 })).toEqual({
      revision: 1,
    });
    const info = await client.result('agent.info');
    expect(info).toMatchObject({
      name: 'sim-1',
      site: 'lab',
      engine: { kind: 'simulated', pools: 2, virtualServices: 2, listening: 2 },
    });

    const before = await snapshot(client);
    tick(120);
    const after = await snapshot(client);
    const shop = after.virtualServices.find((s) => s.name === 'shop')!;
    // 50 req/s on a wave between 0.4× and 1.6×, over two minutes.
    expect(shop.requests).toBeGreaterThan(0.4 * 50 * 120 * 0.9);
    expect(shop.requests).toBeLessThan(1.6 * 50 * 120 * 1.1);
    expect(sumOf(shop.responses)).toBe(shop.requests);
    expect(sumOf(shop.latency.counts)).toBe(shop.requests);
    expect(shop.responses['5xx']).toBeGreaterThan(0);
    expect(shop.responses['5xx']).toBeLessThan(shop.requests * 0.02);
    expect(shop.activeConnections).toBeGreaterThan(0);

    // Members share the service's requests by weight (3:1).
    const a = member(after, 'web/a').requests - member(before, 'web/a').requests;
    const b = member(after, 'web/b').requests - member(before, 'web/b').requests;
    expect(a + b).toBe(shop.requests);
    // One draw per batch: the service's answers are exactly its members' answers.
    const members = ['web/a', 'web/b'].map((k) => member(after, k));
    expect(members.reduce((n, m) => n + m.responses['5xx'], 0)).toBe(shop.responses['5xx']);
    expect(members.reduce((n, m) => n + m.latency.counts[4]!, 0)).toBe(shop.latency.counts[4]);
    expect(a / b).toBeGreaterThan(2.5);
    expect(a / b).toBeLessThan(3.5);

    const sql = after.virtualServices.find((s) => s.name === 'sql')!;
    expect(sql.connections).toBeGreaterThan(0);
    expect(sql.requests).toBe(0);
    expect(member(after, 'db/x').connections).toBe(sql.connections);
  });

  it('publishes health events: a server set down takes no traffic; a pool with nobody up answers NO_SERVER', async () => {
    const { client, tick, engine } = await startSimulated();
    await client.result('config.apply', { config: CONFIG });
    await client.result('events.subscribe', { topics: ['health'] });

    expect(engine.setHealth('web/a', 'down', 'refused')).toBe(true);
    const event = await client.waitForEvent((e) => e.topic === 'health' && e.data.key === 'web/a');
    expect(event.data).toMatchObject({
      key: 'web/a',
      pool: 'web',
      server: 'a',
      state: 'down',
      reason: 'refused',
    });

    const s1 = await snapshot(client);
    tick(60);
    const s2 = await snapshot(client);
    expect(member(s2, 'web/a').requests).toBe(member(s1, 'web/a').requests);
    expect(member(s2, 'web/a')).toMatchObject({ state: 'down', reason: 'refused', active: 0 });
    expect(member(s2, 'web/b').requests).toBeGreaterThan(member(s1, 'web/b').requests);

    engine.setHealth('web/b', 'down');
    tick(60);
    const s3 = await snapshot(client);
    const shop = (s: StatsSnapshot) => s.virtualServices.find((v) => v.name === 'shop')!;
    const refused = shop(s3).errors.NO_SERVER - shop(s2).errors.NO_SERVER;
    expect(refused).toBeGreaterThan(0);
    expect(shop(s3).responses['5xx'] - shop(s2).responses['5xx']).toBeGreaterThanOrEqual(refused);
    expect((await client.result('agent.info')).engine).toMatchObject({ realServers: { up: 1, down: 2 } });
  });

  it('drains a server through realServer.setEnabled and applies templates like any engine', async () => {
    const { client, tick } = await startSimulated();
    await client.result('config.apply', { config: CONFIG });
    await client.result('events.subscribe', { topics: ['health', 'config'] });
    await client.result('realServer.setEnabled', { pool: 'web', server: 'b', enabled: false });
    await client.waitForEvent(
      (e) => e.topic === 'health' && e.data.key === 'web/b' && e.data.state === 'disabled',
    );
    const s1 = await snapshot(client);
    tick(30);
    expect(member(await snapshot(client), 'web/b').requests).toBe(member(s1, 'web/b').requests);

    const applied = await client.result('template.apply', {
      template: 'http-redirect',
      params: { port: 8080 },
    });
    expect(applied).toMatchObject({ created: [{ kind: 'virtualService', name: 'http-redirect' }] });
    tick(30);
    const redirect = (await snapshot(client)).virtualServices.find((s) => s.name === 'http-redirect')!;
    expect(redirect.responses['3xx']).toBe(redirect.requests);
    expect(redirect.requests).toBeGreaterThan(0);
  });

  it('feeds stats.history like the built-in engine', async () => {
    const { client, tick, agent } = await startSimulated({ traffic: { rps: [20, 20] } });
    await client.result('config.apply', { config: CONFIG });
    const h = agent.management.history;
    const start = h.ring10s.recordedUntil;
    tick(10);
    // The history's slots are on the wall clock; the model's clock is the test's.
    h.sample(agent.engine.status(), start + 10_020);
    const answer = StatsHistoryResult.parse(await client.result('stats.history', { resolution: '10s' }));
    const requests = answer.services.find((s) => s.name === 'shop')!.series.requests[0]!;
    expect(requests).toBeGreaterThan(20 * 10 * 0.3);
  });
});

describe('health flips by themselves', () => {
  it('takes servers down now and then and brings them back, each change an event', async () => {
    // Real timers: a flip every 20 ms on average, down for 20 ms.
    const { client } = await startSimulated({ flipsPerHour: 180_000, downSeconds: 0.02, now: Date.now });
    await client.result('config.apply', { config: CONFIG });
    await client.result('events.subscribe', { topics: ['health'] });
    // Generous waits: on a loaded 2-core machine the timers behind the flips run late.
    const down = await client.waitForEvent((e) => e.topic === 'health' && e.data.state === 'down', 12_000);
    const key = down.topic === 'health' ? down.data.key : '';
    const downAt = client.events.indexOf(down);
    await client.waitForEvent(
      (e) =>
        e.topic === 'health' &&
        e.data.key === key &&
        e.data.state === 'up' &&
        client.events.indexOf(e) > downAt,
      12_000,
    );
  });
});
