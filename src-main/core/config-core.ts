/**
 * One agent's configuration. Every change goes to the agent with the revision the admin
 * edited; the agent refuses a stale one (CONFLICT with currentRevision), so this never merges.
 */
import { ConsoleError } from '../../shared/ipc/errors.ts';
import type { AgentConfigCore } from '../core-types.ts';
import type { AgentClient, FleetManager } from '../fleet/index.ts';
import { mapErrors } from './errors.ts';

export function clientOf(fleet: FleetManager, agentId: string): AgentClient {
  const client = fleet.client(agentId);
  if (!client) throw new ConsoleError('NOT_FOUND', `No paired agent ${agentId}.`, { agentId });
  return client;
}

export function createConfigCore(fleet: FleetManager): AgentConfigCore {
  return {
    get: (agentId) =>
      mapErrors(async () => {
        const { revision, config } = await clientOf(fleet, agentId).request('config.get');
        return { agentId, revision, config };
      }),
    upsertVirtualService: ({ agentId, virtualService, expectRevision }) =>
      mapErrors(() =>
        clientOf(fleet, agentId).request('virtualService.upsert', { virtualService, expectRevision }),
      ),
    setRealServerEnabled: ({ agentId, virtualService, realServer, enabled, expectRevision }) =>
      mapErrors(() =>
        clientOf(fleet, agentId).request('realServer.setEnabled', {
          virtualService,
          realServer,
          enabled,
          expectRevision,
        }),
      ),
  };
}
