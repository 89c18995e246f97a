/** What inspectInWorker hands worker.ts: plain data only (structured clone). */
import type { InspectFile, InspectOptions } from './types.ts';

export interface WorkerRequest {
  files: InspectFile[];
  options: InspectOptions;
}
