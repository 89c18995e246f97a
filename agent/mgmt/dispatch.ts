/**
 * Runs one validated request and turns whatever happens into the response to send: the
 * result (checked against the method's result schema, so the agent cannot drift from the
 * protocol it documents), an RpcError as itself, anything else as INTERNAL_ERROR with a log
 * reference and no detail.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ERROR_CODES } from '../../shared/protocol/codes.ts';
import {
  errorResponse,
  resultResponse,
  type ErrorResponse,
  type ResultResponse,
} from '../../shared/protocol/envelopes.ts';
import { METHODS } from '../../shared/protocol/methods.ts';
import type { ParsedRequest } from '../../shared/protocol/parse-frame-on-agent.ts';
import type { CallContext, Handlers } from './handlers.ts';
import { RpcError } from './rpc-error.ts';

export async function dispatch(
  request: ParsedRequest,
  handlers: Handlers,
  ctx: CallContext,
  log: Logger,
): Promise<ResultResponse | ErrorResponse> {
  const { id, method } = request;
  try {
    const handler = handlers[method] as (params: unknown, ctx: CallContext) => unknown;
    const result = await handler(request.params, ctx);
    const checked = METHODS[method].result.safeParse(result);
    if (checked.success) return resultResponse(id, checked.data);
    const ref = reference();
    log.error(
      { ref, method, issues: checked.error.issues.slice(0, 5) },
      'management API: a result does not match the protocol schema',
    );
    return internal(id, ref);
  } catch (err) {
    if (err instanceof RpcError) return errorResponse(id, err.code, err.message, err.data);
    const ref = reference();
    log.error({ ref, method, err }, 'management API: request failed');
    return internal(id, ref);
  }
}

function reference(): string {
  return randomBytes(4).toString('hex');
}

function internal(id: ResultResponse['id'], ref: string): ErrorResponse {
  return errorResponse(id, ERROR_CODES.INTERNAL_ERROR, `internal error (agent log reference ${ref})`, {
    ref,
  });
}
