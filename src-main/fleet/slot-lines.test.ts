import { describe, expect, it } from 'vitest';
import type { StatsHistoryResult } from '../../shared/protocol/history.ts';
import { LATENCY_BUCKETS_MS, REFUSALS } from '../../shared/protocol/stats.ts';
import { AGG_5XX, AGG_ACTIVE, AGG_LATENCY, AGG_REQUESTS, percentileMs, slotLinesOf } from './slot-lines.ts';

const BUCKETS = LATENCY_BUCKETS_MS.length + 1;
const histogram = (entries: Record<number, number>) =>
  Array.from({ length: BUCKETS }, (_, b) => entries[b] ?? 0);

describe('percentileMs', () => {
  // Bucket b counts latencies up to LATENCY_BUCKETS_MS[b] (1, 2, 5, 10, 25, 50, 100, …, 30000 ms).
  it.each([
    ['an empty histogram', {}, 0.99, 0],
    ['everything in the first bucket, interpolated from 0', { 0: 100 }, 0.5, 0.5],
    ['the 99th of 100 in the 10–25 ms bucket', { 2: 98, 4: 2 }, 0.99, 17.5],
    ['the median at the top of its bucket', { 3: 50, 6: 50 }, 0.5, 10],
    ['slower than the last bound reads as that bound', { [BUCKETS - 1]: 5 }, 0.99, 30_000],
  ])('%s', (_what, entries, q, expected) => {
    expect(percentileMs(histogram(entries), q)).toBeCloseTo(expected, 5);
  });
});

/** Three 10 s slots; web (HTTP) answers in slots 0 and 2, db (TCP) exists from slot 1 on. */
function answer(): StatsHistoryResult {
  const col = (...v: (number | null)[]) => v;
  const classes = (fivexx: (number | null)[]) => ({
    '1xx': col(0, null, 0),
    '2xx': col(90, null, 40),
    '3xx': col(0, null, 0),
    '4xx': col(0, null, 0),
    '5xx': fivexx,
  });
  const errors = (n: (number | null)[]) => ({
    NO_SERVER: n,
    CONNECT_FAILED: col(null, 1, 1),
    CONNECT_TIMEOUT: col(null, 0, 0),
    RESPONSE_TIMEOUT: col(null, 0, 0),
    UPSTREAM_RESET: col(null, 0, 0),
    UPSTREAM_TLS: col(null, 0, 0),
    UPSTREAM_PROTOCOL: col(null, 0, 0),
  });
  const latency = (counts: number[][]) => ({ counts, sumMs: col(0, 0, 0) });
  const web = {
    connections: col(10, null, 5),
    requests: col(100, null, 50),
    responses: classes(col(10, null, 10)),
    errors: errors(col(0, null, 0)),
    bytesIn: col(0, null, 0),
    bytesOut: col(0, null, 0),
    latency: latency(Array.from({ length: BUCKETS }, (_, b) => (b === 2 ? [100, 0, 50] : [0, 0, 0]))),
    refused: Object.fromEntries(REFUSALS.map((k) => [k, col(0, null, 0)])),
    activeConnections: { last: col(7, null, 3), max: col(9, null, 4) },
    tunnels: { last: col(0, null, 0), max: col(0, null, 0) },
  };
  const db = {
    ...web,
    connections: col(null, 20, 30),
    requests: col(null, 0, 0),
    responses: classes(col(null, 0, 0)),
    errors: errors(col(null, 2, 0)),
    latency: latency(Array.from({ length: BUCKETS }, () => [null, 0, 0] as number[])),
    activeConnections: { last: col(null, 4, 5), max: col(null, 4, 5) },
  };
  return {
    resolution: '10s',
    stepSeconds: 10,
    at: ['2026-01-01T10:00:00.000Z', '2026-01-01T10:00:10.000Z', '2026-01-01T10:00:20.000Z'],
    until: '2026-01-01T10:00:30.000Z',
    more: false,
    services: [
      { name: 'web', series: web as never },
      { name: 'db', series: db as never },
    ],
    pools: [],
    health: [],
  };
}

describe('slotLinesOf', () => {
  const protocols: Record<string, 'http' | 'tcp'> = { web: 'http', db: 'tcp' };

  it('keeps per service hits, fails, p99 and open connections; absent where the service was', () => {
    const lines = slotLinesOf(answer(), (name) => protocols[name]);
    expect(lines.map((l) => l.t)).toEqual([1767261600, 1767261610, 1767261620]);
    // HTTP: requests and 5xx; p99 of 100 answers in the 2–5 ms bucket.
    expect(lines[0]!.s.web).toEqual([100, 10, 5, 7]);
    expect(lines[0]!.s.db).toBeUndefined();
    expect(lines[1]!.s.web).toBeUndefined();
    // TCP: connections and failed connections (every error code), no latency.
    expect(lines[1]!.s.db).toEqual([20, 3, null, 4]);
    expect(lines[2]!.s.db).toEqual([30, 1, null, 5]);
  });

  it('adds up the HTTP services of a slot, with their histograms; open connections of all', () => {
    const [first, , third] = slotLinesOf(answer(), (name) => protocols[name]);
    expect(first!.a[AGG_REQUESTS]).toBe(100);
    expect(first!.a[AGG_5XX]).toBe(10);
    expect(first!.a[AGG_ACTIVE]).toBe(7);
    expect(first!.a[AGG_LATENCY + 2]).toBe(100);
    expect(third!.a[AGG_REQUESTS]).toBe(50);
    expect(third!.a[AGG_ACTIVE]).toBe(3 + 5);
  });

  it('guesses the protocol of a service the configuration does not know yet from its figures', () => {
    const lines = slotLinesOf(answer(), () => undefined);
    expect(lines[0]!.s.web).toEqual([100, 10, 5, 7]);
    expect(lines[1]!.s.db).toEqual([20, 3, null, 4]);
  });
});
