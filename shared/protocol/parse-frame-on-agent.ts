/**
 * Where every frame the agent receives enters (the Console's requests; parse-frame-on-console.ts
 * is the other direction): text → a validated request, or the exact JSON-RPC error to
 * answer with. Nothing reaches a handler that this did not check against the method's schema.
 *
 * Guards run before the expensive or dangerous steps: the nesting depth is measured by a
 * linear scan before JSON.parse (a deeply nested document costs JSON.parse and zod stack
 * depth, and an attacker controls it), and the length before either. Runtime-neutral.
 */
import { ERROR_CODES, type Problem } from './codes.ts';
import { errorResponse, Request, RequestId, type ErrorResponse } from './envelopes.ts';
import { isMethodName, METHODS, type MethodName, type ParamsOf } from './methods.ts';
import { describeProblem, formatPath, whereOf } from '../model/problems.ts';
import { exceedsDepth } from './frame-depth.ts';
import { MAX_FRAME_DEPTH } from './transport.ts';
import type { z } from 'zod';

/** Problems reported per error: enough to fix a document, not a megabyte of echo. */
const MAX_PROBLEMS = 50;
/** Messages and echoed names are cut here; input controls what zod's messages repeat. */
const MAX_TEXT = 200;

export interface FrameLimits {
  /** Deepest nesting of arrays/objects accepted (default MAX_FRAME_DEPTH). */
  maxDepth?: number;
  /** Longest frame in UTF-16 code units; the transport's byte limit normally comes first. */
  maxChars?: number;
}

/** A request whose params passed its method's schema, typed by method. */
export type ParsedRequest = {
  [M in MethodName]: { id: RequestId; method: M; params: ParamsOf<M> };
}[MethodName];

export type FrameResult = { ok: true; request: ParsedRequest } | { ok: false; error: ErrorResponse };

export function parseFrameOnAgent(text: string, limits: FrameLimits = {}): FrameResult {
  const maxChars = limits.maxChars ?? Infinity;
  if (text.length > maxChars) {
    return fail(null, 'INVALID_REQUEST', `frame too large (more than ${maxChars} characters)`, {
      reason: 'too large',
    });
  }
  const maxDepth = limits.maxDepth ?? MAX_FRAME_DEPTH;
  if (exceedsDepth(text, maxDepth)) {
    return fail(null, 'INVALID_REQUEST', `nesting deeper than ${maxDepth} levels`, { reason: 'too deep' });
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(null, 'PARSE_ERROR', 'parse error: the frame is not valid JSON', {
      reason: cut((err as Error).message),
    });
  }

  if (Array.isArray(json)) {
    return fail(null, 'INVALID_REQUEST', 'batch requests are not supported: send one request per frame', {
      reason: 'batch',
    });
  }
  if (typeof json !== 'object' || json === null) {
    return fail(null, 'INVALID_REQUEST', 'a request is a JSON object', { reason: 'not an object' });
  }

  // Answer with the request's id whenever it is a usable one, so the client can match the error.
  const rawId = (json as { id?: unknown }).id;
  const id = RequestId.safeParse(rawId).success ? (rawId as RequestId) : null;

  const envelope = Request.safeParse(json);
  if (!envelope.success) {
    const problems = problemsOf(envelope.error, json);
    const first = problems[0];
    const reason =
      'id' in json && id === null
        ? rawId === null
          ? 'a null id is not accepted: use a string or a safe integer'
          : `id must be a string of 1–128 characters or a safe integer`
        : !('id' in json) && 'method' in json
          ? 'notifications are not accepted: give every request an id'
          : `not a JSON-RPC 2.0 request${first ? `: ${first.path || '(request)'}: ${first.message}` : ''}`;
    return fail(id, 'INVALID_REQUEST', cut(reason), { reason: 'invalid envelope', problems });
  }

  const { method } = envelope.data;
  const requestId = envelope.data.id;
  if (!isMethodName(method)) {
    return fail(requestId, 'METHOD_NOT_FOUND', cut(`method not found: ${method}`), {
      method: method.slice(0, 100),
    });
  }

  const rawParams = envelope.data.params;
  if (
    rawParams !== undefined &&
    (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams))
  ) {
    return fail(
      requestId,
      'INVALID_PARAMS',
      'params must be an object (by name); positional params are not supported',
      {
        problems: [{ path: '', message: 'expected an object' }],
      },
    );
  }
  const params = METHODS[method].params.safeParse(rawParams ?? {});
  if (!params.success) {
    const problems = problemsOf(params.error, rawParams);
    const first = problems[0];
    // No method name in the message: it reaches admins (the data's problems say where).
    return fail(
      requestId,
      'INVALID_PARAMS',
      cut(`the request is not valid${first ? `: ${describeProblem(first)}` : ''}`),
      { problems },
    );
  }
  return { ok: true, request: { id: requestId, method, params: params.data } as ParsedRequest };
}

/** The answer to a binary frame: the protocol is JSON text. */
export function binaryFrameError(): ErrorResponse {
  return errorResponse(null, ERROR_CODES.INVALID_REQUEST, 'binary frames are not supported: send JSON text', {
    reason: 'binary frame',
  });
}

function problemsOf(error: z.ZodError, params: unknown): Problem[] {
  return error.issues.slice(0, MAX_PROBLEMS).map((issue) => ({
    path: cut(formatPath(issue.path)),
    where: cut(whereOf(issue.path, params)),
    message: cut(issue.message),
  }));
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function fail(
  id: RequestId | null,
  code: 'PARSE_ERROR' | 'INVALID_REQUEST' | 'METHOD_NOT_FOUND' | 'INVALID_PARAMS',
  message: string,
  data: unknown,
): FrameResult {
  return { ok: false, error: errorResponse(id, ERROR_CODES[code], message, data) };
}
