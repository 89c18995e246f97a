/**
 * A fetched view meeting the cache. The events and the fetch travel separately (IPC or SSE
 * for events, an invoke or a POST for the fetch), so an answer computed before an event can
 * arrive after it. Replacing the cache with it would put back what the event changed: an
 * agent shown "connecting" forever, a server shown up after it went down. Per agent and per
 * server, the later `since` wins, as in the reducers (reducers.ts) for the other direction.
 *
 * react-query runs these on every write of the query (structuralSharing), the reducers' too:
 * an agent object the write did not replace is passed through untouched, so a health event
 * costs one agent's servers, not the fleet's.
 */
import type { AgentView, FleetView, SiteGroup } from '../../shared/ipc/fleet.ts';
import type { AgentHealthView, HealthView } from '../../shared/ipc/health.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import { isoCompare } from './compare.ts';
import { isStaleHealth } from './reducers.ts';

/** Each fetched agent that the cache also holds (as another object) goes through `merge`. */
function mergeAgents<T extends AgentView, V extends { sites: SiteGroup<T>[] }>(
  held: V | undefined,
  fetched: V,
  merge: (held: T, fetched: T) => T,
): V {
  const heldById = new Map<string, T>();
  for (const group of held?.sites ?? []) for (const agent of group.agents) heldById.set(agent.id, agent);
  if (heldById.size === 0) return fetched;
  return {
    ...fetched,
    sites: fetched.sites.map((group) => ({
      ...group,
      agents: group.agents.map((agent) => {
        const h = heldById.get(agent.id);
        return h && h !== agent ? merge(h, agent) : agent;
      }),
    })),
  };
}

const newerState = (held: AgentView, fetched: AgentView) =>
  isoCompare(held.state.since, fetched.state.since) > 0;

export function mergeFetchedFleet(held: FleetView | undefined, fetched: FleetView): FleetView {
  // Site and name come from the fetch: the groups were built from them.
  return mergeAgents(held, fetched, (h, agent) =>
    newerState(h, agent) ? { ...agent, state: h.state } : agent,
  );
}

export function mergeFetchedHealth(held: HealthView | undefined, fetched: HealthView): HealthView {
  // Same `at`: not a new snapshot but a reducer's write (they keep it), already merged.
  if (held && fetched.at === held.at) return fetched;
  return mergeAgents(held, fetched, mergeAgent);
}

function mergeAgent(held: AgentHealthView, fetched: AgentHealthView): AgentHealthView {
  const heldHealth = new Map<string, RealServerHealth>();
  for (const pool of held.pools) {
    for (const member of pool.servers) if (member.health) heldHealth.set(member.key, member.health);
  }
  // New objects only where the held health wins; everything else stays as fetched.
  let changed = false;
  const pools = fetched.pools.map((pool) => {
    let poolChanged = false;
    const servers = pool.servers.map((member) => {
      const h = heldHealth.get(member.key);
      if (!h || !member.health || h === member.health || !isStaleHealth(h, member.health)) return member;
      poolChanged = true;
      return { ...member, health: h };
    });
    if (!poolChanged) return pool;
    changed = true;
    return { ...pool, servers };
  });
  const keepState = newerState(held, fetched);
  if (!changed && !keepState) return fetched;
  return { ...fetched, ...(keepState ? { state: held.state } : {}), pools };
}
