/**
 * Site groups are sorted by site, agents by name within a site (as the core sends them). Events
 * insert, replace or remove one agent; these helpers keep that order and copy only the groups
 * they change, so React skips every site that did not change.
 */
import type { SiteGroup } from '../../shared/ipc/fleet.ts';

export function findAgent<T extends { id: string }>(sites: SiteGroup<T>[], id: string): T | undefined {
  for (const group of sites) {
    const agent = group.agents.find((a) => a.id === id);
    if (agent) return agent;
  }
  return undefined;
}

export function removeAgent<T extends { id: string }>(sites: SiteGroup<T>[], id: string): SiteGroup<T>[] {
  let changed = false;
  const next: SiteGroup<T>[] = [];
  for (const group of sites) {
    if (!group.agents.some((a) => a.id === id)) {
      next.push(group);
      continue;
    }
    changed = true;
    const agents = group.agents.filter((a) => a.id !== id);
    // An empty site disappears, as it would in a fresh snapshot.
    if (agents.length > 0) next.push({ ...group, agents });
  }
  return changed ? next : sites;
}

/** Insert or replace; an agent whose site changed moves to its new group. */
export function upsertAgent<T extends { id: string; site: string; name: string }>(
  sites: SiteGroup<T>[],
  agent: T,
): SiteGroup<T>[] {
  const held = findAgent(sites, agent.id);
  if (held && held.site === agent.site && held.name === agent.name) {
    return sites.map((group) =>
      group.site === agent.site
        ? { ...group, agents: group.agents.map((a) => (a.id === agent.id ? agent : a)) }
        : group,
    );
  }
  const without = removeAgent(sites, agent.id);
  const index = without.findIndex((g) => g.site === agent.site);
  if (index < 0) {
    const group: SiteGroup<T> = { site: agent.site, agents: [agent] };
    return [...without, group].sort((a, b) => a.site.localeCompare(b.site));
  }
  const next = [...without];
  const group = next[index] as SiteGroup<T>;
  next[index] = {
    ...group,
    agents: [...group.agents, agent].sort((a, b) => a.name.localeCompare(b.name)),
  };
  return next;
}

/** Replace one agent in place with `update(agent)`; the same array when nothing changed. */
export function updateAgent<T extends { id: string }>(
  sites: SiteGroup<T>[],
  id: string,
  update: (agent: T) => T,
): SiteGroup<T>[] {
  let changed = false;
  const next = sites.map((group) => {
    const i = group.agents.findIndex((a) => a.id === id);
    if (i < 0) return group;
    const agent = group.agents[i] as T;
    const updated = update(agent);
    if (updated === agent) return group;
    changed = true;
    const agents = [...group.agents];
    agents[i] = updated;
    return { ...group, agents };
  });
  return changed ? next : sites;
}
