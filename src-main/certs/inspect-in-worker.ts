/**
 * Runs the certificate pipeline in a worker thread so the Console's main process never blocks:
 * a PFX with a high iteration count takes a second of pure CPU to open, AIA downloads take
 * network time, and neither may freeze IPC or the window.
 */
import { runWorkerJob, workerEntry } from '../../shared/certs/worker-job.ts';
import type { InspectFile, InspectOptions, InspectResult } from './types.ts';
import type { WorkerRequest } from './worker-protocol.ts';

const WORKER = workerEntry('worker', import.meta.url);

export interface InspectInWorkerOptions extends InspectOptions {
  /** Abandons the inspection (the admin dropped other files): the worker is terminated. */
  signal?: AbortSignal;
}

export function inspectInWorker(
  files: readonly InspectFile[],
  options: InspectInWorkerOptions = {},
): Promise<InspectResult> {
  const { signal, ...rest } = options;
  const request: WorkerRequest = { files: files.map((f) => ({ name: f.name, data: f.data })), options: rest };
  return runWorkerJob<WorkerRequest, InspectResult>(WORKER, request, signal);
}
