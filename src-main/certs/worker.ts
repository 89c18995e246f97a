/**
 * The Console's certificate worker: one inspection per worker, then it exits (the thread's
 * lifecycle, priority and error transport are shared/certs/worker-job.ts). Unless the caller
 * asked for the push payload, the private key never leaves this thread.
 */
import { serveWorkerJob } from '../../shared/certs/worker-job.ts';
import { inspectCertificates } from './inspect.ts';
import type { WorkerRequest } from './worker-protocol.ts';

serveWorkerJob((request: WorkerRequest) => inspectCertificates(request.files, request.options));
