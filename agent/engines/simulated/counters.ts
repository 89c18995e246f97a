/**
 * The simulation's counters, shaped as the status contract reports them, and what a batch of
 * requests adds to them: one draw per batch, added to the pool member and to the service alike,
 * so a service's responses and histogram are exactly the sum of its members'.
 */
import {
  LATENCY_BUCKETS_MS,
  PROXY_ERROR_CODES,
  RESPONSE_CLASSES,
  type ProxyErrorCode,
  type ResponseClass,
} from '../../../shared/protocol/stats.ts';
import { roundRandom, type Random } from './random.ts';
import { addLatencies, splitResponses, type ServerProfile, type ServiceProfile } from './traffic-model.ts';

export interface Counters {
  connections: number;
  requests: number;
  responses: Record<ResponseClass, number>;
  bytesIn: number;
  bytesOut: number;
  errors: Record<ProxyErrorCode, number>;
  latency: { counts: number[]; sumMs: number };
}

/** Client connections carry this many requests each (keep-alive). */
export const REQUESTS_PER_CONNECTION = 8;
/** Bytes of an L4 connection, towards the client (a quarter of it the other way). */
const TCP_BYTES = 60_000;

export function newCounters(): Counters {
  return {
    connections: 0,
    requests: 0,
    responses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    bytesIn: 0,
    bytesOut: 0,
    errors: Object.fromEntries(PROXY_ERROR_CODES.map((c) => [c, 0])) as Record<ProxyErrorCode, number>,
    latency: { counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), sumMs: 0 },
  };
}

/** A copy for the status: the counters go on changing after it is read. */
export function copyCounters(c: Counters) {
  return {
    connections: c.connections,
    requests: c.requests,
    responses: { ...c.responses },
    bytesIn: c.bytesIn,
    bytesOut: c.bytesOut,
    errors: { ...c.errors },
    latency: { counts: [...c.latency.counts], sumMs: c.latency.sumMs },
  };
}

export function addCounters(into: Counters, c: Counters): void {
  into.connections += c.connections;
  into.requests += c.requests;
  for (const cls of RESPONSE_CLASSES) into.responses[cls] += c.responses[cls];
  into.bytesIn += c.bytesIn;
  into.bytesOut += c.bytesOut;
  for (const code of PROXY_ERROR_CODES) into.errors[code] += c.errors[code];
  for (let b = 0; b < c.latency.counts.length; b++) into.latency.counts[b]! += c.latency.counts[b]!;
  into.latency.sumMs += c.latency.sumMs;
}

export function resetCounters(c: Counters): void {
  c.connections = 0;
  c.requests = 0;
  for (const cls of RESPONSE_CLASSES) c.responses[cls] = 0;
  c.bytesIn = 0;
  c.bytesOut = 0;
  for (const code of PROXY_ERROR_CODES) c.errors[code] = 0;
  c.latency.counts.fill(0);
  c.latency.sumMs = 0;
}

/**
 * `n` requests (L7) or connections (L4) answered with `shares`, their latencies drawn from
 * `server` (none: the agent answered at once, e.g. a 503 without a server), written over `c`
 * (a scratch batch the caller reuses: the model draws thousands a second across a fleet).
 */
export function drawBatch(
  c: Counters,
  n: number,
  tcp: boolean,
  shares: Record<ResponseClass, number>,
  svc: ServiceProfile,
  server: ServerProfile | undefined,
  rnd: Random,
): Counters {
  resetCounters(c);
  if (n === 0) return c;
  if (tcp) {
    c.connections = n;
    c.bytesIn = n * (TCP_BYTES / 4);
    c.bytesOut = n * TCP_BYTES;
    return c;
  }
  c.requests = n;
  c.connections = roundRandom(n / REQUESTS_PER_CONNECTION, rnd);
  const split = splitResponses(n, shares, rnd);
  for (const cls of RESPONSE_CLASSES) c.responses[cls] = split[cls];
  c.bytesIn = n * svc.bytesIn;
  c.bytesOut = n * svc.bytesOut;
  if (server) c.latency.sumMs = addLatencies(n, server, c.latency.counts, rnd);
  else c.latency.counts[0] = n;
  return c;
}
