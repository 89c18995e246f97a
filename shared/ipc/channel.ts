/**
 * What one channel is: the zod schema its params are validated with where they enter the main
 * process, and (as a type only) the result it answers with. Results come from our own core, so
 * they are typed, not re-validated; params come from a renderer, which is never trusted.
 *
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { IpcError } from './errors.ts';

export interface ChannelSpec<P extends z.ZodType = z.ZodType, R = unknown> {
  readonly params: P;
  /** Type-level only, never set: carries the result type for DesktopApi and the handlers. */
  readonly result?: R;
}

/** `channel<Result>()(paramsSchema)`: the result type is written, the params type inferred. */
export function channel<R>(): <P extends z.ZodType>(params: P) => ChannelSpec<P, R> {
  return (params) => ({ params });
}

/** Params of channels that take none: `api.listAgents()` sends undefined, which becomes `{}`. */
export const NoParams = z.object({}).strict().default({});

/** An agent id as the Console stores it (the agent's own id, generated at its first start). */
export const AgentId = z.string().min(1).max(128);

/** Chosen by the renderer so it can match progress events that arrive before the answer. */
export const OperationId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'an operation id is 8–64 letters, digits, "-" or "_"');

/** Fan-outs name each agent at most once; 500 agents is far beyond a real fleet. */
export const AgentIds = z
  .array(AgentId)
  .min(1)
  .max(500)
  .refine((ids) => new Set(ids).size === ids.length, 'an agent is named twice');

/**
 * One agent's outcome of a fan-out (one operation run on many agents at once): one agent's
 * failure never hides the others. The one shape for it, in the main process and the renderer
 * alike; only how a failure is told differs: `E` is the fleet's Failure inside the main
 * process (src-main/fleet/rpc-errors.ts), an IpcError once it is on its way to the renderer.
 */
export type AgentOutcome<T, E = IpcError> =
  { agentId: string; ok: true; result: T } | { agentId: string; ok: false; error: E };

/** A fan-out's answer to the renderer: the operation id its progress events carry, and every outcome. */
export interface FanOutResult<T> {
  operationId: string;
  /** One entry per agent asked, in the order asked. */
  results: AgentOutcome<T>[];
}
