/**
 * Why a request to an agent failed. Each error also has a plain `{ code, message, data }` form
 * (toFailure) because fan-out results cross IPC to the renderer, where Error classes do not.
 * Messages are what an admin reads ("the agent is offline", the agent's own reason): the
 * method name is kept beside them (`method`) for logs, never put in front, where it told an
 * admin nothing ("template.apply: the configuration is not valid").
 */
import { errorCodeName } from '../../shared/protocol/codes.ts';

/** The agent answered with a JSON-RPC error (CONFLICT, INVALID_CONFIG …). */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  /** The method the agent refused (for logs). */
  readonly method: string;
  constructor(method: string, error: { code: number; message: string; data?: unknown }) {
    super(error.message);
    this.name = 'RpcError';
    this.code = error.code;
    this.data = error.data;
    this.method = method;
  }
  /** `CONFLICT`, `INVALID_CONFIG` …, or undefined for a code this Console does not know. */
  get codeName(): string | undefined {
    return errorCodeName(this.code);
  }
}

export type RequestFailureKind =
  /** No session: the agent is offline, connecting, or refused us. */
  | 'not-connected'
  /** No answer within the request timeout. */
  | 'timeout'
  /** The session closed before the answer came. */
  | 'closed'
  /** The answer does not match the method's result schema. */
  | 'invalid-result';

/** The request did not get a valid answer; it may or may not have run on the agent. */
export class RequestError extends Error {
  readonly kind: RequestFailureKind;
  /** The method asked, when there was one (for logs). */
  readonly method: string | undefined;
  constructor(kind: RequestFailureKind, message: string, method?: string) {
    super(message);
    this.name = 'RequestError';
    this.kind = kind;
    this.method = method;
  }
}

/** What a failed operation reports to the UI. */
export interface Failure {
  /** A protocol error name (`CONFLICT` …), a RequestFailureKind, or `ERROR`. */
  code: string;
  message: string;
  data?: unknown;
}

export function toFailure(err: unknown): Failure {
  if (err instanceof RpcError) {
    return { code: err.codeName ?? String(err.code), message: err.message, data: err.data };
  }
  if (err instanceof RequestError) return { code: err.kind, message: err.message };
  return { code: 'ERROR', message: err instanceof Error ? err.message : String(err) };
}
