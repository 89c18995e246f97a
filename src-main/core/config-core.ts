/**
 * One agent's configuration: pools, virtual services, and drain/enable of `pool/server`. Every
 * change goes to the agent with the revision the admin edited; the agent refuses a stale one
 * (CONFLICT with currentRevision), so this never merges.
 */
import { ConsoleError } from '../../shared/ipc/errors.ts';
import type { AgentConfigCore } from './types.ts';
import type { AgentClient, FleetManager } from '../fleet/index.ts';
import { mapErrors } from './errors.ts';

export function clientOf(fleet: FleetManager, agentId: string): AgentClient {
  const client = fleet.client(agentId);
  if (!client) throw new ConsoleError('NOT_FOUND', `No paired agent ${agentId}.`, { agentId });
  return client;
}

/** All of AgentConfigCore but the bulk change, which needs the event hub (servers-enabled-core.ts). */
export function createConfigCore(fleet: FleetManager): Omit<AgentConfigCore, 'setServersEnabled'> {
  const client = (agentId: string) => clientOf(fleet, agentId);
  return {
    get: (agentId) =>
      mapErrors(async () => {
        const { revision, config } = await client(agentId).request('config.get');
        return { agentId, revision, config };
      }),
    upsertPool: ({ agentId, pool, expectRevision }) =>
      mapErrors(() => client(agentId).request('pool.upsert', { pool, expectRevision })),
    removePool: ({ agentId, name, expectRevision }) =>
      mapErrors(() => client(agentId).request('pool.remove', { name, expectRevision })),
    upsertVirtualService: ({ agentId, virtualService, expectRevision }) =>
      mapErrors(() => client(agentId).request('virtualService.upsert', { virtualService, expectRevision })),
    removeVirtualService: ({ agentId, name, expectRevision }) =>
      mapErrors(() => client(agentId).request('virtualService.remove', { name, expectRevision })),
    setRealServerEnabled: ({ agentId, pool, server, enabled, expectRevision }) =>
      mapErrors(() =>
        client(agentId).request('realServer.setEnabled', { pool, server, enabled, expectRevision }),
      ),
  };
}
