/**
 * How a channel answers: `{ result }` or `{ error }`, never a thrown error. Electron's
 * contextBridge copies a thrown Error with its message only, so a code or details would be
 * lost on the way to the renderer; a plain object crosses IPC, contextBridge and HTTP intact.
 *
 * Runtime-neutral: no Node, no DOM.
 */

/** Codes the renderer switches on. Add new ones, never rename: the web client sees them too. */
export const IPC_ERROR_CODES = {
  /** The params do not match the channel's schema; `details.problems` names each field. */
  INVALID_PARAMS: 'INVALID_PARAMS',
  /** No such channel (browser mode: the URL names none). */
  UNKNOWN_CHANNEL: 'UNKNOWN_CHANNEL',
  /** The sender is not a window of this app (Electron) or the secret is missing (browser mode). */
  FORBIDDEN: 'FORBIDDEN',
  /** The agent, inspection, template, pool, virtual service or real server does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The agent is not connected now (offline, connecting, refused us). */
  AGENT_OFFLINE: 'AGENT_OFFLINE',
  /** Pairing: no TLS connection to the address (nothing listens, wrong port, timeout). */
  UNREACHABLE: 'UNREACHABLE',
  /** The agent refused the token. */
  AUTH_FAILED: 'AUTH_FAILED',
  /** The agent presented another certificate than the expected one; the token was not sent. */
  FINGERPRINT_MISMATCH: 'FINGERPRINT_MISMATCH',
  /** Pairing an agent that is paired with another fingerprint: re-pair to accept the new one. */
  PIN_CONFLICT: 'PIN_CONFLICT',
  /** Re-pair reached a different agent (another id) than the one being re-paired. */
  AGENT_CHANGED: 'AGENT_CHANGED',
  /** `expectRevision` is stale; `details.currentRevision` says which revision runs. */
  CONFLICT: 'CONFLICT',
  /** A pool (or certificate) is still used; `details.usedBy` names the virtual services. */
  IN_USE: 'IN_USE',
  /** The agent refuses the configuration; `details.problems` lists every problem. */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** The certificate material is refused; `details` has the CertCode and the issues. */
  CERT_ERROR: 'CERT_ERROR',
  /** The template or its parameter values are refused; `details.problems` lists them. */
  TEMPLATE_INVALID: 'TEMPLATE_INVALID',
  /**
   * An HA pair's transaction did not happen, or was undone on the member that had it:
   * `details.pairCode` says why (DRIFT, REFUSED, ROLLED_BACK, HA_STATE), `details.problems`
   * lists every problem the members named ({member, path, message}).
   */
  PAIR_REFUSED: 'PAIR_REFUSED',
  /** Any other error an agent answered with; `details` carries the agent's code and data. */
  AGENT_ERROR: 'AGENT_ERROR',
  /** The agent did not answer in time; the request may or may not have run. */
  TIMEOUT: 'TIMEOUT',
  /** The transport failed (browser mode: network error, unexpected HTTP status). */
  TRANSPORT: 'TRANSPORT',
  /** Something failed inside the Console; the message names a log reference, never internals. */
  INTERNAL: 'INTERNAL',
} as const;

export type IpcErrorCode = (typeof IPC_ERROR_CODES)[keyof typeof IPC_ERROR_CODES];

export interface IpcError {
  code: IpcErrorCode;
  /** A sentence the renderer may show as it is. */
  message: string;
  /** Structured data the code documents (problems, fingerprints, revisions …). */
  details?: unknown;
}

export type Reply<T> = { result: T } | { error: IpcError };

/**
 * An error the core throws for the renderer to see: a code, a message safe to show and details.
 * Anything else a handler throws becomes INTERNAL with a log reference.
 */
export class ConsoleError extends Error {
  readonly code: IpcErrorCode;
  readonly details: unknown;

  constructor(code: IpcErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ConsoleError';
    this.code = code;
    this.details = details;
  }

  toIpcError(): IpcError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** The result, or the error thrown as a ConsoleError: what react-query's queryFn wants. */
export function unwrap<T>(reply: Reply<T>): T {
  if ('error' in reply) throw new ConsoleError(reply.error.code, reply.error.message, reply.error.details);
  return reply.result;
}

export function isIpcErrorCode(code: unknown): code is IpcErrorCode {
  return typeof code === 'string' && Object.hasOwn(IPC_ERROR_CODES, code);
}
