/** Fleet channels over FleetManager and pairing; discovery is optional (CLI, --no-discovery). */
import { ConsoleError } from '../../shared/ipc/errors.ts';
import type { FleetCore } from './types.ts';
import type { Discovery, FleetManager } from '../fleet/index.ts';
import { mapErrors } from './errors.ts';
import { agentView, discoveredView } from './views.ts';

export function createFleetCore(fleet: FleetManager, discovery: () => Discovery | undefined): FleetCore {
  const known = (agentId: string) => {
    const agent = fleet.agent(agentId);
    if (!agent) throw new ConsoleError('NOT_FOUND', `No paired agent ${agentId}.`, { agentId });
    return agent;
  };
  return {
    async list() {
      return { sites: fleet.agents().map((g) => ({ site: g.site, agents: g.agents.map(agentView) })) };
    },
    async discovered() {
      return discovery()?.list().map(discoveredView) ?? [];
    },
    pair: (params) =>
      mapErrors(async () => {
        const result = await fleet.pair({
          address: params.address,
          port: params.port,
          token: params.token,
          ...(params.advertisedFingerprint ? { advertisedFingerprint: params.advertisedFingerprint } : {}),
          ...(params.expectedFingerprint ? { expectedFingerprint: params.expectedFingerprint } : {}),
        });
        return {
          agent: agentView(known(result.agent.id)),
          info: result.info,
          fingerprint: result.fingerprint,
          refreshed: result.refreshed,
        };
      }),
    rePair: (params) =>
      mapErrors(async () => {
        known(params.agentId);
        await fleet.repair(params.agentId, {
          acceptFingerprint: params.acceptFingerprint,
          ...(params.token ? { token: params.token } : {}),
        });
        return agentView(known(params.agentId));
      }),
    async remove(agentId) {
      known(agentId);
      await fleet.remove(agentId);
    },
  };
}
