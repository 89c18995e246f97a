/**
 * A fan-out: one operation run on many agents at once, each agent with its own outcome, and
 * nothing one agent does (refuse, time out, throw synchronously, be offline) touches the others.
 * Outcomes are plain data (Failure, not Error) so they cross IPC as they are.
 */
import type { AgentOutcome } from '../../shared/ipc/channel.ts';
import type { AgentClient } from './agent-client.ts';
import { RequestError, toFailure, type Failure } from './rpc-errors.ts';

export interface FanOutProgress<T> {
  /** The outcome of the agent that just finished. */
  result: AgentOutcome<T, Failure>;
  /** Agents finished so far, this one included. */
  completed: number;
  total: number;
}

export type FanOutOperation<T> = (client: AgentClient, agentId: string) => Promise<T>;

/** Outcomes in the order of `agentIds` (duplicates removed); `onProgress` as each one finishes. */
export async function fanOut<T>(
  agentIds: readonly string[],
  clientOf: (agentId: string) => AgentClient | undefined,
  operation: FanOutOperation<T>,
  onProgress?: (progress: FanOutProgress<T>) => void,
): Promise<AgentOutcome<T, Failure>[]> {
  const ids = [...new Set(agentIds)];
  let completed = 0;
  const runOne = async (agentId: string): Promise<AgentOutcome<T, Failure>> => {
    let result: AgentOutcome<T, Failure>;
    try {
      const client = clientOf(agentId);
      if (!client) throw new RequestError('not-connected', `no paired agent ${agentId}`);
      result = { agentId, ok: true, result: await operation(client, agentId) };
    } catch (err) {
      result = { agentId, ok: false, error: toFailure(err) };
    }
    completed++;
    try {
      onProgress?.({ result, completed, total: ids.length });
    } catch {
      // A broken progress listener must not turn a success into a failure.
    }
    return result;
  };
  return Promise.all(ids.map(runOne));
}
