/**
 * The one status contract: what the engine reports per pool member and per virtual service
 * (`stats.snapshot`, the periodic `stats` event; Prometheus and the Console's views read the
 * same numbers). Counters count from agent start and survive reloads; a server whose address
 * changes starts again from 0. Runtime-neutral: zod only.
 *
 * What the counters mean:
 * - A pool member counts what happened at that server: requests actually sent to it,
 *   connections opened to it; latency and bytes only of the answers it gave (a server that
 *   failed before answering has its error counted, not a latency).
 * - A service counts what its clients saw: every answer it gave has a latency (its own 403,
 *   404, redirects and 5xx included). Node's own 400/408/431 to a malformed or slow request are
 *   refusals (`refused`), not requests; their bytes are still counted.
 * - An L4 connection's bytes are counted when it closes; a tunnel's as they flow.
 */
import { z } from 'zod';
import { HEALTH_STATES } from '../model/health.ts';
import { IsoDate, method, NoParams } from './common.ts';

const counter = z.number().int().min(0);

/** Why a request could not be served, as stable codes (the engine's log lines use them too). */
export const PROXY_ERROR_CODES = [
  'NO_SERVER',
  'CONNECT_FAILED',
  'CONNECT_TIMEOUT',
  'RESPONSE_TIMEOUT',
  'UPSTREAM_RESET',
  'UPSTREAM_TLS',
  'UPSTREAM_PROTOCOL',
] as const;
export type ProxyErrorCode = (typeof PROXY_ERROR_CODES)[number];

/** Why the front end turned a client away: a limit, a timeout or a malformed request. */
export const REFUSALS = [
  'connections',
  'connectionsPerSource',
  'headerTimeout',
  'bodyTimeout',
  'handshakeTimeout',
  'tunnels',
  'badRequest',
] as const;
export type Refusal = (typeof REFUSALS)[number];

export const RESPONSE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type ResponseClass = (typeof RESPONSE_CLASSES)[number];

/**
 * Upper bounds (ms) of the latency histogram's buckets; one more bucket counts what is slower
 * than the last. Fixed, so histograms from many agents and times add up.
 */
export const LATENCY_BUCKETS_MS = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
] as const;

const fixedKeys = <K extends string>(keys: readonly K[], what: string) =>
  z
    .object(Object.fromEntries(keys.map((k) => [k, counter])) as Record<K, typeof counter>)
    .strict()
    .describe(what);

export const Responses = fixedKeys(RESPONSE_CLASSES, 'Responses by status class.');
export const ErrorsByCode = fixedKeys(
  PROXY_ERROR_CODES,
  'Requests or connections that failed, by code (see the README for what each means).',
);
export const Refused = fixedKeys(
  REFUSALS,
  'Clients turned away, by reason: over limits.maxConnections / maxConnectionsPerSource / maxTunnels, a header, body or TLS handshake timeout, or a malformed request (400).',
);

export const Latency = z
  .object({
    /** Counts per bucket of LATENCY_BUCKETS_MS, and one more for anything slower. */
    counts: z
      .array(counter)
      .length(LATENCY_BUCKETS_MS.length + 1)
      .describe(
        'Counts per bucket (upper bounds 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000 ms; then slower).',
      ),
    /** Sum of every latency counted, in ms. */
    sumMs: z.number().min(0).describe('Sum of every latency counted, in ms.'),
  })
  .strict()
  .describe(
    'Time from a request reaching the front end to its response ending (L7), as a histogram that adds up across agents.',
  );

/** The traffic counters both a pool member and a virtual service have. */
const traffic = {
  /** Connections: accepted from clients (a service), opened to the server (a pool member). */
  connections: counter.describe(
    'Connections accepted from clients (service) or opened to the server (pool member).',
  ),
  /** Requests (L7): handled (service), sent to the server (pool member). */
  requests: counter.describe('Requests handled (service) or sent to the server (pool member), L7.'),
  responses: Responses,
  /** Bytes from clients (towards the server). */
  bytesIn: counter.describe('Bytes from clients (towards the real servers).'),
  /** Bytes to clients (from the server). */
  bytesOut: counter.describe('Bytes to clients (from the real servers).'),
  errors: ErrorsByCode,
  latency: Latency,
};

export const PoolMemberStatus = z
  .object({
    /** `<pool>/<server>`. */
    key: z.string().describe('`<pool>/<server>`.'),
    /** Real server name within the pool. */
    name: z.string().describe('Real server name within the pool.'),
    /** Health state; `disabled` when drained. */
    state: z.enum(HEALTH_STATES).describe('Health state; `disabled` when drained.'),
    /** When it entered that state. */
    since: IsoDate.describe('When it entered that state.'),
    /** Why it is down (the last failed check), when it is. */
    reason: z.string().optional().describe('Why the last check failed, when one did.'),
    /** Round trip of its last passing health check, in ms. */
    checkLatencyMs: z
      .number()
      .min(0)
      .optional()
      .describe('Round trip of its last passing health check, in ms.'),
    /** Connections (L4, tunnels) or requests (L7) in flight to it now. */
    active: counter.describe('Connections (L4, tunnels) or requests (L7) in flight to it now.'),
    ...traffic,
  })
  .strict();
export type PoolMemberStatus = z.infer<typeof PoolMemberStatus>;

export const PoolStatus = z
  .object({
    name: z.string().describe('Pool name.'),
    servers: z.array(PoolMemberStatus).describe('Its real servers.'),
  })
  .strict();
export type PoolStatus = z.infer<typeof PoolStatus>;

export const VirtualServiceStatus = z
  .object({
    name: z.string().describe('Virtual service name.'),
    protocol: z.enum(['tcp', 'http', 'https', 'redirect']).describe('Its protocol.'),
    /** Client connections open now. */
    activeConnections: counter.describe('Client connections open now.'),
    /** WebSocket tunnels open now. */
    tunnels: counter.describe('WebSocket tunnels open now.'),
    refused: Refused,
    ...traffic,
  })
  .strict();
export type VirtualServiceStatus = z.infer<typeof VirtualServiceStatus>;

export const StatsSnapshot = z
  .object({
    /** When the counters were read. */
    at: IsoDate.describe('When the counters were read.'),
    /** Every pool and its members. */
    pools: z.array(PoolStatus).describe('Every pool and its members.'),
    /** Every enabled virtual service. */
    virtualServices: z.array(VirtualServiceStatus).describe('Every enabled virtual service.'),
    /** Exceptions that reached the agent's last-resort handler since start (each is a bug). */
    unexpectedErrors: counter.describe(
      "Exceptions that reached the agent's last-resort handler since start.",
    ),
  })
  .strict();
export type StatsSnapshot = z.infer<typeof StatsSnapshot>;

export const STATS_METHODS = {
  'stats.snapshot': method({
    description:
      'The status of every pool member (health, in-flight, connections, requests, responses by class, bytes, errors by code, latency histogram) and every virtual service (the same totals, open connections and tunnels, refusals). Subscribe to `stats` for periodic snapshots.',
    params: NoParams,
    result: StatsSnapshot,
    errors: [],
  }),
};
