/**
 * What each agent runs, counted from the health view (live: it follows every configuration
 * revision and health event): pools, virtual services, real servers (`pool/server`, each once
 * however many services use its pool), and how many of those are down.
 */
import type { HealthView } from '../../../shared/ipc/health.ts';

export interface AgentCounts {
  pools: number;
  virtualServices: number;
  realServers: number;
  down: number;
}

export function countByAgent(view: HealthView | undefined): Map<string, AgentCounts> {
  const counts = new Map<string, AgentCounts>();
  for (const group of view?.sites ?? []) {
    for (const agent of group.agents) {
      let realServers = 0;
      let down = 0;
      for (const pool of agent.pools) {
        realServers += pool.servers.length;
        down += pool.servers.filter((rs) => rs.health?.state === 'down').length;
      }
      counts.set(agent.id, {
        pools: agent.pools.length,
        virtualServices: agent.virtualServices.length,
        realServers,
        down,
      });
    }
  }
  return counts;
}
