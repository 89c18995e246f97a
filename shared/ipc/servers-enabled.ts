/**
 * Drain or enable many real servers in one action: the same back end on every agent of a site
 * or of the fleet, or the rows an admin selected on the Health screen. The renderer names each
 * `pool/server` of each agent it asked the admin about, so exactly what the confirmation said
 * changes; one agent's failure (offline, a conflict) never hides the others'.
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { Name } from '../protocol/common.ts';
import { AgentId, channel, OperationId, type FanOutResult } from './channel.ts';

export const ServerTarget = z
  .object({
    agentId: AgentId,
    pool: Name,
    /** The real server's name within the pool. */
    server: Name,
  })
  .strict();
export type ServerTarget = z.output<typeof ServerTarget>;

export const SetServersEnabledParams = z
  .object({
    /** 50,000 rows is the largest fleet the Health screen is built for. */
    targets: z
      .array(ServerTarget)
      .min(1)
      .max(50_000)
      .refine(
        (ts) => new Set(ts.map((t) => `${t.agentId}\n${t.pool}/${t.server}`)).size === ts.length,
        'a real server is named twice',
      ),
    /** false drains: no new connections, existing ones finish. */
    enabled: z.boolean(),
    operationId: OperationId.optional(),
  })
  .strict();

/** On one agent: the servers changed (already as asked ones included) and the revision now running. */
export interface ServersEnabledOutcome {
  changed: string[];
  /** `pool/server` keys already drained (or enabled): nothing to do for them. */
  already: string[];
  revision: number;
}

export const SERVERS_ENABLED_CHANNELS = {
  /** Drain or enable the named `pool/server` of each agent; a result per agent. */
  setServersEnabled: channel<FanOutResult<ServersEnabledOutcome>>()(SetServersEnabledParams),
};
