/**
 * Status entries (shared/protocol/stats.ts) for tests that hand a reader a status of their
 * own: every counter zero unless the test says otherwise, so each test names only the figures
 * it checks.
 */
import {
  LATENCY_BUCKETS_MS,
  PROXY_ERROR_CODES,
  REFUSALS,
  RESPONSE_CLASSES,
  type PoolMemberStatus,
  type ProxyErrorCode,
  type Refusal,
  type ResponseClass,
  type StatsSnapshot,
  type VirtualServiceStatus,
} from '../../shared/protocol/stats.ts';

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

const SINCE = '2026-12-07T10:00:00.000Z';

function counters() {
  return {
    connections: 0,
    requests: 0,
    responses: zeros(RESPONSE_CLASSES),
    bytesIn: 0,
    bytesOut: 0,
    errors: zeros(PROXY_ERROR_CODES),
    latency: { counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), sumMs: 0 },
  };
}

/** A pool member `pool/name`, up, with no traffic, and whatever `over` sets. */
export function memberStatus(
  pool: string,
  name: string,
  over: Partial<PoolMemberStatus> = {},
): PoolMemberStatus {
  return { key: `${pool}/${name}`, name, state: 'up', since: SINCE, active: 0, ...counters(), ...over };
}

/** A virtual service with no traffic, and whatever `over` sets. */
export function serviceStatus(
  name: string,
  protocol: VirtualServiceStatus['protocol'],
  over: Partial<VirtualServiceStatus> = {},
): VirtualServiceStatus {
  return {
    name,
    protocol,
    activeConnections: 0,
    tunnels: 0,
    refused: zeros(REFUSALS),
    ...counters(),
    ...over,
  };
}

export function statusOf(
  pools: StatsSnapshot['pools'],
  virtualServices: VirtualServiceStatus[],
  unexpectedErrors = 0,
): StatsSnapshot {
  return { at: SINCE, pools, virtualServices, unexpectedErrors };
}

/** Latency counts with `n` in the bucket whose upper bound is `ms` (or the last, slower one). */
export function latencyCounts(entries: [ms: number | 'slower', n: number][]): number[] {
  const counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const [ms, n] of entries) {
    const i = ms === 'slower' ? LATENCY_BUCKETS_MS.length : LATENCY_BUCKETS_MS.indexOf(ms as never);
    if (i < 0) throw new Error(`${ms} ms is not a bucket bound`);
    counts[i] = n;
  }
  return counts;
}

/** Responses by class: these counts, every other class 0. */
export const responsesOf = (some: Partial<Record<ResponseClass, number>> = {}) => ({
  ...zeros(RESPONSE_CLASSES),
  ...some,
});

/** Errors by code: these counts, every other code 0. */
export const errorsOf = (some: Partial<Record<ProxyErrorCode, number>> = {}) => ({
  ...zeros(PROXY_ERROR_CODES),
  ...some,
});

/** Refusals by reason: these counts, every other reason 0. */
export const refusedOf = (some: Partial<Record<Refusal, number>> = {}) => ({ ...zeros(REFUSALS), ...some });

/** How many latencies a histogram holds. */
export const answered = (latency: { counts: readonly number[] }) => latency.counts.reduce((a, b) => a + b, 0);

/** Index of the bucket a latency of `ms` falls in (LATENCY_BUCKETS_MS bounds, then slower). */
export function bucketOf(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i < 0 ? LATENCY_BUCKETS_MS.length : i;
}

/** Indexes of the buckets that hold anything. */
export const filledBuckets = (latency: { counts: readonly number[] }) =>
  latency.counts.flatMap((n, i) => (n > 0 ? [i] : []));
