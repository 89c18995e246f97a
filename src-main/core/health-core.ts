/**
 * Health channels: FleetManager's live view and history, reshaped for IPC, and one agent's
 * status read from the agent as it is (the one status contract: nothing converted here).
 */
import type { HealthCore } from './types.ts';
import type { FleetManager } from '../fleet/index.ts';
import { clientOf } from './config-core.ts';
import { mapErrors } from './errors.ts';
import { agentView } from './views.ts';

export function createHealthCore(fleet: FleetManager): HealthCore {
  return {
    async snapshot() {
      return {
        at: new Date().toISOString(),
        sites: fleet.view().map((g) => ({
          site: g.site,
          agents: g.agents.map((a) => ({
            ...agentView(a),
            ...(a.revision === undefined ? {} : { revision: a.revision }),
            pools: a.pools,
            virtualServices: a.virtualServices,
          })),
        })),
      };
    },
    async history(agentId, key) {
      return { agentId, key, ...fleet.history(agentId, key) };
    },
    status: (agentId) =>
      mapErrors(async () => ({ agentId, ...(await clientOf(fleet, agentId).request('stats.snapshot')) })),
  };
}
