/**
 * Real servers the fleet already balances, for the real-server picker: the Front Ends an admin
 * puts behind a template are usually servers some agent knows already. One entry per name and
 * address, saying which agents' pools hold it. Pure.
 */
import type { HealthView } from '../../../shared/ipc/health.ts';

export interface KnownServer {
  name: string;
  address: string;
  /** "lb-london-1 / owa" (agent / pool), for the option's text. */
  usedBy: string[];
}

export function knownServers(view: HealthView | undefined): KnownServer[] {
  const byKey = new Map<string, KnownServer>();
  for (const group of view?.sites ?? []) {
    for (const agent of group.agents) {
      for (const pool of agent.pools) {
        for (const server of pool.servers) {
          const key = `${server.name}\n${server.address}`;
          const known = byKey.get(key) ?? { name: server.name, address: server.address, usedBy: [] };
          const where = `${agent.name} / ${pool.name}`;
          if (!known.usedBy.includes(where)) known.usedBy.push(where);
          byKey.set(key, known);
        }
      }
    }
  }
  return [...byKey.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.address.localeCompare(b.address),
  );
}
