/**
 * What each agent runs, counted from the health view (the fleet view carries the connection
 * only): virtual services, real servers, and how many of those are down.
 */
import type { HealthView } from '../../../shared/ipc/health.ts';

export interface AgentCounts {
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
      for (const vs of agent.virtualServices) {
        realServers += vs.realServers.length;
        down += vs.realServers.filter((rs) => rs.health?.state === 'down').length;
      }
      counts.set(agent.id, { virtualServices: agent.virtualServices.length, realServers, down });
    }
  }
  return counts;
}
