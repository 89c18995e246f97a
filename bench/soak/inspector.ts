/**
 * The long-lived agent runs with Node's inspector on a loopback port of the kernel's choosing,
 * for one purpose: at rest, ask V8 for a full garbage collection and read process.memoryUsage().
 * Resident memory alone cannot tell a leak from a heap V8 has grown and keeps; the live heap
 * after a full collection can. Nothing else is done through it, and only between rows.
 */
import { WebSocket } from 'ws';
import type { AgentProcess } from '../../test/support/agent-process.ts';

/** For startAgentProcess's `env`. */
export const INSPECT_ENV = { NODE_OPTIONS: '--inspect=127.0.0.1:0' };

export interface LiveMemory {
  /** V8 heap in use after a full collection, MB. */
  heapUsedMB: number;
  /** Memory of Buffers and other objects outside the V8 heap, MB. */
  externalMB: number;
  rssMB: number;
}

export async function liveMemory(agent: AgentProcess): Promise<LiveMemory> {
  const url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(agent.stderr())?.[1];
  if (!url) throw new Error('the agent was not started with the inspector (INSPECT_ENV)');
  const ws = new WebSocket(url, { perMessageDeflate: false });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let next = 1;
    const call = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => reject(new Error(`inspector ${method} timed out`)), 30_000);
        const onMessage = (data: Buffer) => {
          const msg = JSON.parse(data.toString('utf8')) as { id?: number; result?: Record<string, unknown> };
          if (msg.id !== id) return;
          clearTimeout(timer);
          ws.off('message', onMessage);
          resolve(msg.result ?? {});
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, method, params }));
      });
    // Twice: objects with finalizers or weak references are freed by the second collection.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const r = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const m = JSON.parse((r.result as { value: string }).value) as NodeJS.MemoryUsage;
    return { heapUsedMB: m.heapUsed / 1e6, externalMB: m.external / 1e6, rssMB: m.rss / 1e6 };
  } finally {
    ws.close();
  }
}
