/**
 * Wires pushed events into the react-query cache: each cached view goes through its pure
 * reducer; what a reducer cannot know (a new config revision's contents, events missed while
 * the browser's stream was down) becomes an invalidation, so only views on screen refetch.
 *
 * Events are applied in batches (use-console-events.ts collects them per frame): each view is
 * written once per batch, however many events it holds, so a fleet flapping thousands of servers
 * a second costs a render per frame, not per event.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { AgentConfigView } from '../../shared/ipc/agent-config.ts';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import type { DiscoveredAgent, FleetView } from '../../shared/ipc/fleet.ts';
import type { HealthHistory, HealthView } from '../../shared/ipc/health.ts';
import { type OperationProgress, reduceOperation } from './operations.ts';
import { queryKeys } from './query-keys.ts';
import { isNewerRevision, reduceDiscovered, reduceFleet, reduceHealth, reduceHistory } from './reducers.ts';

/** What a batch asks of the views shown, beyond the reducers: the dashboard asks again. */
export interface BatchEffects {
  /** Something the dashboard shows changed (health, an agent, a configuration). */
  dashboard: boolean;
  /** The alert list changed. */
  alerts: boolean;
}

export function applyEvents(client: QueryClient, events: readonly ConsoleEvent[]): BatchEffects {
  const effects: BatchEffects = { dashboard: false, alerts: false };
  if (events.length === 0) return effects;
  const reduced: ConsoleEvent[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'resync':
        void client.invalidateQueries();
        effects.dashboard = true;
        effects.alerts = true;
        continue;
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
        // Whether a pair's members run the same configuration (drift) may have changed.
        void client.invalidateQueries({ queryKey: queryKeys.pairs });
        // Which services use which certificate is part of the configuration.
        if (configNewer || isNewerRevision(health, event.agentId, event.revision)) {
          void client.invalidateQueries({ queryKey: queryKeys.certs });
        }
        effects.dashboard = true;
        continue;
      }
      case 'progress':
        client.setQueryData<OperationProgress>(queryKeys.operation(event.operationId), (held) =>
          reduceOperation(held, event),
        );
        continue;
      case 'alerts':
        effects.alerts = true;
        continue;
      case 'certs':
        // A renewal the agent ran by itself: the usage and renewal views are read again.
        void client.invalidateQueries({ queryKey: queryKeys.certs });
        continue;
      case 'ha':
        // A member's VRRP state: the pairs view is the main process's to assemble.
        void client.invalidateQueries({ queryKey: queryKeys.pairs });
        continue;
      case 'agent-removed':
        client.removeQueries({ queryKey: queryKeys.agent(event.agentId) });
        // Its certificates leave the fleet's usage view.
        void client.invalidateQueries({ queryKey: queryKeys.certs });
        effects.dashboard = true;
        break;
      case 'agent':
      case 'health':
        effects.dashboard = true;
        break;
      default:
        break;
    }
    reduced.push(event);
  }
  if (reduced.length === 0) return effects;
  if (reduced.some((e) => e.type === 'health')) {
    for (const [key] of client.getQueriesData<HealthHistory>({ queryKey: queryKeys.healthHistories() })) {
      client.setQueryData<HealthHistory>(key, (held) => fold(held, reduced, reduceHistory));
    }
  }
  client.setQueryData<FleetView>(queryKeys.agents(), (held) => fold(held, reduced, reduceFleet));
  client.setQueryData<DiscoveredAgent[]>(queryKeys.discovered(), (held) =>
    fold(held, reduced, reduceDiscovered),
  );
  client.setQueryData<HealthView>(queryKeys.healthSnapshot(), (held) => fold(held, reduced, reduceHealth));
  return effects;
}

/** One event at a time, as before batching: tests and callers that hold a single event. */
export function applyEvent(client: QueryClient, event: ConsoleEvent): BatchEffects {
  return applyEvents(client, [event]);
}

function fold<V>(held: V, events: readonly ConsoleEvent[], reduce: (v: V, e: ConsoleEvent) => V): V {
  let view = held;
  for (const event of events) view = reduce(view, event);
  return view;
}
