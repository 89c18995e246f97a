/**
 * One operation on many agents: all run at once, each agent gets its own result, and nothing
 * one agent does (refuse, time out, throw synchronously, be offline) touches the others.
 * Results are plain data (Failure, not Error) so they cross IPC as they are.
 */
import type { AgentClient } from './agent-client.ts';
import { RequestError, toFailure, type Failure } from './rpc-errors.ts';

export type FanOutResult<T> =
  { agentId: string; ok: true; value: T } | { agentId: string; ok: false; error: Failure };

export interface FanOutProgress<T> {
  result: FanOutResult<T>;
  /** Agents finished so far, this one included. */
  completed: number;
  total: number;
}

export type FanOutOperation<T> = (client: AgentClient, agentId: string) => Promise<T>;

/** Results in the order of `agentIds` (duplicates removed); `onProgress` as each one finishes. */
export async function fanOut<T>(
  agentIds: readonly string[],
  clientOf: (agentId: string) => AgentClient | undefined,
  operation: FanOutOperation<T>,
  onProgress?: (progress: FanOutProgress<T>) => void,
): Promise<FanOutResult<T>[]> {
  const ids = [...new Set(agentIds)];
  let completed = 0;
  const runOne = async (agentId: string): Promise<FanOutResult<T>> => {
    let result: FanOutResult<T>;
    try {
      const client = clientOf(agentId);
      if (!client) throw new RequestError('not-connected', `no paired agent ${agentId}`);
      result = { agentId, ok: true, value: await operation(client, agentId) };
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
