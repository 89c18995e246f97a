/**
 * Traffic counters per virtual service and real server (`stats.snapshot` and the periodic
 * `stats` event). Counters count from agent start and survive reloads. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { HEALTH_STATES } from '../model/health.ts';
import { IsoDate, method, NoParams } from './common.ts';

const counter = z.number().int().min(0);

export const RealServerStats = z
  .object({
    /** Real server name. */
    name: z.string().describe('Real server name.'),
    /** Current health state; `disabled` when drained. */
    state: z.enum(HEALTH_STATES).describe('Current health state; `disabled` when drained.'),
    /** Connections (L4) or requests (L7) in flight now. */
    active: counter.describe('Connections (L4) or requests (L7) in flight now.'),
    /** Connections opened to it (L4). */
    connections: counter.describe('Connections opened to it (L4).'),
    /** Requests sent to it (L7). */
    requests: counter.describe('Requests sent to it (L7).'),
    /** Failed connects, resets and upstream errors. */
    errors: counter.describe('Failed connects, resets and upstream errors.'),
    /** Bytes received from it. */
    bytesIn: counter.describe('Bytes received from it.'),
    /** Bytes sent to it. */
    bytesOut: counter.describe('Bytes sent to it.'),
    /** Round-trip time of its last passing health check, in milliseconds. */
    latencyMs: z
      .number()
      .min(0)
      .optional()
      .describe('Round-trip time of its last passing health check, in ms.'),
  })
  .strict();
export type RealServerStats = z.infer<typeof RealServerStats>;

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

export const Refused = z
  .object(Object.fromEntries(REFUSALS.map((r) => [r, counter])) as Record<Refusal, typeof counter>)
  .strict()
  .describe(
    'Clients turned away, by reason: over limits.maxConnections / maxConnectionsPerSource / maxTunnels, a header, body or TLS handshake timeout, or a malformed request (400).',
  );

export const VirtualServiceStats = z
  .object({
    /** Virtual service name. */
    name: z.string().describe('Virtual service name.'),
    /** Client connections accepted. */
    connections: counter.describe('Client connections accepted.'),
    /** Client connections open now. */
    activeConnections: counter.describe('Client connections open now.'),
    /** Requests handled (L7). */
    requests: counter.describe('Requests handled (L7).'),
    /** Requests or connections that ended in an error. */
    errors: counter.describe('Requests or connections that ended in an error.'),
    /** WebSocket tunnels open now. */
    tunnels: counter.describe('WebSocket tunnels open now.'),
    /** Clients turned away, by reason. */
    refused: Refused,
    /** Its real servers, every group. */
    realServers: z.array(RealServerStats).describe('Its real servers, every group.'),
  })
  .strict();
export type VirtualServiceStats = z.infer<typeof VirtualServiceStats>;

export const StatsSnapshot = z
  .object({
    /** When the counters were read. */
    at: IsoDate.describe('When the counters were read.'),
    /** Every enabled virtual service. */
    virtualServices: z.array(VirtualServiceStats).describe('Every enabled virtual service.'),
  })
  .strict();
export type StatsSnapshot = z.infer<typeof StatsSnapshot>;

export const STATS_METHODS = {
  'stats.snapshot': method({
    description:
      'Counters per virtual service and real server: connections, requests, bytes, errors, health-check latency. Subscribe to `stats` for periodic snapshots.',
    params: NoParams,
    result: StatsSnapshot,
    errors: [],
  }),
};
