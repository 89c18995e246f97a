/**
 * The wire stats snapshot, from the same engine reading the Prometheus endpoint uses
 * (agent/metrics snapshotFromEngine), so both report the same numbers; here regrouped per
 * virtual service and stamped with the time.
 */
import type { Engine } from '../engine/engine.ts';
import { snapshotFromEngine } from '../metrics/from-engine.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';

export function statsFromEngine(engine: Engine, now: Date = new Date()): StatsSnapshot {
  const { virtualServices, realServers } = snapshotFromEngine(engine);
  const byService = new Map<string, StatsSnapshot['virtualServices'][number]['realServers']>();
  for (const { virtualService, realServer, latencyMs, ...counters } of realServers) {
    let list = byService.get(virtualService);
    if (!list) byService.set(virtualService, (list = []));
    list.push({ name: realServer, ...counters, ...(latencyMs === undefined ? {} : { latencyMs }) });
  }
  return {
    at: now.toISOString(),
    virtualServices: virtualServices.map((vs) => ({ ...vs, realServers: byService.get(vs.name) ?? [] })),
  };
}
