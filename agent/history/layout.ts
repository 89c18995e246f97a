/**
 * Where each status figure sits in a history row: one flat Float64Array per object and slot, so
 * a tick reads the status into rows, subtracts, and encodes them without building objects.
 * Monotonic counters come first (the ones turned into deltas), then each gauge as a
 * (last, max) pair. The order is private to the agent; the wire shape is
 * shared/protocol/history.ts, built by query.ts.
 */
import {
  LATENCY_BUCKETS_MS,
  PROXY_ERROR_CODES,
  REFUSALS,
  RESPONSE_CLASSES,
  type PoolMemberStatus,
  type VirtualServiceStatus,
} from '../../shared/protocol/stats.ts';

export const CONNECTIONS = 0;
export const REQUESTS = 1;
export const RESPONSES = 2;
export const ERRORS = RESPONSES + RESPONSE_CLASSES.length;
export const BYTES_IN = ERRORS + PROXY_ERROR_CODES.length;
export const BYTES_OUT = BYTES_IN + 1;
export const LATENCY = BYTES_OUT + 1;
export const LATENCY_BUCKETS = LATENCY_BUCKETS_MS.length + 1;
export const LATENCY_SUM = LATENCY + LATENCY_BUCKETS;
/** Counters a pool member and a service both have. */
export const TRAFFIC_COUNTERS = LATENCY_SUM + 1;
/** Services only: refusals by reason, after the traffic counters. */
export const REFUSED = TRAFFIC_COUNTERS;

export interface RowKind {
  /** Monotonic counters at the front of the row, stored as deltas. */
  counters: number;
  /** Gauges after them, each as (last, max). */
  gauges: number;
  /** counters + 2 × gauges. */
  fields: number;
}

export const MEMBER: RowKind = { counters: TRAFFIC_COUNTERS, gauges: 1, fields: TRAFFIC_COUNTERS + 2 };
export const SERVICE: RowKind = {
  counters: TRAFFIC_COUNTERS + REFUSALS.length,
  gauges: 2,
  fields: TRAFFIC_COUNTERS + REFUSALS.length + 4,
};

/** Index of gauge `g`'s `last` value in a row of `kind`; `max` is the next one. */
export const gaugeAt = (kind: RowKind, g: number): number => kind.counters + 2 * g;

type Traffic = Pick<
  PoolMemberStatus,
  'connections' | 'requests' | 'responses' | 'errors' | 'bytesIn' | 'bytesOut' | 'latency'
>;

function readTraffic(t: Traffic, row: Float64Array): void {
  row[CONNECTIONS] = t.connections;
  row[REQUESTS] = t.requests;
  for (let i = 0; i < RESPONSE_CLASSES.length; i++) row[RESPONSES + i] = t.responses[RESPONSE_CLASSES[i]!];
  for (let i = 0; i < PROXY_ERROR_CODES.length; i++) row[ERRORS + i] = t.errors[PROXY_ERROR_CODES[i]!];
  row[BYTES_IN] = t.bytesIn;
  row[BYTES_OUT] = t.bytesOut;
  const counts = t.latency.counts;
  for (let i = 0; i < LATENCY_BUCKETS; i++) row[LATENCY + i] = counts[i] ?? 0;
  // Whole ms of the running total: deltas of the rounded total add up exactly over time.
  row[LATENCY_SUM] = Math.round(t.latency.sumMs);
}

/** A pool member's counters and gauge (in flight) into `row`. */
export function readMember(m: PoolMemberStatus, row: Float64Array): void {
  readTraffic(m, row);
  row[gaugeAt(MEMBER, 0)] = m.active;
}

/** A service's counters, refusals and gauges (open connections, tunnels) into `row`. */
export function readService(s: VirtualServiceStatus, row: Float64Array): void {
  readTraffic(s, row);
  for (let i = 0; i < REFUSALS.length; i++) row[REFUSED + i] = s.refused[REFUSALS[i]!];
  row[gaugeAt(SERVICE, 0)] = s.activeConnections;
  row[gaugeAt(SERVICE, 1)] = s.tunnels;
}
