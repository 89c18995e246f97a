/**
 * Drain or enable many real servers at once: one fan-out, one agent at a time inside it. On each
 * agent the servers change one `realServer.setEnabled` after the other, each naming the revision
 * the previous one produced, so each is its own audited revision and a change made meanwhile by
 * someone else is a CONFLICT, never overwritten. A server already in the asked state is left
 * alone (no empty revision).
 */
import type { FanOutResult } from '../../shared/ipc/channel.ts';
import { ConsoleError } from '../../shared/ipc/errors.ts';
import type { ServersEnabledOutcome, ServerTarget } from '../../shared/ipc/servers-enabled.ts';
import type { FleetManager } from '../fleet/index.ts';
import type { EventHub } from './events.ts';
import { fanOutWithProgress } from './fan-out.ts';

export interface SetServersEnabled {
  (params: {
    targets: ServerTarget[];
    enabled: boolean;
    operationId?: string | undefined;
  }): Promise<FanOutResult<ServersEnabledOutcome>>;
}

export function createSetServersEnabled(fleet: FleetManager, events: EventHub): SetServersEnabled {
  return ({ targets, enabled, operationId }) => {
    const byAgent = new Map<string, ServerTarget[]>();
    for (const t of targets) byAgent.set(t.agentId, [...(byAgent.get(t.agentId) ?? []), t]);
    return fanOutWithProgress(
      { fleet, events },
      [...byAgent.keys()],
      async (client, agentId, step) => {
        const current = await client.request('config.get');
        const { config } = current;
        let { revision } = current;
        const changed: string[] = [];
        const already: string[] = [];
        for (const t of byAgent.get(agentId)!) {
          const key = `${t.pool}/${t.server}`;
          const member = config.pools
            .find((p) => p.name === t.pool)
            ?.servers.find((s) => s.name === t.server);
          if (!member) {
            throw new ConsoleError(
              'NOT_FOUND',
              `${key} is no longer on this agent: reload and choose again.`,
              {
                key,
              },
            );
          }
          if (member.enabled === enabled) {
            already.push(key);
            continue;
          }
          step(`${enabled ? 'enabling' : 'draining'} ${key}`);
          ({ revision } = await client.request('realServer.setEnabled', {
            pool: t.pool,
            server: t.server,
            enabled,
            expectRevision: revision,
          }));
          changed.push(key);
        }
        return { changed, already, revision };
      },
      operationId,
    );
  };
}
