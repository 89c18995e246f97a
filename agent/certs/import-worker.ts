/**
 * The agent's certificate import worker: parses, decrypts and checks one import
 * (prepare-import.ts) off the event loop that carries every proxied connection, then exits.
 * Started by prepare-in-worker.ts; bundled beside it as import-worker.js.
 */
import { serveWorkerJob } from '../../shared/certs/worker-job.ts';
import { prepareImport } from './prepare-import.ts';
import type { ImportJob } from './prepare-in-worker.ts';

serveWorkerJob((job: ImportJob) => prepareImport(job.input, job.options));
