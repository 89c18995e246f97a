/**
 * Per-agent progress of one fan-out operation (certificate push, template apply), built from
 * `progress` events. Events of one agent may be reordered with the operation's answer, so a
 * status only moves forward: pending → running → ok | error.
 */
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import type { IpcError } from '../../shared/ipc/errors.ts';

type ProgressEvent = Extract<ConsoleEvent, { type: 'progress' }>;

export interface AgentProgress {
  status: ProgressEvent['status'];
  message?: string;
  error?: IpcError;
}

export type OperationProgress = Record<string, AgentProgress>;

const RANK: Record<AgentProgress['status'], number> = { pending: 0, running: 1, ok: 2, error: 2 };

export function reduceOperation(
  progress: OperationProgress | undefined,
  event: ConsoleEvent,
): OperationProgress | undefined {
  if (event.type !== 'progress') return progress;
  const held = progress?.[event.agentId];
  // Same rank is accepted for running (a new message), refused once finished.
  if (held && (RANK[event.status] < RANK[held.status] || RANK[held.status] === 2)) return progress;
  const next: AgentProgress = {
    status: event.status,
    ...(event.message === undefined ? {} : { message: event.message }),
    ...(event.error === undefined ? {} : { error: event.error }),
  };
  return { ...progress, [event.agentId]: next };
}
