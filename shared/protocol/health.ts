/**
 * Real-server health: the snapshot (`health.snapshot`) and the wire form of each entry, which
 * is also the payload of the `health` event. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { HEALTH_STATES, type RealServerHealth } from '../model/health.ts';
import { IsoDate, method, NoParams } from './common.ts';

export const RealServerHealthWire = z
  .object({
    /** `<pool>/<server>`: unique within one agent. */
    key: z.string().describe('`<pool>/<server>`: unique within one agent.'),
    /** Pool name. */
    pool: z.string().describe('Pool name.'),
    /** Real server name within the pool. */
    server: z.string().describe('Real server name within the pool.'),
    /** up, down, disabled (drained by the admin) or unknown (not checked yet). */
    state: z
      .enum(HEALTH_STATES)
      .describe('`up`, `down`, `disabled` (drained by the admin) or `unknown` (not checked yet).'),
    /** When the server entered this state. */
    since: IsoDate.describe('When the server entered this state.'),
    /** When the last check completed. */
    lastCheck: IsoDate.optional().describe('When the last check completed.'),
    /** Why the last check failed, or why the server is in this state. */
    reason: z.string().optional().describe('Why the last check failed, or why the server is in this state.'),
    /** Round-trip time of the last passing check, in milliseconds. */
    latencyMs: z.number().min(0).optional().describe('Round-trip time of the last passing check, in ms.'),
  })
  .strict() satisfies z.ZodType<RealServerHealth>;

export const HealthSnapshotResult = z
  .object({
    /** When the snapshot was taken. */
    at: IsoDate.describe('When the snapshot was taken.'),
    /** Every real server of every pool. */
    servers: z.array(RealServerHealthWire).describe('Every real server of every pool.'),
  })
  .strict();

export const HEALTH_METHODS = {
  'health.snapshot': method({
    description:
      'Health of every real server: state, since when, last check and the reason of the last failure. Subscribe to `health` for changes.',
    params: NoParams,
    result: HealthSnapshotResult,
    errors: [],
  }),
};
