/**
 * Certificate store entry names across the fleet, for the certificate picker: which agents
 * hold an entry of that name. A template names the entry, and each agent renders with its own
 * store, so what matters is the name being present on every agent it is applied to.
 */
import type { CertificateUsageView } from '../../../shared/ipc/certs.ts';

export interface CertEntry {
  name: string;
  /** Agents holding an entry of this name: id → display name. */
  agents: Map<string, string>;
}

/** Entry names on any of `agentIds` (on any agent when none is chosen), sorted by name. */
export function certEntries(
  usage: CertificateUsageView | undefined,
  agentIds: readonly string[],
): CertEntry[] {
  const byName = new Map<string, CertEntry>();
  for (const cert of usage?.certificates ?? []) {
    for (const p of cert.placements) {
      const entry = byName.get(p.entry) ?? { name: p.entry, agents: new Map<string, string>() };
      entry.agents.set(p.agentId, p.agentName);
      byName.set(p.entry, entry);
    }
  }
  const chosen = new Set(agentIds);
  return [...byName.values()]
    .filter((e) => chosen.size === 0 || [...e.agents.keys()].some((id) => chosen.has(id)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** "on edge-1, edge-2" or "on edge-1; not on edge-3". */
export function coverage(
  entry: CertEntry,
  agentIds: readonly string[],
  nameOf: (id: string) => string,
): string {
  if (agentIds.length === 0) return `on ${[...entry.agents.values()].join(', ')}`;
  const on = agentIds.filter((id) => entry.agents.has(id)).map(nameOf);
  const off = agentIds.filter((id) => !entry.agents.has(id)).map(nameOf);
  return [on.length ? `on ${on.join(', ')}` : '', off.length ? `not on ${off.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
}
