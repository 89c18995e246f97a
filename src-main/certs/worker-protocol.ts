/** The messages between inspectInWorker and worker.ts: plain data only (structured clone). */
import type { InspectFile, InspectOptions, InspectResult } from './types.ts';

export interface WorkerRequest {
  files: InspectFile[];
  options: InspectOptions;
}

export type WorkerReply = { ok: true; result: InspectResult } | { ok: false; error: string };
