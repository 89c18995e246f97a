/**
 * One handler per protocol method, each a thin translation from validated params to the
 * engine and stores. The methods live by area in methods/; this file composes them, and the
 * mapped type makes a missing or mistyped handler a compile error. Adding a method touches
 * the contract (shared/protocol) and one file in methods/.
 */
import type { Topic } from '../../shared/protocol/events.ts';
import type { MethodName, ParamsOf, ResultInput } from '../../shared/protocol/methods.ts';
import type { Actor } from '../config/audit-log.ts';
import { agentMethods } from './methods/agent.ts';
import { auditMethods } from './methods/audit.ts';
import { certMethods } from './methods/certs.ts';
import { configMethods } from './methods/config.ts';
import type { MethodContext } from './methods/context.ts';
import { eventMethods } from './methods/events.ts';
import { haMethods } from './methods/ha.ts';
import { historyMethods } from './methods/history.ts';
import { templateMethods } from './methods/templates.ts';

export interface CallContext {
  actor: Actor;
  /** The calling session's subscriptions. */
  events: {
    /** Adds topics; returns every topic the session now receives. */
    subscribe(topics: readonly Topic[]): Topic[];
    /** Removes topics (all when undefined); returns what remains. */
    unsubscribe(topics: readonly Topic[] | undefined): Topic[];
  };
}

export type Handler<M extends MethodName> = (
  params: ParamsOf<M>,
  ctx: CallContext,
) => ResultInput<M> | Promise<ResultInput<M>>;

export type Handlers = { [M in MethodName]: Handler<M> };

export function createHandlers(ctx: MethodContext): Handlers {
  return {
    ...agentMethods(ctx),
    ...configMethods(ctx),
    ...auditMethods(ctx),
    ...certMethods(ctx),
    ...templateMethods(ctx),
    ...eventMethods(),
    ...historyMethods(ctx),
    ...haMethods(ctx),
  };
}
