/**
 * The one stream of ConsoleEvents every window, browser session and CLI run subscribes to:
 * FleetManager changes translated to the renderer's event shapes, plus what the core's own
 * operations report (progress, discovery).
 */
import type { ConsoleEvent, EventListener } from '../../shared/ipc/events.ts';
import type { FleetManager } from '../fleet/index.ts';
import { agentView } from './views.ts';

export interface EventHub {
  emit(event: ConsoleEvent): void;
  subscribe(listener: EventListener): () => void;
  /** Stops following the fleet. */
  close(): void;
}

export function createEventHub(fleet: FleetManager, onProblem: (message: string) => void): EventHub {
  const listeners = new Set<EventListener>();
  // Ids seen in the last 'agents' change, so a removal can be announced by id.
  let known = new Set(fleet.agents().flatMap((g) => g.agents.map((a) => a.id)));
  const emit = (event: ConsoleEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        // One broken subscriber (a closed browser tab) must not starve the others.
        onProblem(`event listener failed: ${(err as Error).message}`);
      }
    }
  };
  const unfollow = fleet.onChange((change) => {
    if (change.kind === 'agents') {
      const now = fleet.agents().flatMap((g) => g.agents);
      for (const agent of now) emit({ type: 'agent', agent: agentView(agent) });
      const ids = new Set(now.map((a) => a.id));
      for (const id of known) if (!ids.has(id)) emit({ type: 'agent-removed', agentId: id });
      known = ids;
    } else if (change.kind === 'state') {
      const agent = fleet.agent(change.agentId);
      if (agent) emit({ type: 'agent', agent: agentView(agent) });
    } else if (change.kind === 'config') {
      emit({ type: 'config', agentId: change.agentId, revision: change.revision });
    } else {
      emit({ type: 'health', agentId: change.agentId, server: change.health });
    }
  });
  return {
    emit,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: unfollow,
  };
}
