/**
 * The certificate worker's entry point: one inspection per worker, then it exits. A fresh
 * worker per drop keeps the private key's only copy in a thread that is gone afterwards
 * (unless the caller asked for the push payload), and a hostile file can at worst wedge a
 * thread the Console terminates.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { inspectCertificates } from './inspect.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread: use inspectInWorker()');

// Parsing is background work: on Linux (where a nice value is per thread) this thread yields
// the CPU to the Console's main thread, which a busy two-core machine otherwise splits evenly.
// Elsewhere setPriority would lower the whole process, the UI included, so it is left alone.
if (process.platform === 'linux') {
  try {
    setPriority(19);
  } catch {
    // Not permitted in some sandboxes: parsing still works, just at normal priority.
  }
}

const request = workerData as WorkerRequest;
inspectCertificates(request.files, request.options).then(
  (result) => port.postMessage({ ok: true, result } satisfies WorkerReply),
  (error: unknown) =>
    port.postMessage({
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    } satisfies WorkerReply),
);
