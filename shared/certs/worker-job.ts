/**
 * Certificate work in a worker thread, one job per thread: opening a PFX is pure CPU (up to
 * the caps in kdf-limits.ts, seconds for a legacy file at the cap), and neither the Console's
 * main process nor the agent's event loop — which carries every proxied connection — may
 * stall for it. A fresh thread per job keeps a private key's only copy in a thread that is
 * gone afterwards, and a hostile file can at worst busy a thread the caller terminates.
 *
 * The caller names an entry file that calls serveWorkerJob(); requests and results cross as
 * plain data (structured clone). A CertError comes back as a CertError with its code and
 * issues, so callers switch on codes exactly as when the work ran on their own thread.
 */
import { setPriority } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { CERT_CODES, CertError, type CertCode } from './errors.ts';
import type { CertIssue } from './summary-types.ts';

/** What a worker answers; the Console's bundle test reads it too. */
export type WorkerReply<T> = { ok: true; result: T } | { ok: false; error: WorkerFailure };

export interface WorkerFailure {
  message: string;
  /** Set when the job threw a CertError. */
  code?: CertCode;
  issues?: CertIssue[];
}

/**
 * The URL of the worker entry `name` beside the calling module: run from source (Node's type
 * stripping, tests) it is `name.ts`; bundled, `name.js` in the same directory — the build
 * scripts emit each worker entry under its source file's name next to its loader.
 */
export function workerEntry(name: string, callerUrl: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}

/** Runs `request` in a new worker started from `entry`; the worker is terminated once settled. */
export function runWorkerJob<Request, Result>(
  entry: URL,
  request: Request,
  signal?: AbortSignal,
): Promise<Result> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const worker = new Worker(entry, { workerData: request });
  return new Promise<Result>((resolve, reject) => {
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
    worker.once('message', (reply: WorkerReply<Result>) =>
      settle(() => (reply.ok ? resolve(reply.result) : reject(revive(reply.error)))),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the certificate worker stopped before answering (exit code ${code})`))),
    );
  });
}

/** The worker side: runs `job` on workerData once and posts the reply. */
export function serveWorkerJob<Request, Result>(job: (request: Request) => Result | Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error('a certificate worker entry runs as a worker thread: use runWorkerJob()');
  lowerPriority();
  const post = (reply: WorkerReply<Result>) => port.postMessage(reply);
  Promise.resolve()
    .then(() => job(workerData as Request))
    .then(
      (result) => post({ ok: true, result }),
      (error: unknown) => post({ ok: false, error: failure(error) }),
    );
}

/**
 * Parsing is background work: on Linux, where a nice value is per thread, this thread yields
 * the CPU to the main thread, which a busy two-core machine otherwise splits evenly with it.
 * Elsewhere setPriority would lower the whole process — the proxy or the UI — so it is left.
 */
function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(19);
  } catch {
    // Not permitted in some sandboxes: the job still runs, at normal priority.
  }
}

function failure(error: unknown): WorkerFailure {
  if (error instanceof CertError) return { message: error.message, code: error.code, issues: error.issues };
  return { message: error instanceof Error ? error.message : String(error) };
}

function revive(failure: WorkerFailure): Error {
  if (failure.code !== undefined && Object.hasOwn(CERT_CODES, failure.code)) {
    return new CertError(failure.code, failure.message, failure.issues ? { issues: failure.issues } : {});
  }
  return new Error(failure.message);
}
