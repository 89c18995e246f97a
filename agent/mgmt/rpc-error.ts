/**
 * An error the client is meant to see: a protocol code, a message safe to show and the data
 * its code documents (shared/protocol/codes.ts). Anything else a handler throws is answered
 * as INTERNAL_ERROR with a log reference, never with its message or stack.
 */
import { ERROR_CODES, type ErrorCode, type ErrorCodeName } from '../../shared/protocol/codes.ts';

export class RpcError extends Error {
  readonly code: ErrorCode;
  readonly data: unknown;

  constructor(code: ErrorCodeName, message: string, data?: unknown) {
    super(message);
    this.name = 'RpcError';
    this.code = ERROR_CODES[code];
    this.data = data;
  }
}
