/**
 * prepareImport in a worker thread. Opening a PFX is pure CPU — up to a few seconds for a
 * legacy file at the iteration cap (shared/certs/kdf-limits.ts) — and on the agent's own
 * thread it would stall every proxied connection meanwhile. Same input, same result, same
 * CertError codes as calling prepareImport directly.
 */
import { runWorkerJob, workerEntry } from '../../shared/certs/worker-job.ts';
import type { CertImportInput, CertImportOptions, PreparedImport } from './prepare-import.ts';

export interface ImportJob {
  input: CertImportInput;
  options: CertImportOptions;
}

const WORKER = workerEntry('import-worker', import.meta.url);

export function prepareImportInWorker(
  input: CertImportInput,
  options: CertImportOptions = {},
): Promise<PreparedImport> {
  // Exact copies: a Buffer can be a view into Node's shared pool, and cloning the view would
  // copy the whole pool — other requests' bytes — into the worker.
  const copy = (bytes: Uint8Array) => new Uint8Array(bytes);
  const job: ImportJob = {
    input:
      'pfx' in input
        ? { ...input, pfx: copy(input.pfx), ...(input.extra ? { extra: input.extra.map(copy) } : {}) }
        : { ...input, files: input.files.map(copy) },
    options,
  };
  return runWorkerJob<ImportJob, PreparedImport>(WORKER, job);
}
