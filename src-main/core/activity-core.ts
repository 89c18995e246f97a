/**
 * The activity view's core: each agent's audit log (audit.list) merged newest first, what a
 * revision changed (config.revision of it and of the one before, diffed by shared/model's
 * config-diff, so the Console and a template preview say changes the same way) and a rollback
 * (config.rollback, which the agent audits as a new revision).
 */
import type { ActivityEntry, ActivityView, RevisionChanges } from '../../shared/ipc/activity.ts';
import { diffConfigs } from '../../shared/model/config-diff.ts';
import type { ParamsOf } from '../../shared/ipc/channels.ts';
import type { FleetManager } from '../fleet/index.ts';
import { clientOf } from './config-core.ts';
import { ipcErrorOf, mapErrors } from './errors.ts';

export interface ActivityCore {
  list(params: ParamsOf<'listActivity'>): Promise<ActivityView>;
  changes(params: ParamsOf<'revisionChanges'>): Promise<RevisionChanges>;
  rollback(params: ParamsOf<'rollbackRevision'>): Promise<{ revision: number }>;
}

export function createActivityCore(fleet: FleetManager): ActivityCore {
  return {
    async list({ agentId, limit }) {
      const agents = fleet
        .agents()
        .flatMap((g) => g.agents)
        .filter((a) => agentId === undefined || a.id === agentId);
      if (agentId !== undefined && agents.length === 0) clientOf(fleet, agentId);
      const results = await fleet.fanOut(
        agents.map((a) => a.id),
        (client) => client.request('audit.list', { limit }),
      );
      const entries: ActivityEntry[] = [];
      const unreachable: ActivityView['unreachable'] = [];
      results.forEach((r, i) => {
        const agent = agents[i]!;
        if (!r.ok) {
          unreachable.push({ agentId: agent.id, agentName: agent.name, reason: ipcErrorOf(r.error).message });
          return;
        }
        for (const entry of r.result.entries)
          entries.push({ ...entry, agentId: agent.id, agentName: agent.name, site: agent.site });
      });
      entries.sort((a, b) => b.time.localeCompare(a.time) || b.seq - a.seq);
      return { entries, unreachable };
    },

    changes: ({ agentId, revision }) =>
      mapErrors(async () => {
        const client = clientOf(fleet, agentId);
        const after = await client.request('config.revision', { revision });
        // The one before may be gone (older than the agent keeps, or from before this version).
        const before = await client
          .request('config.revision', { revision: revision - 1 })
          .catch(() => undefined);
        return before
          ? { agentId, revision, changes: diffConfigs(before.config, after.config), previousMissing: false }
          : { agentId, revision, previousMissing: true };
      }),

    rollback: ({ agentId, revision, expectRevision }) =>
      mapErrors(() => clientOf(fleet, agentId).request('config.rollback', { revision, expectRevision })),
  };
}
