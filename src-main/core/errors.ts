/**
 * Fleet and agent failures → the IPC error codes the renderer switches on. One table, so the
 * app, the browser mode and the CLI say the same thing for the same failure.
 */
import { ConsoleError, IPC_ERROR_CODES, type IpcError, type IpcErrorCode } from '../../shared/ipc/errors.ts';
import { PairingError, RequestError, RpcError, toFailure, type Failure } from '../fleet/index.ts';

/** Agent protocol error names and request failure kinds (src-main/fleet/rpc-errors.ts) → IPC codes. */
const FAILURE_CODES: Readonly<Record<string, IpcErrorCode>> = {
  'not-connected': IPC_ERROR_CODES.AGENT_OFFLINE,
  closed: IPC_ERROR_CODES.AGENT_OFFLINE,
  timeout: IPC_ERROR_CODES.TIMEOUT,
  'invalid-result': IPC_ERROR_CODES.AGENT_ERROR,
  CONFLICT: IPC_ERROR_CODES.CONFLICT,
  INVALID_CONFIG: IPC_ERROR_CODES.INVALID_CONFIG,
  NOT_FOUND: IPC_ERROR_CODES.NOT_FOUND,
  IN_USE: IPC_ERROR_CODES.IN_USE,
  CERT_ERROR: IPC_ERROR_CODES.CERT_ERROR,
  TEMPLATE_INVALID: IPC_ERROR_CODES.TEMPLATE_INVALID,
  INVALID_PARAMS: IPC_ERROR_CODES.INVALID_PARAMS,
  UNAUTHORIZED: IPC_ERROR_CODES.AUTH_FAILED,
};

const PAIRING_CODES: Readonly<Record<PairingError['code'], IpcErrorCode>> = {
  UNREACHABLE: IPC_ERROR_CODES.UNREACHABLE,
  FINGERPRINT_MISMATCH: IPC_ERROR_CODES.FINGERPRINT_MISMATCH,
  UNAUTHORIZED: IPC_ERROR_CODES.AUTH_FAILED,
  PIN_CONFLICT: IPC_ERROR_CODES.PIN_CONFLICT,
  AGENT_CHANGED: IPC_ERROR_CODES.AGENT_CHANGED,
  BAD_REQUEST: IPC_ERROR_CODES.INVALID_PARAMS,
};

/** A fan-out failure (plain data) as the renderer sees it; the agent's own code stays in details. */
export function ipcErrorOf(failure: Failure): IpcError {
  const code = FAILURE_CODES[failure.code] ?? IPC_ERROR_CODES.AGENT_ERROR;
  const details =
    failure.data === undefined
      ? { agentCode: failure.code }
      : { agentCode: failure.code, ...asObject(failure.data) };
  return { code, message: failure.message, details };
}

/**
 * What an agent or pairing said → a ConsoleError. Anything else is returned as it is: a bug in
 * the Console, which dispatch reports as INTERNAL with a log reference instead of its message.
 */
export function toConsoleError(err: unknown): unknown {
  if (err instanceof PairingError) return new ConsoleError(PAIRING_CODES[err.code], err.message);
  if (err instanceof RpcError || err instanceof RequestError) {
    const ipc = ipcErrorOf(toFailure(err));
    return new ConsoleError(ipc.code, ipc.message, ipc.details);
  }
  return err;
}

/** Runs `fn`, rethrowing its failure as a ConsoleError. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toConsoleError(err);
  }
}

function asObject(data: unknown): Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : { data };
}
