/**
 * Where every frame the Console receives enters (an agent's answers and events;
 * parse-frame-on-agent.ts is the other direction): an agent's frame → a result, an error or an event, each
 * checked against the shared schemas. A result's shape depends on the method the client
 * asked, which only the client knows: it checks it with `parseResult(method, result)`.
 * Runtime-neutral.
 */
import { ErrorResponse, ResultResponse, type ErrorObject, type RequestId } from './envelopes.ts';
import { EventNotification } from './events.ts';
import { METHODS, type MethodName, type ResultOf } from './methods.ts';
import { exceedsDepth } from './frame-depth.ts';
import { MAX_FRAME_DEPTH } from './transport.ts';
import { formatPath } from '../model/validate.ts';

export type AgentFrame =
  | { kind: 'result'; id: RequestId; result: unknown }
  | { kind: 'error'; id: RequestId | null; error: ErrorObject }
  | { kind: 'event'; event: EventNotification['params'] }
  /** Not a frame this protocol defines: the client should log it and may close the session. */
  | { kind: 'invalid'; reason: string };

export function parseFrameOnConsole(text: string): AgentFrame {
  if (exceedsDepth(text, MAX_FRAME_DEPTH)) {
    return { kind: 'invalid', reason: `nesting deeper than ${MAX_FRAME_DEPTH}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (typeof json === 'object' && json !== null && 'method' in json) {
    const event = EventNotification.safeParse(json);
    return event.success
      ? { kind: 'event', event: event.data.params }
      : { kind: 'invalid', reason: `bad event: ${describe(event.error)}` };
  }
  if (typeof json === 'object' && json !== null && 'error' in json) {
    const error = ErrorResponse.safeParse(json);
    return error.success
      ? { kind: 'error', id: error.data.id, error: error.data.error }
      : { kind: 'invalid', reason: `bad error response: ${describe(error.error)}` };
  }
  const result = ResultResponse.safeParse(json);
  return result.success
    ? { kind: 'result', id: result.data.id, result: result.data.result }
    : { kind: 'invalid', reason: `not a JSON-RPC response: ${describe(result.error)}` };
}

/** Checks a method's result against its schema. */
export function parseResult<M extends MethodName>(
  method: M,
  result: unknown,
): { ok: true; value: ResultOf<M> } | { ok: false; reason: string } {
  const parsed = METHODS[method].result.safeParse(result);
  return parsed.success
    ? { ok: true, value: parsed.data as ResultOf<M> }
    : { ok: false, reason: describe(parsed.error) };
}

function describe(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const first = error.issues[0];
  return first ? `${formatPath(first.path) || '(frame)'}: ${first.message}` : 'invalid';
}
