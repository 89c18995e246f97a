/**
 * HA pairs (`ha.*`, the `ha` event): this member's part in a pair of agents sharing virtual IPs
 * through VRRP. The pair lives in `<data-dir>/ha.json` (shared/model/ha.ts says why not in
 * config.json); the agent renders keepalived.conf from it, checks it with keepalived's own
 * config test and runs keepalived as its child. Applying one configuration to both members is
 * the Console's job (it talks to both), not the agent's.
 *
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { HA_STATES, HaPair } from '../model/ha.ts';
import { Problem } from './codes.ts';
import { IsoDate, method, NoParams } from './common.ts';

export const HaStateWire = z
  .enum(HA_STATES)
  .describe(
    '`master` (holds the virtual IPs), `backup`, `fault` (gave them up: its engine does not serve, a failover was asked for, or its interface is down) or `stopped` (keepalived does not run).',
  );

export const HaTransition = z
  .object({
    /** The pair. */
    pair: z.string().describe('The pair.'),
    /** This member. */
    member: z.string().describe('This member.'),
    /** The state before. */
    from: HaStateWire.describe('The state before.'),
    /** The state now. */
    to: HaStateWire.describe('The state now.'),
    /** When keepalived reported it. */
    at: IsoDate.describe('When keepalived reported it.'),
    /** Why, as far as the agent can tell. */
    reason: z.string().describe('Why, as far as the agent can tell.'),
  })
  .strict();
export type HaTransition = z.infer<typeof HaTransition>;

export const HaStatus = z
  .object({
    /** false: this agent is in no pair (no ha.json); the other fields describe nothing. */
    configured: z.boolean().describe('false: this agent is in no pair (no ha.json).'),
    /** The pair, its password shown as `********`. */
    pair: HaPair.optional().describe('The pair, its password shown as `********`.'),
    /** Which member this agent is. */
    self: z.string().optional().describe('Which member this agent is.'),
    /** The VRRP state now. */
    state: HaStateWire.describe('The VRRP state now.'),
    /** Since when. */
    since: IsoDate.describe('Since when.'),
    /** This member's VRRP priority (the preferred member's is higher). */
    priority: z
      .number()
      .int()
      .optional()
      .describe("This member's VRRP priority (the preferred member's is higher)."),
    /** The last change of state, and why. */
    lastTransition: HaTransition.optional().describe('The last change of state, and why.'),
    /** Changes of state since the agent started. */
    transitions: z.number().int().min(0).describe('Changes of state since the agent started.'),
    /** What the engine check answers keepalived now. */
    engine: z
      .object({
        /** true: the engine serves every enabled service. */
        serving: z.boolean().describe('true: the engine serves every enabled service.'),
        /** Why not. */
        reason: z.string().optional().describe('Why not.'),
        /** When keepalived last asked. */
        lastCheck: IsoDate.optional().describe('When keepalived last asked.'),
      })
      .strict()
      .describe('What the engine check answers keepalived now.'),
    /** The keepalived child. */
    keepalived: z
      .object({
        running: z.boolean(),
        pid: z.number().int().optional(),
        /** e.g. `2.2.7`. */
        version: z.string().optional().describe('e.g. `2.2.7`.'),
        /** Times it exited unexpectedly and was started again. */
        restarts: z.number().int().min(0).describe('Times it exited unexpectedly and was started again.'),
      })
      .strict()
      .describe('The keepalived child.'),
    /** While a failover asked for holds this member out of the election. */
    failoverUntil: IsoDate.optional().describe(
      'While a failover asked for holds this member out of the election.',
    ),
    /** What stands in the way of a working pair (a sysctl, keepalived refusing its configuration…). */
    problems: z
      .array(Problem)
      .describe(
        'What stands in the way of a working pair (a sysctl, keepalived refusing its configuration…).',
      ),
  })
  .strict();
export type HaStatus = z.infer<typeof HaStatus>;

/** An ha.json document on its way in; the agent validates it whole and lists every problem. */
export const HaDocument = z
  .record(z.string(), z.unknown())
  .describe('The pair and this member, as in `<data-dir>/ha.json` (see docs/ha.md).');

export const HaSetParams = z
  .object({
    /** The pair and which member this agent is. */
    ha: HaDocument,
  })
  .strict();

export const HaFailoverParams = z
  .object({
    /** How long this member stays out of the election (state fault) before it may be backup again. */
    holdSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(10)
      .describe(
        'How long this member stays out of the election (state fault) before it may be backup again.',
      ),
  })
  .strict();

/** `agent.info`'s summary of the pair. */
export const HaSummary = z
  .object({
    pair: z.string(),
    self: z.string(),
    state: HaStateWire,
    since: IsoDate,
  })
  .strict();
export type HaSummary = z.infer<typeof HaSummary>;

export const HA_METHODS = {
  'ha.status': method({
    description:
      "This member's part in its HA pair: the pair, the VRRP state and the last transition with its reason, what the engine check answers, keepalived, and any problem.",
    params: NoParams,
    result: HaStatus,
    errors: [],
  }),
  'ha.set': method({
    description:
      'Makes this agent a member of a pair, or changes the pair: validated, rendered to keepalived.conf and checked by `keepalived -t` (its complaints are the problems), written to ha.json, then keepalived (re)loads it.',
    params: HaSetParams,
    result: HaStatus,
    errors: ['INVALID_CONFIG'],
  }),
  'ha.clear': method({
    description:
      'Leaves the pair: keepalived stops (releasing the virtual IPs if held) and ha.json is removed.',
    params: NoParams,
    result: HaStatus,
    errors: [],
  }),
  'ha.failover': method({
    description:
      'Moves the virtual IPs away from this member on purpose (patching): it reports its engine as not serving for `holdSeconds`, so keepalived gives them up at once (priority 0) and the other member takes them. Answers once this member is no longer master. HA_STATE unless this member is master.',
    params: HaFailoverParams,
    result: HaStatus,
    errors: ['HA_STATE'],
  }),
};
