/**
 * `agent.info`: who the agent is and what it runs.
 *
 * Fields carry JSDoc for editors and `.describe()` for docs/protocol.md (generated from these
 * schemas); keep the two sentences the same. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { IsoDate, method, NoParams, Revision } from './common.ts';
import { HaSummary } from './ha.ts';

/** Version of this protocol; raised only for changes an older Console cannot handle. */
/** 2: config version 2 (pools), servers named pool/server, the one status contract. */
export const PROTOCOL_VERSION = 2;

const count = z.number().int().min(0);

export const EngineSummary = z
  .object({
    /** Which engine carries the traffic: builtin (Portico's Node data plane), haproxy, simulated. */
    kind: z
      .enum(['builtin', 'haproxy', 'simulated'])
      .describe("Which engine carries the traffic: `builtin` (Portico's own), `haproxy`, `simulated`."),
    /** What runs the traffic and its version, e.g. `HAProxy 2.6.12`. */
    version: z.string().describe('What runs the traffic and its version, e.g. `HAProxy 2.6.12`.'),
    /** Pools in the configuration. */
    pools: count.describe('Pools in the configuration.'),
    /** Virtual services in the configuration. */
    virtualServices: count.describe('Virtual services in the configuration.'),
    /** Enabled virtual services with a bound listener. */
    listening: count.describe('Enabled virtual services with a bound listener.'),
    /** Real servers of every pool, counted per health state. */
    realServers: z
      .object({ up: count, down: count, disabled: count, unknown: count })
      .strict()
      .describe('Real servers of every pool, counted per health state.'),
  })
  .strict();
export type EngineSummary = z.infer<typeof EngineSummary>;

export const AgentInfo = z
  .object({
    /** Stable agent id, generated at first start. */
    id: z.string().describe('Stable agent id, generated at first start.'),
    /** Display name (--name). */
    name: z.string().describe('Display name (--name).'),
    /** Site (--site), for grouping in the Console. */
    site: z.string().describe('Site (--site), for grouping in the Console.'),
    /** portico-agent version. */
    version: z.string().describe('portico-agent version.'),
    /** Protocol version the agent speaks (PROTOCOL_VERSION). */
    protocolVersion: z.number().int().describe('Protocol version the agent speaks.'),
    /** SHA-256 of the identity certificate, colon-separated hex: what the Console pins. */
    fingerprint: z
      .string()
      .describe('SHA-256 of the identity certificate, colon-separated hex: what the Console pins.'),
    /** When the agent process started. */
    startedAt: IsoDate.describe('When the agent process started.'),
    /** Seconds since start. */
    uptimeSeconds: z.number().min(0).describe('Seconds since start.'),
    /** Revision of the running configuration. */
    revision: Revision,
    /** What the engine runs right now. */
    engine: EngineSummary.describe('What the engine runs right now.'),
    /** The HA pair this agent is a member of, and its VRRP state; absent when in none. */
    ha: HaSummary.optional().describe(
      'The HA pair this agent is a member of, and its VRRP state; absent when in none.',
    ),
  })
  .strict();
export type AgentInfo = z.infer<typeof AgentInfo>;

export const AGENT_METHODS = {
  'agent.info': method({
    description: "The agent's identity, version, uptime and a summary of what its engine runs.",
    params: NoParams,
    result: AgentInfo,
    errors: [],
  }),
};
