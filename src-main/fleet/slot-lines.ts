/**
 * What the Console keeps of an agent's `stats.history` answer: per slot, per virtual service the
 * four figures its dashboard card draws, and the agent's services added up (with the latency
 * histogram, so a site's p99 comes from summed histograms, not from averaged percentiles).
 * Everything else in the answer (bytes, error codes, refusals, pool members) stays on the
 * agent, which can be asked again. Pure: the answer in, plain lines out (they are also what
 * the history files hold, one JSON line per slot).
 */
import type { StatsHistoryResult } from '../../shared/protocol/history.ts';
import { LATENCY_BUCKETS_MS } from '../../shared/protocol/stats.ts';

/**
 * One service in one slot: hits (requests for HTTP services, connections for TCP), fails (5xx
 * for HTTP, failed connections for TCP), the slot's p99 latency in ms (null without L7 answers)
 * and the client connections open at the slot's end (null when not read).
 */
export type ServiceSlot = [hits: number, fail: number, p99Ms: number | null, active: number | null];

/** Fields of the agent total `a`: requests and 5xx of its HTTP services, open connections of all. */
export const AGG_REQUESTS = 0;
export const AGG_5XX = 1;
export const AGG_ACTIVE = 2;
/** Where the latency counts start in `a` (one per bucket of LATENCY_BUCKETS_MS, then slower). */
export const AGG_LATENCY = 3;
export const AGG_LENGTH = AGG_LATENCY + LATENCY_BUCKETS_MS.length + 1;

export interface SlotLine {
  /** Slot start, seconds since the epoch (the agent's clock). */
  t: number;
  /** Per virtual service name. A service that did not exist then is absent. */
  s: Record<string, ServiceSlot>;
  /** The agent's services added up: see AGG_*. */
  a: number[];
}

export type Protocol = 'tcp' | 'http' | 'https' | 'redirect';

/**
 * The answer's slots as lines, oldest first. `protocolOf` names a service's protocol from the
 * configuration held; unknown services (a configuration not fetched yet) count as HTTP when they
 * answered requests, else as TCP.
 */
export function slotLinesOf(
  result: StatsHistoryResult,
  protocolOf: (service: string) => Protocol | undefined,
): SlotLine[] {
  const lines: SlotLine[] = result.at.map((at) => ({
    t: Math.round(Date.parse(at) / 1000),
    s: {},
    a: new Array<number>(AGG_LENGTH).fill(0),
  }));
  const buckets = LATENCY_BUCKETS_MS.length + 1;
  const counts = new Array<number>(buckets);
  for (const { name, series } of result.services) {
    const protocol = protocolOf(name);
    lines.forEach((line, i) => {
      const requests = series.requests[i];
      const connections = series.connections[i];
      if (requests === null || requests === undefined || connections === null || connections === undefined)
        return;
      const tcp = protocol === 'tcp' || (protocol === undefined && requests === 0 && connections > 0);
      const active = series.activeConnections.last[i] ?? null;
      let latencyCount = 0;
      for (let b = 0; b < buckets; b++) {
        counts[b] = series.latency.counts[b]?.[i] ?? 0;
        latencyCount += counts[b]!;
      }
      const fivexx = series.responses['5xx'][i] ?? 0;
      const failed = tcp ? sumAt(series.errors, i) : fivexx;
      line.s[name] = [
        tcp ? connections : requests,
        failed,
        latencyCount > 0 ? round1(percentileMs(counts, 0.99)) : null,
        active,
      ];
      if (!tcp) {
        line.a[AGG_REQUESTS]! += requests;
        line.a[AGG_5XX]! += fivexx;
        for (let b = 0; b < buckets; b++) line.a[AGG_LATENCY + b]! += counts[b]!;
      }
      line.a[AGG_ACTIVE]! += active ?? 0;
    });
  }
  return lines;
}

/**
 * The q-quantile of a latency histogram (counts per bucket of LATENCY_BUCKETS_MS, then one for
 * anything slower), interpolated linearly inside its bucket; 0 for an empty histogram. What is
 * slower than the last bound reads as that bound: the histogram knows no more.
 */
export function percentileMs(counts: ArrayLike<number>, q: number): number {
  let total = 0;
  for (let b = 0; b < counts.length; b++) total += counts[b]!;
  if (total === 0) return 0;
  const rank = q * total;
  let below = 0;
  for (let b = 0; b < counts.length; b++) {
    const n = counts[b]!;
    if (n > 0 && below + n >= rank) {
      const upper = LATENCY_BUCKETS_MS[b];
      if (upper === undefined) return LATENCY_BUCKETS_MS.at(-1)!;
      const lower = b === 0 ? 0 : LATENCY_BUCKETS_MS[b - 1]!;
      return lower + (upper - lower) * Math.min(1, Math.max(0, (rank - below) / n));
    }
    below += n;
  }
  return LATENCY_BUCKETS_MS.at(-1)!;
}

function sumAt(columns: Record<string, (number | null)[]>, i: number): number {
  let sum = 0;
  for (const column of Object.values(columns)) sum += column[i] ?? 0;
  return sum;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
