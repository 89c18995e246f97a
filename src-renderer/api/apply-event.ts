/**
 * Wires one pushed event into the react-query cache: each cached view goes through its pure
 * reducer; what a reducer cannot know (a new config revision's contents, events missed while
 * the browser's stream was down) becomes an invalidation, so only views on screen refetch.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { AgentConfigView } from '../../shared/ipc/agent-config.ts';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import type { DiscoveredAgent, FleetView } from '../../shared/ipc/fleet.ts';
import type { HealthHistory, HealthView } from '../../shared/ipc/health.ts';
import { type OperationProgress, reduceOperation } from './operations.ts';
import { queryKeys } from './query-keys.ts';
import { isNewerRevision, reduceDiscovered, reduceFleet, reduceHealth, reduceHistory } from './reducers.ts';

export function applyEvent(client: QueryClient, event: ConsoleEvent): void {
  switch (event.type) {
    case 'resync':
      void client.invalidateQueries();
      return;
    case 'config': {
      // Each cached view is judged by its own revision: a drain answered on the Health screen
      // moves the health view's revision on without fetching, and the Agent screen's
      // configuration must still follow.
      const config = client.getQueryData<AgentConfigView>(queryKeys.agentConfig(event.agentId));
      const configNewer = config === undefined || event.revision > config.revision;
      if (configNewer) void client.invalidateQueries({ queryKey: queryKeys.agent(event.agentId) });
      const health = client.getQueryData<HealthView>(queryKeys.healthSnapshot());
      if (isNewerRevision(health, event.agentId, event.revision)) {
        void client.invalidateQueries({ queryKey: queryKeys.healthSnapshot() });
      }
      // Which services use which certificate is part of the configuration.
      if (configNewer || isNewerRevision(health, event.agentId, event.revision)) {
        void client.invalidateQueries({ queryKey: queryKeys.certs });
      }
      return;
    }
    case 'agent-removed':
      client.removeQueries({ queryKey: queryKeys.agent(event.agentId) });
      // Its certificates leave the fleet's usage view.
      void client.invalidateQueries({ queryKey: queryKeys.certs });
      break;
    case 'progress':
      client.setQueryData<OperationProgress>(queryKeys.operation(event.operationId), (held) =>
        reduceOperation(held, event),
      );
      return;
    case 'health':
      for (const [key] of client.getQueriesData<HealthHistory>({ queryKey: queryKeys.healthHistories() })) {
        client.setQueryData<HealthHistory>(key, (held) => reduceHistory(held, event));
      }
      break;
    default:
      break;
  }
  client.setQueryData<FleetView>(queryKeys.agents(), (held) => reduceFleet(held, event));
  client.setQueryData<DiscoveredAgent[]>(queryKeys.discovered(), (held) => reduceDiscovered(held, event));
  client.setQueryData<HealthView>(queryKeys.healthSnapshot(), (held) => reduceHealth(held, event));
}
