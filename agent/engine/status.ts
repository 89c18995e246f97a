/**
 * The one status (shared/protocol/stats.ts) read off the running engine: every pool member's
 * health and counters, every enabled service's totals. `stats.snapshot`, the `stats` event,
 * Prometheus and the history rollups all read this, so no counter is converted twice.
 */
import type { RealServerHealth } from '../../shared/model/health.ts';
import {
  PROXY_ERROR_CODES,
  RESPONSE_CLASSES,
  type Latency,
  type PoolMemberStatus,
  type PoolStatus,
  type StatsSnapshot,
  type VirtualServiceStatus,
} from '../../shared/protocol/stats.ts';
import type { z } from 'zod';
import { unexpectedErrors } from '../last-resort.ts';
import type { PoolRuntime } from './pool.ts';
import type { ServiceRuntime } from './service.ts';
import type { Traffic } from './traffic.ts';

export function statusOf(
  pools: Iterable<PoolRuntime>,
  services: Iterable<ServiceRuntime>,
  healthOf: (key: string) => RealServerHealth | undefined,
  now: Date,
): StatsSnapshot {
  const at = now.toISOString();
  const poolStatus: PoolStatus[] = [];
  for (const pool of pools) {
    const servers: PoolMemberStatus[] = pool.servers.map((rs) => {
      const h = healthOf(rs.key);
      return {
        key: rs.key,
        name: rs.name,
        state: h?.state ?? rs.health,
        since: h?.since ?? at,
        ...(h?.reason !== undefined && h.state !== 'up' ? { reason: h.reason } : {}),
        ...(h?.latencyMs !== undefined ? { checkLatencyMs: h.latencyMs } : {}),
        active: rs.active,
        ...countersOf(rs.traffic),
      };
    });
    poolStatus.push({ name: pool.name, servers });
  }
  const serviceStatus: VirtualServiceStatus[] = [];
  for (const svc of services) {
    const s = svc.stats;
    serviceStatus.push({
      name: svc.name,
      protocol: svc.config.protocol,
      activeConnections: s.activeConnections,
      tunnels: s.tunnels,
      refused: { ...s.refused },
      ...countersOf(s.traffic),
    });
  }
  return { at, pools: poolStatus, virtualServices: serviceStatus, unexpectedErrors: unexpectedErrors() };
}

function countersOf(t: Traffic) {
  return {
    connections: t.connections,
    requests: t.requests,
    responses: Object.fromEntries(RESPONSE_CLASSES.map((c, i) => [c, t.responses[i]!])) as Record<
      (typeof RESPONSE_CLASSES)[number],
      number
    >,
    bytesIn: t.bytesIn,
    bytesOut: t.bytesOut,
    errors: Object.fromEntries(PROXY_ERROR_CODES.map((c) => [c, t.errors[c]])) as Traffic['errors'],
    latency: { counts: [...t.latencyCounts], sumMs: t.latencySumMs } satisfies z.infer<typeof Latency>,
  };
}
