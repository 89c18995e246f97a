/**
 * A fan-out as the renderer sees it: an operation id (the renderer's, or a new one), a
 * `progress` event per agent as it starts and finishes, and results whose errors carry IPC codes.
 */
import { randomUUID } from 'node:crypto';
import type { AgentOutcome, FanOutResult } from '../../shared/ipc/channel.ts';
import type { FleetManager } from '../fleet/index.ts';
import type { AgentClient } from '../fleet/index.ts';
import { ipcErrorOf } from './errors.ts';
import type { EventHub } from './events.ts';

export interface FanOutContext {
  fleet: FleetManager;
  events: EventHub;
}

/** `operation` gets a `step` to report what it is doing now ("importing", "binding www"). */
export type CoreOperation<T> = (
  client: AgentClient,
  agentId: string,
  step: (message: string) => void,
) => Promise<T>;

export async function fanOutWithProgress<T>(
  ctx: FanOutContext,
  agentIds: readonly string[],
  operation: CoreOperation<T>,
  operationId: string = randomUUID(),
): Promise<FanOutResult<T>> {
  const progress = (agentId: string, status: 'pending' | 'running', message?: string) =>
    ctx.events.emit({
      type: 'progress',
      operationId,
      agentId,
      status,
      ...(message === undefined ? {} : { message }),
    });
  for (const agentId of agentIds) progress(agentId, 'pending');
  const results = await ctx.fleet.fanOut(
    agentIds,
    (client, agentId) => {
      progress(agentId, 'running');
      return operation(client, agentId, (message) => progress(agentId, 'running', message));
    },
    ({ result }) => {
      if (result.ok) {
        ctx.events.emit({ type: 'progress', operationId, agentId: result.agentId, status: 'ok' });
      } else {
        const error = ipcErrorOf(result.error);
        ctx.events.emit({
          type: 'progress',
          operationId,
          agentId: result.agentId,
          status: 'error',
          message: error.message,
          error,
        });
      }
    },
  );
  return {
    operationId,
    results: results.map((r): AgentOutcome<T> =>
      r.ok ? r : { agentId: r.agentId, ok: false, error: ipcErrorOf(r.error) },
    ),
  };
}
