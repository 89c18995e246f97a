import { describe, expect, it } from 'vitest';
import type { AgentClient } from './agent-client.ts';
import { fanOut, type FanOutProgress } from './fan-out.ts';
import { RpcError } from './rpc-errors.ts';

// The operations here never touch the client: the fan-out's own guarantees are under test.
// fleet-manager.test.ts runs fan-out over real agents, one of them down.
const client = {} as AgentClient;

describe('fanOut', () => {
  it('gives every agent its own result: a throw, a rejection or an unknown agent stops nobody', async () => {
    const progress: FanOutProgress<string>[] = [];
    const results = await fanOut<string>(
      ['a', 'b', 'c', 'd', 'a', 'ghost'],
      (id) => (id === 'ghost' ? undefined : client),
      (_client, id) => {
        if (id === 'b') throw new Error('synchronous bug');
        if (id === 'c')
          return Promise.reject(
            new RpcError('config.apply', { code: -32002, message: 'conflict', data: { currentRevision: 7 } }),
          );
        return new Promise((resolve) => setTimeout(() => resolve(`done ${id}`), id === 'a' ? 30 : 1));
      },
      (p) => {
        progress.push(p);
        if (p.result.agentId === 'd') throw new Error('a broken progress listener');
      },
    );
    expect(results).toEqual([
      { agentId: 'a', ok: true, result: 'done a' },
      { agentId: 'b', ok: false, error: { code: 'ERROR', message: 'synchronous bug' } },
      {
        agentId: 'c',
        ok: false,
        error: { code: 'CONFLICT', message: 'conflict', data: { currentRevision: 7 } },
      },
      { agentId: 'd', ok: true, result: 'done d' },
      { agentId: 'ghost', ok: false, error: { code: 'not-connected', message: 'no paired agent ghost' } },
    ]);
    expect(progress.map((p) => p.completed)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.every((p) => p.total === 5)).toBe(true);
    // The slow one finishes last.
    expect(progress.at(-1)!.result.agentId).toBe('a');
  });
});
