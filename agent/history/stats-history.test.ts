/**
 * The rollups on a clock the test chooses: statuses built as the engine reports them (totals
 * since start), sampled at chosen instants, read back through queryHistory as `stats.history`
 * answers, the answers checked against the protocol's schema.
 */
import { describe, expect, it } from 'vitest';
import type { RealServerHealth } from '../../shared/model/health.ts';
import { StatsHistoryResult, type StatsHistoryParams } from '../../shared/protocol/history.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';
import {
  latencyCounts,
  memberStatus,
  responsesOf,
  serviceStatus,
  statusOf,
  errorsOf,
  refusedOf,
} from '../../test/support/stats.ts';
import { queryHistory } from './query.ts';
import { StatsHistory } from './stats-history.ts';

/** A minute boundary: 2026-12-07T10:00:00Z. */
const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const S = 1000;
/** Just after the boundary that ends the 10 s slot starting at `slotStart`. */
const after = (slotStart: number) => slotStart + 10 * S + 20;

interface Totals {
  requests: number;
  ok?: number;
  errors5xx?: number;
  bytesOut?: number;
  active?: number;
  fast?: number;
}

function status(members: Record<string, Totals>, service?: Totals & { open?: number }): StatsSnapshot {
  const byPool = new Map<string, ReturnType<typeof memberStatus>[]>();
  for (const [key, t] of Object.entries(members)) {
    const [pool, name] = key.split('/') as [string, string];
    const list = byPool.get(pool) ?? [];
    list.push(
      memberStatus(pool, name, {
        requests: t.requests,
        connections: t.requests,
        responses: responsesOf({ '2xx': t.ok ?? t.requests, '5xx': t.errors5xx ?? 0 }),
        bytesOut: t.bytesOut ?? 0,
        active: t.active ?? 0,
        latency: { counts: latencyCounts([[5, t.fast ?? 0]]), sumMs: (t.fast ?? 0) * 4.4 },
      }),
    );
    byPool.set(pool, list);
  }
  return statusOf(
    [...byPool].map(([name, servers]) => ({ name, servers })),
    service
      ? [
          serviceStatus('web', 'http', {
            requests: service.requests,
            responses: responsesOf({ '2xx': service.requests }),
            activeConnections: service.open ?? 0,
            errors: errorsOf({ NO_SERVER: service.errors5xx ?? 0 }),
            refused: refusedOf({ badRequest: 1 }),
          }),
        ]
      : [],
  );
}

function read(h: StatsHistory, params: StatsHistoryParams, now: number, maxCells?: number) {
  const answer = queryHistory(h, params, now, maxCells);
  // What the agent sends must be what the protocol documents.
  return StatsHistoryResult.parse(answer);
}

const member = (answer: StatsHistoryResult, key: string) =>
  answer.pools.flatMap((p) => p.servers).find((s) => s.key === key)!.series;

describe('10-second slots', () => {
  it('hold what happened in each slot, on the wall clock, with gauges as read at the end', () => {
    const h = new StatsHistory({ startedAt: T0 });
    expect(h.sample(status({ 'p/a': { requests: 5, active: 2 } }), after(T0))).toBe(true);
    expect(h.sample(status({ 'p/a': { requests: 12, active: 0, bytesOut: 1000 } }), after(T0 + 10 * S))).toBe(
      true,
    );
    const answer = read(h, { resolution: '10s' }, T0 + 25 * S);
    expect(answer.at).toEqual([new Date(T0).toISOString(), new Date(T0 + 10 * S).toISOString()]);
    expect(answer.stepSeconds).toBe(10);
    const a = member(answer, 'p/a');
    expect(a.requests).toEqual([5, 7]);
    expect(a.responses['2xx']).toEqual([5, 7]);
    expect(a.bytesOut).toEqual([0, 1000]);
    expect(a.active).toEqual({ last: [2, 0], max: [2, 0] });
    expect(answer.until).toBe(new Date(T0 + 20 * S).toISOString());
    expect(answer.more).toBe(false);
  });

  it('take one sample per slot: a second one in the same slot waits, and its traffic lands in the next', () => {
    const h = new StatsHistory({ startedAt: T0 });
    h.sample(status({ 'p/a': { requests: 5 } }), after(T0));
    expect(h.sample(status({ 'p/a': { requests: 8 } }), after(T0) + 3 * S)).toBe(false);
    h.sample(status({ 'p/a': { requests: 9 } }), after(T0 + 10 * S));
    expect(member(read(h, { resolution: '10s' }, T0 + 30 * S), 'p/a').requests).toEqual([5, 4]);
  });

  it('leave a slot out when its sample was missed (a stalled event loop) and count its traffic in the next', () => {
    const h = new StatsHistory({ startedAt: T0 });
    h.sample(status({ 'p/a': { requests: 5 } }), after(T0));
    h.sample(status({ 'p/a': { requests: 20 } }), after(T0 + 20 * S));
    const answer = read(h, { resolution: '10s' }, T0 + 40 * S);
    expect(answer.at).toEqual([new Date(T0).toISOString(), new Date(T0 + 20 * S).toISOString()]);
    expect(member(answer, 'p/a').requests).toEqual([5, 15]);
  });

  it('wrap: the ring keeps its newest slots and drops the oldest', () => {
    const h = new StatsHistory({ startedAt: T0, slots10s: 3 });
    for (let i = 0; i < 5; i++)
      h.sample(status({ 'p/a': { requests: (i + 1) * 10 } }), after(T0 + i * 10 * S));
    const answer = read(h, { resolution: '10s' }, T0 + 60 * S);
    expect(answer.at.map((t) => (Date.parse(t) - T0) / S)).toEqual([20, 30, 40]);
    expect(member(answer, 'p/a').requests).toEqual([10, 10, 10]);
    expect(h.ring10s.length).toBe(3);
  });

  it('answer only the last hour of 10 s slots and the last 24 h of 1 m slots', () => {
    const h = new StatsHistory({ startedAt: T0 });
    h.sample(status({ 'p/a': { requests: 1 } }), after(T0));
    expect(read(h, { resolution: '10s' }, T0 + 3_600 * S).at).toHaveLength(1);
    expect(read(h, { resolution: '10s' }, T0 + 3_611 * S).at).toHaveLength(0);
  });
});

describe('counter resets', () => {
  it('read a total that went down as the object starting again from 0: the whole row is its new total', () => {
    const h = new StatsHistory({ startedAt: T0 });
    h.sample(status({ 'p/a': { requests: 100, bytesOut: 50_000 } }), after(T0));
    // The server's address changed: its counters restarted; bytes are already past the old total.
    h.sample(status({ 'p/a': { requests: 30, bytesOut: 80_000 } }), after(T0 + 10 * S));
    h.sample(status({ 'p/a': { requests: 45, bytesOut: 90_000 } }), after(T0 + 20 * S));
    const a = member(read(h, { resolution: '10s' }, T0 + 40 * S), 'p/a');
    expect(a.requests).toEqual([100, 30, 15]);
    expect(a.bytesOut).toEqual([50_000, 80_000, 10_000]);
    expect(a.requests.every((n) => n! >= 0)).toBe(true);
  });

  it('count a new object from 0, and one that comes back with its totals kept from where it left', () => {
    const h = new StatsHistory({ startedAt: T0 });
    h.sample(status({ 'p/a': { requests: 10 } }), after(T0));
    h.sample(status({ 'p/a': { requests: 20 }, 'p/b': { requests: 3 } }), after(T0 + 10 * S));
    h.sample(status({ 'p/b': { requests: 4 } }), after(T0 + 20 * S));
    h.sample(status({ 'p/a': { requests: 26 }, 'p/b': { requests: 4 } }), after(T0 + 30 * S));
    const answer = read(h, { resolution: '10s' }, T0 + 50 * S);
    expect(member(answer, 'p/a').requests).toEqual([10, 10, null, 6]);
    expect(member(answer, 'p/b').requests).toEqual([null, 3, 1, 0]);
  });
});

describe('1-minute slots', () => {
  it('add up the six 10 s slots of each minute: counters summed, histograms bucket by bucket, gauges last and max', () => {
    const h = new StatsHistory({ startedAt: T0 });
    const actives = [1, 9, 3, 0, 4, 2];
    for (let i = 0; i < 6; i++) {
      const n = (i + 1) * 10;
      h.sample(
        status({ 'p/a': { requests: n, fast: n, active: actives[i]! } }, { requests: n, open: actives[i]! }),
        after(T0 + i * 10 * S),
      );
    }
    // Still inside the minute: nothing at 1 m until its last slot was recorded.
    const answer = read(h, { resolution: '1m' }, T0 + 61 * S);
    expect(answer.at).toEqual([new Date(T0).toISOString()]);
    expect(answer.stepSeconds).toBe(60);
    const a = member(answer, 'p/a');
    expect(a.requests).toEqual([60]);
    expect(a.latency.counts[2]).toEqual([60]);
    expect(a.latency.sumMs).toEqual([Math.round(60 * 4.4)]);
    expect(a.active).toEqual({ last: [2], max: [9] });
    const web = answer.services.find((s) => s.name === 'web')!.series;
    expect(web.requests).toEqual([60]);
    expect(web.activeConnections).toEqual({ last: [2], max: [9] });
    expect(web.refused.badRequest).toEqual([1]);
    expect(answer.until).toBe(new Date(T0 + 60 * S).toISOString());
  });

  it('close a minute whose last slot was missed when the next minute begins', () => {
    const h = new StatsHistory({ startedAt: T0 });
    h.sample(status({ 'p/a': { requests: 10 } }), after(T0));
    h.sample(status({ 'p/a': { requests: 15 } }), after(T0 + 40 * S));
    expect(read(h, { resolution: '1m' }, T0 + 59 * S).at).toEqual([]);
    h.sample(status({ 'p/a': { requests: 18 } }), after(T0 + 60 * S));
    const answer = read(h, { resolution: '1m' }, T0 + 75 * S);
    expect(answer.at).toEqual([new Date(T0).toISOString()]);
    expect(member(answer, 'p/a').requests).toEqual([15]);
    expect(answer.until).toBe(new Date(T0 + 60 * S).toISOString());
  });

  it('put a slot on the minute boundary into the minute it starts', () => {
    const h = new StatsHistory({ startedAt: T0 });
    for (let i = 0; i < 12; i++) h.sample(status({ 'p/a': { requests: i + 1 } }), after(T0 + i * 10 * S));
    const a = member(read(h, { resolution: '1m' }, T0 + 130 * S), 'p/a');
    expect(a.requests).toEqual([6, 6]);
  });

  it('wrap like the 10 s ring', () => {
    const h = new StatsHistory({ startedAt: T0, slots1m: 2 });
    for (let i = 0; i < 4 * 6; i++) h.sample(status({ 'p/a': { requests: i + 1 } }), after(T0 + i * 10 * S));
    const answer = read(h, { resolution: '1m' }, T0 + 250 * S);
    expect(answer.at.map((t) => (Date.parse(t) - T0) / 60_000)).toEqual([2, 3]);
  });
});

describe('the byte budget', () => {
  /** Twenty busy members whose counters move the same each slot: every frame weighs the same. */
  const busy = (slot: number) =>
    status(
      Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [
          `p/m${i}`,
          { requests: (slot + 1) * (1_000 + i), bytesOut: (slot + 1) * 700_000, fast: (slot + 1) * 900 },
        ]),
      ),
    );
  const slotsOf = (h: StatsHistory, n: number) => {
    for (let i = 0; i < n; i++) h.sample(busy(i), after(T0 + i * 10 * S));
  };
  const held = (h: StatsHistory) => h.bytesHeld().frames10s + h.bytesHeld().frames1m;

  it('makes the history coarser first (old 10 s slots go), then shorter (old 1 m slots go), and never exceeds it', () => {
    // What each frame weighs, from a history without a budget.
    const whole = new StatsHistory({ startedAt: T0 });
    slotsOf(whole, 30);
    const f10 = whole.ring10s.from(T0 + 60 * S)[0]!.bytes.byteLength;
    const f1m = whole.ring1m.from(T0 + 60 * S)[0]!.bytes.byteLength;
    // Room for three 10 s slots and two minutes, not for a third minute.
    const budget = 3 * f10 + 2 * f1m + Math.min(f10, f1m) - 1;
    const h = new StatsHistory({ startedAt: T0, maxBytes: budget, min10sSlots: 3 });
    for (let i = 0; i < 30; i++) {
      h.sample(busy(i), after(T0 + i * 10 * S));
      expect(held(h)).toBeLessThanOrEqual(budget);
      // Two minutes in: the 10 s slots have given way, the minutes are all there.
      if (i === 11) {
        expect(h.ring1m.length).toBe(2);
        expect(h.ring10s.length).toBeLessThan(12);
      }
    }
    expect(h.ring10s.length).toBe(3);
    expect(h.ring1m.length).toBe(2);
    expect(h.bytesHeld().budget).toBe(budget);

    // What is kept answers as before: the newest slots, the same figures.
    const now = T0 + 305 * S;
    const tens = read(h, { resolution: '10s' }, now);
    expect(tens.at.map((t) => (Date.parse(t) - T0) / S)).toEqual([270, 280, 290]);
    expect(member(tens, 'p/m3').requests).toEqual(
      member(read(whole, { resolution: '10s' }, now), 'p/m3').requests.slice(-3),
    );
    const minutes = read(h, { resolution: '1m' }, now);
    expect(minutes.at.map((t) => (Date.parse(t) - T0) / 60_000)).toEqual([3, 4]);
    expect(member(minutes, 'p/m3').requests).toEqual([6 * 1_003, 6 * 1_003]);
    // A dropped slot is not recorded again: the rings go on from where they were.
    expect(h.sample(busy(30), after(T0 + 300 * S))).toBe(true);
    expect(h.ring10s.length).toBe(3);
  });

  it('is 32 MiB by default, far above what an ordinary agent holds in a day', () => {
    const h = new StatsHistory({ startedAt: T0 });
    slotsOf(h, 12);
    expect(h.bytesHeld().budget).toBe(32 * 2 ** 20);
    // 20 busy members: a full day at this rate stays well inside it (no slot dropped).
    const perDay = (h.bytesHeld().frames10s / 12) * 360 + (h.bytesHeld().frames1m / 2) * 1_440;
    expect(perDay).toBeLessThan((32 * 2 ** 20) / 10);
    expect(h.ring10s.length).toBe(12);
  });
});

describe('answers', () => {
  it('come in parts that add up to the whole, without overlap, when larger than the cell budget', () => {
    const h = new StatsHistory({ startedAt: T0 });
    const members = (n: number) => ({
      'p/a': { requests: n },
      'p/b': { requests: 2 * n },
      'q/c': { requests: 3 * n },
    });
    for (let i = 0; i < 7; i++) h.sample(status(members((i + 1) * 10)), after(T0 + i * 10 * S));
    const whole = read(h, { resolution: '10s' }, T0 + 90 * S);
    const parts: StatsHistoryResult[] = [];
    let since: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const part = read(h, { resolution: '10s', ...(since ? { since } : {}) }, T0 + 90 * S, 7);
      parts.push(part);
      since = part.until;
      if (!part.more) break;
    }
    // 3 cells per slot, at most 7 per answer: two slots each.
    expect(parts.map((p) => p.at.length)).toEqual([2, 2, 2, 1]);
    expect(parts.flatMap((p) => p.at)).toEqual(whole.at);
    expect(parts.flatMap((p) => member(p, 'q/c').requests)).toEqual(member(whole, 'q/c').requests);
    // Nothing new after the last part.
    expect(read(h, { resolution: '10s', since }, T0 + 90 * S).at).toEqual([]);
  });

  it('hold only the services and pools asked for', () => {
    const h = new StatsHistory({ startedAt: T0 });
    h.sample(status({ 'p/a': { requests: 1 }, 'q/c': { requests: 2 } }, { requests: 3 }), after(T0));
    const onlyQ = read(h, { resolution: '10s', pools: ['q'], services: [] }, T0 + 20 * S);
    expect(onlyQ.pools.map((p) => p.name)).toEqual(['q']);
    expect(onlyQ.services).toEqual([]);
    const onlyWeb = read(h, { resolution: '10s', pools: [], services: ['web'] }, T0 + 20 * S);
    expect(onlyWeb.pools).toEqual([]);
    expect(onlyWeb.services.map((s) => s.name)).toEqual(['web']);
  });
});

describe('health transitions', () => {
  const health = (
    key: string,
    state: RealServerHealth['state'],
    at: number,
    reason?: string,
  ): RealServerHealth => {
    const [pool, server] = key.split('/') as [string, string];
    return { key, pool, server, state, since: new Date(at).toISOString(), ...(reason ? { reason } : {}) };
  };

  it('record from and to (seeded from the snapshot), filtered by pool, in [since, until)', () => {
    const h = new StatsHistory({ startedAt: T0 });
    h.health.seed([health('p/a', 'up', T0 - 5 * S), health('q/c', 'up', T0 - 5 * S)]);
    h.recordHealth(health('p/a', 'down', T0 + 2 * S, 'connection refused'));
    h.recordHealth(health('p/a', 'down', T0 + 3 * S, 'still refused'));
    h.recordHealth(health('q/c', 'disabled', T0 + 4 * S));
    h.recordHealth(health('p/new', 'up', T0 + 5 * S));
    h.recordHealth(health('p/a', 'up', T0 + 12 * S));
    h.sample(status({ 'p/a': { requests: 1 } }), after(T0));
    const answer = read(h, { resolution: '10s', pools: ['p'] }, T0 + 15 * S);
    expect(answer.until).toBe(new Date(T0 + 10 * S).toISOString());
    expect(answer.health).toEqual([
      {
        key: 'p/a',
        pool: 'p',
        server: 'a',
        from: 'up',
        to: 'down',
        at: new Date(T0 + 2 * S).toISOString(),
        reason: 'connection refused',
      },
      {
        key: 'p/new',
        pool: 'p',
        server: 'new',
        from: 'unknown',
        to: 'up',
        at: new Date(T0 + 5 * S).toISOString(),
      },
    ]);
    // The next part starts where this one ended.
    h.sample(status({ 'p/a': { requests: 1 } }), after(T0 + 10 * S));
    const next = read(h, { resolution: '10s', since: answer.until }, T0 + 25 * S);
    expect(next.health.map((t) => [t.key, t.from, t.to])).toEqual([['p/a', 'down', 'up']]);
  });

  it('keep a bounded number of transitions: a flapping server shortens how far back they reach', () => {
    const h = new StatsHistory({ startedAt: T0, transitions: 4 });
    for (let i = 0; i < 10; i++) h.recordHealth(health('p/a', i % 2 ? 'up' : 'down', T0 + i * S));
    h.sample(status({}), after(T0));
    const answer = read(h, { resolution: '10s' }, T0 + 15 * S);
    expect(answer.health.map((t) => (Date.parse(t.at) - T0) / S)).toEqual([6, 7, 8, 9]);
  });
});
