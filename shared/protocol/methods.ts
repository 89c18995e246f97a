/**
 * Every method of the protocol in one map: name → params schema, result schema, description,
 * error codes. The agent dispatches from it, the Console types its calls with it and
 * docs/protocol.md is generated from it. Runtime-neutral: zod only.
 */
import type { z } from 'zod';
import { ACME_METHODS } from './acme.ts';
import { AGENT_METHODS } from './agent.ts';
import { AUDIT_METHODS } from './audit.ts';
import { CERT_METHODS } from './cert.ts';
import { CONFIG_METHODS } from './config.ts';
import { EVENT_METHODS } from './events.ts';
import { HA_METHODS } from './ha.ts';
import { HEALTH_METHODS } from './health.ts';
import { HISTORY_METHODS } from './history.ts';
import { STATS_METHODS } from './stats.ts';
import { TEMPLATE_METHODS } from './template.ts';

export const METHODS = {
  ...AGENT_METHODS,
  ...CONFIG_METHODS,
  ...AUDIT_METHODS,
  ...CERT_METHODS,
  ...ACME_METHODS,
  ...TEMPLATE_METHODS,
  ...HEALTH_METHODS,
  ...STATS_METHODS,
  ...HISTORY_METHODS,
  ...HA_METHODS,
  ...EVENT_METHODS,
};

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
/** Params as the agent sees them after parsing (defaults filled in). */
export type ParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
/** Params as a client writes them. */
export type ParamsInput<M extends MethodName> = z.input<Methods[M]['params']>;
/** The result as a client receives it (after parsing). */
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;
/** The result as the agent may produce it (before defaults). */
export type ResultInput<M extends MethodName> = z.input<Methods[M]['result']>;

/** Own keys only: `toString` or `__proto__` must not look like methods. */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}
