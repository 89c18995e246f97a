/**
 * Builds a MetricsSnapshot from a running Engine: the counters of every enabled virtual service
 * and of each of its real servers, with the health monitor's state and last check latency.
 * The engine is only read, never changed.
 */
import type { Engine } from '../engine/engine.ts';
import { unexpectedErrors } from '../last-resort.ts';
import type { MetricsSnapshot, RealServerCounters, VirtualServiceCounters } from './snapshot.ts';

export function snapshotFromEngine(engine: Engine): MetricsSnapshot {
  const health = new Map(engine.healthSnapshot().map((h) => [h.key, h]));
  const virtualServices: VirtualServiceCounters[] = [];
  const realServers: RealServerCounters[] = [];
  for (const vs of engine.config.virtualServices) {
    // Disabled services have no runtime, so there is nothing to count.
    const svc = engine.service(vs.name);
    if (!svc) continue;
    const { requests, connections, activeConnections, errors, tunnels, refused } = svc.stats;
    virtualServices.push({
      name: svc.name,
      requests,
      connections,
      activeConnections,
      errors,
      tunnels,
      refused: { ...refused },
    });
    for (const rs of svc.servers) {
      const h = health.get(rs.key);
      realServers.push({
        virtualService: svc.name,
        realServer: rs.name,
        state: h?.state ?? rs.health,
        requests: rs.requests,
        connections: rs.connections,
        active: rs.active,
        errors: rs.errors,
        bytesIn: rs.bytesIn,
        bytesOut: rs.bytesOut,
        ...(h?.latencyMs !== undefined ? { latencyMs: h.latencyMs } : {}),
      });
    }
  }
  return { virtualServices, realServers, unexpectedErrors: unexpectedErrors() };
}
