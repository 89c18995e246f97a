/**
 * Runs the certificate pipeline in a worker thread so the Console's main process never blocks:
 * a PFX with a high iteration count takes a second of pure CPU to open, AIA downloads take
 * network time, and neither may freeze IPC or the window.
 */
import { Worker } from 'node:worker_threads';
import type { InspectFile, InspectOptions, InspectResult } from './types.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

// Run from source (Node's type stripping, tests) the worker is worker.ts; built, it is worker.js.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export interface InspectInWorkerOptions extends InspectOptions {
  /** Abandons the inspection (the admin dropped other files): the worker is terminated. */
  signal?: AbortSignal;
}

export function inspectInWorker(
  files: readonly InspectFile[],
  options: InspectInWorkerOptions = {},
): Promise<InspectResult> {
  const { signal, ...rest } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const request: WorkerRequest = { files: files.map((f) => ({ name: f.name, data: f.data })), options: rest };
  const worker = new Worker(WORKER_URL, { workerData: request });
  return new Promise<InspectResult>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      action();
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: WorkerReply) =>
      settle(() => (reply.ok ? resolve(reply.result) : reject(new Error(reply.error)))),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the certificate worker stopped before answering (exit code ${code})`))),
    );
  });
}
