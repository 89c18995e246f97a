/**
 * What the history costs at 200 services × 10 pool members (2,200 objects): the time of one
 * tick (the engine's status() on a real Engine running that config, then the sample) and the
 * bytes a member and a service hold per day, extrapolated from ten minutes of slots whose
 * counters move like a busy agent's. Measured and printed; the bounds are generous (a loaded
 * 2-core CI), and there to catch a cost that grows by an order of magnitude.
 */
import { describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';
import { startEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';
import { StatsHistory } from './stats-history.ts';

const SERVICES = 200;
const MEMBERS = 10;

/** xorshift: the same counters every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Adds one 10 s slot of traffic to every counter of `status`: 20–200 req/s per member. */
function addTraffic(status: StatsSnapshot, rnd: () => number): void {
  const add = (
    t: StatsSnapshot['pools'][number]['servers'][number] | StatsSnapshot['virtualServices'][number],
    n: number,
  ) => {
    t.requests += n;
    t.connections += Math.ceil(n / 20);
    t.responses['2xx'] += n - Math.floor(n / 100);
    t.responses['5xx'] += Math.floor(n / 100);
    t.bytesIn += n * 400;
    t.bytesOut += n * 6_000;
    // Latency spread over four neighbouring buckets around 10–50 ms.
    for (let b = 3; b < 7; b++) t.latency.counts[b]! += Math.floor(n / 4);
    t.latency.sumMs += n * 23.7;
  };
  for (const [i, pool] of status.pools.entries()) {
    let total = 0;
    for (const m of pool.servers) {
      const n = Math.floor(200 + rnd() * 1800);
      add(m, n);
      m.active = Math.floor(rnd() * 20);
      total += n;
    }
    const svc = status.virtualServices[i]!;
    add(svc, total);
    svc.activeConnections = Math.floor(rnd() * 200);
  }
}

const ms = (ns: bigint) => Number(ns) / 1e6;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

describe('history at 200 services × 10 members', () => {
  it('costs little per tick and holds a bounded, measured number of bytes per object per day', async () => {
    const base = 41_000;
    const pools = Array.from({ length: SERVICES }, (_, i) => ({
      name: `p${i}`,
      servers: Array.from({ length: MEMBERS }, (_, j) => ({
        name: `rs${j}`,
        address: '127.0.0.1',
        port: base + j,
      })),
    }));
    const ports = await Promise.all(Array.from({ length: SERVICES }, () => freePort()));
    const engine = await startEngine({
      version: 2,
      pools,
      virtualServices: pools.map((p, i) => ({
        name: `vs${i}`,
        protocol: 'http',
        listen: { address: '127.0.0.1', port: ports[i] },
        pool: p.name,
      })),
    });
    try {
      const history = new StatsHistory({ startedAt: 0 });
      const rnd = random(7);
      // The real engine's status (its counters stay at 0 here: nothing is sent) ...
      const statusNs: bigint[] = [];
      let status = engine.engine.status();
      for (let i = 0; i < 20; i++) {
        const t = process.hrtime.bigint();
        status = engine.engine.status();
        statusNs.push(process.hrtime.bigint() - t);
      }
      // ... and the sample of a status whose counters move like a busy agent's, for ten minutes.
      const sampleMs: number[] = [];
      const slots = 60;
      for (let i = 0; i < slots; i++) {
        addTraffic(status, rnd);
        const t = process.hrtime.bigint();
        expect(history.sample(status, (i + 1) * 10_000 + 20)).toBe(true);
        sampleMs.push(ms(process.hrtime.bigint() - t));
      }
      const statusMs = statusNs.map(ms);
      const held = history.bytesHeld();
      const per10s = held.frames10s / slots;
      const per1m = held.frames1m / (slots / 6);
      const objects = SERVICES * (MEMBERS + 1);
      // A day: 360 slots of 10 s and 1,440 of 1 m; the per-object share of each frame.
      const perObjectDay = (360 * per10s + 1_440 * per1m) / objects;
      const fullDayMB = (360 * per10s + 1_440 * per1m) / 2 ** 20;
      console.log(
        `history tick at ${SERVICES}×${MEMBERS}: status() median ${quantile(statusMs, 0.5).toFixed(2)} ms ` +
          `(p95 ${quantile(statusMs, 0.95).toFixed(2)}), sample median ${quantile(sampleMs, 0.5).toFixed(2)} ms ` +
          `(p95 ${quantile(sampleMs, 0.95).toFixed(2)}); frames ${(per10s / 1024).toFixed(1)} KiB per 10 s, ` +
          `${(per1m / 1024).toFixed(1)} KiB per 1 m; ${(perObjectDay / 1024).toFixed(1)} KiB per object per day, ` +
          `${fullDayMB.toFixed(1)} MiB for all ${objects} objects at full rings (the budget keeps ` +
          `${(held.budget / 2 ** 20).toFixed(0)} MiB: the oldest slots go)`,
      );
      expect(quantile(sampleMs, 0.5)).toBeLessThan(100);
      // Busy rows encode in tens of bytes, not the 8 × 43 a plain Float64 row would take.
      expect(per10s / objects).toBeLessThan(80);
    } finally {
      await engine.stop();
    }
  }, 60_000);
});
