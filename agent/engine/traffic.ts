/**
 * The counters of the one status contract (shared/protocol/stats.ts), kept as plain number
 * fields so the hot path only adds: every pool member and every virtual service has one
 * Traffic, and status.ts copies them out when someone asks. Nothing here allocates per request.
 */
import { LATENCY_BUCKETS_MS, PROXY_ERROR_CODES, type ProxyErrorCode } from '../../shared/protocol/stats.ts';

const BUCKETS = LATENCY_BUCKETS_MS.length;

export class Traffic {
  connections = 0;
  requests = 0;
  /** Responses by class: [1xx, 2xx, 3xx, 4xx, 5xx]. */
  readonly responses = [0, 0, 0, 0, 0];
  bytesIn = 0;
  bytesOut = 0;
  readonly errors = Object.fromEntries(PROXY_ERROR_CODES.map((c) => [c, 0])) as Record<
    ProxyErrorCode,
    number
  >;
  /** Latency histogram: counts per LATENCY_BUCKETS_MS bucket and one for slower. */
  readonly latencyCounts: number[] = new Array<number>(BUCKETS + 1).fill(0);
  latencySumMs = 0;

  response(status: number): void {
    const cls = (status / 100) | 0;
    if (cls >= 1 && cls <= 5) this.responses[cls - 1]!++;
  }

  latency(ms: number): void {
    let i = 0;
    while (i < BUCKETS && ms > LATENCY_BUCKETS_MS[i]!) i++;
    this.latencyCounts[i]!++;
    this.latencySumMs += ms;
  }

  error(code: ProxyErrorCode): void {
    this.errors[code]++;
  }

  /** Every failure counted, whatever its code. */
  get failures(): number {
    let n = 0;
    for (const c of PROXY_ERROR_CODES) n += this.errors[c];
    return n;
  }
}
