/**
 * JSON-RPC 2.0 envelopes: one message union per direction.
 *
 *   client → agent: Request (always with an id: every request is answered)
 *   agent → client: ResultResponse | ErrorResponse | EventNotification
 *
 * Deliberate narrowings of JSON-RPC 2.0, each answered with INVALID_REQUEST so a client learns
 * why: no batches (one message per frame keeps back-pressure and maxPayload per request), no
 * client notifications and no `null` id (every request gets an answer it can correlate), ids
 * are short strings or safe integers, params are by name (an object) or omitted.
 */
import { z } from 'zod';
import type { ErrorCode } from './codes.ts';

export const JSONRPC_VERSION = '2.0';

/** Longest string id accepted: a UUID fits many times over; a megabyte does not. */
export const MAX_ID_LENGTH = 128;

export const RequestId = z
  .union([
    z.string().min(1).max(MAX_ID_LENGTH),
    z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  ])
  .describe(`A string of 1–${MAX_ID_LENGTH} characters or a safe integer; echoed in the answer.`);
export type RequestId = z.infer<typeof RequestId>;

/** A request as it enters: the params are checked afterwards against the method's schema. */
export const Request = z
  .object({
    jsonrpc: z.literal(JSONRPC_VERSION),
    id: RequestId,
    method: z.string().min(1).max(100),
    /** By-name parameters; omitted = `{}`. */
    params: z.unknown().optional(),
  })
  .strict();
export type Request = z.infer<typeof Request>;

/** client → agent. */
export const ClientMessage = Request;
export type ClientMessage = Request;

export const ErrorObject = z
  .object({
    code: z.number().int(),
    message: z.string(),
    data: z.unknown().optional(),
  })
  .strict();
export type ErrorObject = z.infer<typeof ErrorObject>;

export const ResultResponse = z
  .object({ jsonrpc: z.literal(JSONRPC_VERSION), id: RequestId, result: z.unknown() })
  .strict();
export type ResultResponse = z.infer<typeof ResultResponse>;

/** `id` is null when the request's id could not be read (bad JSON, invalid id). */
export const ErrorResponse = z
  .object({ jsonrpc: z.literal(JSONRPC_VERSION), id: RequestId.nullable(), error: ErrorObject })
  .strict();
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** The one notification the agent sends: `event`, with a topic and its payload (see events.ts). */
export const EVENT_METHOD = 'event';
export const Notification = z
  .object({
    jsonrpc: z.literal(JSONRPC_VERSION),
    method: z.literal(EVENT_METHOD),
    params: z.object({ topic: z.string(), data: z.unknown() }).strict(),
  })
  .strict();
export type Notification = z.infer<typeof Notification>;

/** agent → client. A Console tells them apart by `method` (notification) and `error`. */
export const AgentMessage = z.union([ResultResponse, ErrorResponse, Notification]);
export type AgentMessage = z.infer<typeof AgentMessage>;

export function resultResponse(id: RequestId, result: unknown): ResultResponse {
  return { jsonrpc: JSONRPC_VERSION, id, result };
}

export function errorResponse(
  id: RequestId | null,
  code: ErrorCode,
  message: string,
  data?: unknown,
): ErrorResponse {
  return {
    jsonrpc: JSONRPC_VERSION,
    id,
    error: data === undefined ? { code, message } : { code, message, data },
  };
}
