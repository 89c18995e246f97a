/**
 * The one stream of ConsoleEvents every window, browser session and CLI run subscribes to:
 * FleetManager changes translated to the renderer's event shapes, plus what the core's own
 * operations report (progress, discovery, alerts).
 *
 * Health changes are batched: the first change of a quiet moment goes out at once, then at most
 * one `health` event every `healthBatchMs` carries every change since. A fleet flapping
 * thousands of servers a second then costs each window a few messages a second (one JSON
 * serialisation, one IPC or SSE write each), not thousands.
 */
import type { ConsoleEvent, EventListener, HealthChange } from '../../shared/ipc/events.ts';
import type { FleetManager } from '../fleet/index.ts';
import { agentView } from './views.ts';

export interface EventHub {
  emit(event: ConsoleEvent): void;
  subscribe(listener: EventListener): () => void;
  /** Stops following the fleet (a pending health batch is sent first). */
  close(): void;
}

export interface EventHubOptions {
  /** Least time between two `health` events (default 100 ms). */
  healthBatchMs?: number;
}

export function createEventHub(
  fleet: FleetManager,
  onProblem: (message: string) => void,
  options: EventHubOptions = {},
): EventHub {
  const batchMs = options.healthBatchMs ?? 100;
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

  let pending: HealthChange[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastFlush = 0;
  const flush = () => {
    timer = undefined;
    lastFlush = Date.now();
    if (pending.length === 0) return;
    const changes = pending;
    pending = [];
    emit({ type: 'health', changes });
  };
  const queueHealth = (change: HealthChange) => {
    pending.push(change);
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, lastFlush + batchMs - Date.now()));
  };
  /** Other events must not overtake health changes that happened before them. */
  const emitInOrder = (event: ConsoleEvent) => {
    if (pending.length > 0) {
      clearTimeout(timer);
      flush();
    }
    emit(event);
  };

  const unfollow = fleet.onChange((change) => {
    if (change.kind === 'agents') {
      const now = fleet.agents().flatMap((g) => g.agents);
      for (const agent of now) emitInOrder({ type: 'agent', agent: agentView(agent) });
      const ids = new Set(now.map((a) => a.id));
      for (const id of known) if (!ids.has(id)) emitInOrder({ type: 'agent-removed', agentId: id });
      known = ids;
    } else if (change.kind === 'state' || change.kind === 'agent') {
      const agent = fleet.agent(change.agentId);
      if (agent) emitInOrder({ type: 'agent', agent: agentView(agent) });
    } else if (change.kind === 'config') {
      emitInOrder({ type: 'config', agentId: change.agentId, revision: change.revision });
    } else if (change.kind === 'health') {
      queueHealth({ agentId: change.agentId, server: change.health });
    }
  });
  return {
    emit: emitInOrder,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      unfollow();
      clearTimeout(timer);
      flush();
    },
  };
}
