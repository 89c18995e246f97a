/**
 * Pure reducers that apply one pushed ConsoleEvent to one cached view (headlamp's
 * useKubeObjectList does the same with watch events). Each returns the SAME object when the
 * event does not change the view (unrelated, or stale), so setQueryData notifies nobody.
 *
 * Staleness: a snapshot fetched after an event may already contain it, and an event may be
 * older than the snapshot it lands on. So health moves only to a later `since` (or, at the same
 * `since`, a later check), an agent's state only to a later `since`, and a revision only up.
 * `undefined` in → `undefined` out: nothing cached, nothing to update (the next fetch has it).
 */
import type { ConsoleEvent, HealthChange } from '../../shared/ipc/events.ts';
import type { AgentView, DiscoveredAgent, FleetView } from '../../shared/ipc/fleet.ts';
import type {
  AgentHealthView,
  HealthHistory,
  HealthView,
  PoolMemberView,
  PoolView,
} from '../../shared/ipc/health.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import { isoCompare } from './compare.ts';
import { findAgent, removeAgent, updateAgent, upsertAgent } from './site-groups.ts';

/** Whether `incoming` describes an earlier moment than `held` (and must be ignored). */
export function isStaleHealth(held: RealServerHealth | undefined, incoming: RealServerHealth): boolean {
  if (!held) return false;
  const since = isoCompare(incoming.since, held.since);
  if (since !== 0) return since < 0;
  return isoCompare(incoming.lastCheck ?? incoming.since, held.lastCheck ?? held.since) < 0;
}

function isStaleAgent(held: AgentView | undefined, incoming: AgentView): boolean {
  return held !== undefined && isoCompare(incoming.state.since, held.state.since) < 0;
}

export function reduceFleet(view: FleetView | undefined, event: ConsoleEvent): FleetView | undefined {
  if (!view) return view;
  switch (event.type) {
    case 'agent': {
      if (isStaleAgent(findAgent(view.sites, event.agent.id), event.agent)) return view;
      return { sites: upsertAgent(view.sites, event.agent) };
    }
    case 'agent-removed': {
      const sites = removeAgent(view.sites, event.agentId);
      return sites === view.sites ? view : { sites };
    }
    default:
      return view;
  }
}

export function reduceDiscovered(
  list: DiscoveredAgent[] | undefined,
  event: ConsoleEvent,
): DiscoveredAgent[] | undefined {
  // The whole list travels in each event (it is short): replace, even when nothing was cached,
  // so the Pair list is current the moment it opens.
  return event.type === 'discovered' ? event.agents : list;
}

export function reduceHealth(view: HealthView | undefined, event: ConsoleEvent): HealthView | undefined {
  if (!view) return view;
  let sites = view.sites;
  switch (event.type) {
    case 'agent': {
      const held = findAgent(sites, event.agent.id);
      if (isStaleAgent(held, event.agent)) return view;
      // The agent view replaces the connection fields; what it runs stays until a refetch.
      const merged: AgentHealthView = held
        ? { ...held, ...event.agent }
        : { ...event.agent, pools: [], virtualServices: [] };
      sites = upsertAgent(sites, merged);
      break;
    }
    case 'agent-removed':
      sites = removeAgent(sites, event.agentId);
      break;
    case 'health':
      // One copy of an agent per batch, however many of its servers changed.
      for (const [agentId, servers] of byAgent(event.changes)) {
        sites = updateAgent(sites, agentId, (agent) => servers.reduce(applyServerHealth, agent));
      }
      break;
    default:
      return view;
  }
  return sites === view.sites ? view : { ...view, sites };
}

function byAgent(changes: readonly HealthChange[]): Map<string, RealServerHealth[]> {
  const map = new Map<string, RealServerHealth[]>();
  for (const { agentId, server } of changes) {
    const list = map.get(agentId);
    if (list) list.push(server);
    else map.set(agentId, [server]);
  }
  return map;
}

function applyServerHealth(agent: AgentHealthView, server: RealServerHealth): AgentHealthView {
  const pools = updateMember(agent.pools, server.key, (member) =>
    isStaleHealth(member.health, server) ? member : { ...member, health: server },
  );
  return pools === agent.pools ? agent : { ...agent, pools };
}

/**
 * The pools with one member (by `pool/server` key) replaced by `update(member)`; the same
 * array (and the same pool objects) when it returns the member unchanged or no member has the key.
 */
function updateMember(
  pools: PoolView[],
  key: string,
  update: (member: PoolMemberView) => PoolMemberView,
): PoolView[] {
  const slash = key.indexOf('/');
  const poolName = key.slice(0, slash);
  const i = pools.findIndex((p) => p.name === poolName);
  const pool = pools[i];
  if (!pool) return pools;
  const j = pool.servers.findIndex((m) => m.key === key);
  const member = pool.servers[j];
  if (!member) return pools;
  const updated = update(member);
  if (updated === member) return pools;
  const servers = [...pool.servers];
  servers[j] = updated;
  const next = [...pools];
  next[i] = { ...pool, servers };
  return next;
}

/**
 * Drain/enable answered with a revision: reflect it now rather than refetching 50,000 servers.
 * The key is `pool/server`: one member, whichever services use its pool.
 */
export function reduceRealServerEnabled(
  view: HealthView | undefined,
  change: { agentId: string; key: string; enabled: boolean; revision: number },
): HealthView | undefined {
  if (!view) return view;
  const sites = updateAgent(view.sites, change.agentId, (agent) => {
    if (agent.revision !== undefined && change.revision < agent.revision) return agent;
    const pools = updateMember(agent.pools, change.key, (member) =>
      member.enabled === change.enabled ? member : { ...member, enabled: change.enabled },
    );
    return { ...agent, revision: change.revision, pools };
  });
  return sites === view.sites ? view : { ...view, sites };
}

/** State changes of the server the history is of: appended, unless not newer. */
export function reduceHistory(
  history: HealthHistory | undefined,
  event: ConsoleEvent,
): HealthHistory | undefined {
  if (!history || event.type !== 'health') return history;
  let samples = history.samples;
  for (const { agentId, server } of event.changes) {
    if (agentId !== history.agentId || server.key !== history.key) continue;
    const last = samples.at(-1) ?? history.baseline;
    // A later check in the same state is not a new sample: samples mark state changes.
    if (last && isoCompare(server.since, last.at) <= 0) continue;
    const { since, state, reason } = server;
    samples = [...samples, { at: since, state, ...(reason === undefined ? {} : { reason }) }];
  }
  return samples === history.samples ? history : { ...history, samples };
}

/** Whether a `config` event announces a revision newer than the one the health view shows. */
export function isNewerRevision(view: HealthView | undefined, agentId: string, revision: number): boolean {
  const held = view ? findAgent(view.sites, agentId)?.revision : undefined;
  return held === undefined || revision > held;
}
