/**
 * The health view flattened to one row per real server (`pool/server` of an agent: a server of a
 * pool three services use is one row, naming the three), then filtered and sorted. Pure, so the
 * screen memoises each step and a test can time it with a 50,000-server fleet.
 *
 * Flattening is cached per agent object: the reducers copy only the agent an event changed, so
 * after one health event only that agent's rows are rebuilt, not the whole fleet's.
 */
import type { AgentStateKind } from '../../../shared/ipc/fleet.ts';
import type { AgentHealthView, HealthView, PoolMemberView } from '../../../shared/ipc/health.ts';
import type { HealthState } from '../../../shared/model/health.ts';

export interface HealthRow {
  /** Unique across the fleet: agent id + `<pool>/<server>`. */
  id: string;
  agentId: string;
  agentName: string;
  agentState: AgentStateKind;
  site: string;
  /** The revision drain/enable must name (expectRevision); undefined until the config is known. */
  revision?: number;
  pool: string;
  /** The virtual services that send to the pool; drain/enable reaches all of them. */
  usedBy: string[];
  server: PoolMemberView;
  state: HealthState;
  /** Lower-cased text the name filter matches: server, pool, services, address. */
  haystack: string;
}

export type StateFilter = HealthState | 'all';
export type SortKey = 'state' | 'name' | 'agent' | 'since';

export interface HealthFilters {
  site: string | null;
  agentId: string | null;
  state: StateFilter;
  text: string;
  sort: SortKey;
}

export const NO_FILTERS: HealthFilters = { site: null, agentId: null, state: 'all', text: '', sort: 'state' };

const cache = new WeakMap<AgentHealthView, HealthRow[]>();

function agentRows(site: string, agent: AgentHealthView): HealthRow[] {
  let rows = cache.get(agent);
  if (rows) return rows;
  rows = [];
  for (const pool of agent.pools) {
    const services = pool.usedBy.join(' ');
    for (const server of pool.servers) {
      rows.push({
        id: `${agent.id}|${server.key}`,
        agentId: agent.id,
        agentName: agent.name,
        agentState: agent.state.kind,
        site,
        ...(agent.revision === undefined ? {} : { revision: agent.revision }),
        pool: pool.name,
        usedBy: pool.usedBy,
        server,
        state: server.health?.state ?? 'unknown',
        haystack: `${server.key} ${services} ${server.address}:${server.port}`.toLowerCase(),
      });
    }
  }
  cache.set(agent, rows);
  return rows;
}

export function flattenHealth(view: HealthView | undefined): HealthRow[] {
  if (!view) return [];
  return view.sites.flatMap((group) => group.agents.flatMap((agent) => agentRows(group.site, agent)));
}

/** Down first: the admin opens this screen to find what is broken. */
const STATE_RANK: Record<HealthState, number> = { down: 0, unknown: 1, disabled: 2, up: 3 };
const collator = new Intl.Collator(undefined, { numeric: true });

const COMPARE: Record<SortKey, (a: HealthRow, b: HealthRow) => number> = {
  state: (a, b) => STATE_RANK[a.state] - STATE_RANK[b.state],
  name: (a, b) => collator.compare(a.server.name, b.server.name),
  agent: (a, b) => collator.compare(a.agentName, b.agentName),
  // Most recent change first: what just happened is what the admin is looking for.
  since: (a, b) => {
    const x = a.server.health?.since ?? '';
    const y = b.server.health?.since ?? '';
    // ISO strings from one clock order like their instants; no Date.parse in a 50,000-row sort.
    return x === y ? 0 : x < y ? 1 : -1;
  },
};

/** A stable order for ties, so rows do not jump when an unrelated server changes. */
const tieBreak = (a: HealthRow, b: HealthRow): number =>
  collator.compare(a.site, b.site) ||
  collator.compare(a.agentName, b.agentName) ||
  collator.compare(a.id, b.id);

export function filterAndSort(rows: HealthRow[], filters: HealthFilters): HealthRow[] {
  const text = filters.text.trim().toLowerCase();
  const kept = rows.filter(
    (row) =>
      (filters.site === null || row.site === filters.site) &&
      (filters.agentId === null || row.agentId === filters.agentId) &&
      (filters.state === 'all' || row.state === filters.state) &&
      (text === '' || row.haystack.includes(text)),
  );
  const compare = COMPARE[filters.sort];
  return kept.sort((a, b) => compare(a, b) || tieBreak(a, b));
}

/** Sites and agents the filter menus offer, from the unfiltered view. */
export function filterChoices(view: HealthView | undefined) {
  const sites = (view?.sites ?? []).map((g) => g.site);
  const agents = (view?.sites ?? []).flatMap((g) =>
    g.agents.map((a) => ({ id: a.id, name: a.name, site: g.site })),
  );
  return { sites, agents };
}
