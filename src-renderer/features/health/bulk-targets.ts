/**
 * Which rows a bulk drain or enable reaches, and how a confirmation says it. A back end is the
 * same server everywhere it has the same address and port: one Exchange CAS appears as a member
 * of a pool on every agent of a site. Pure: no React, no DesktopApi.
 */
import type { ServerTarget } from '../../../shared/ipc/servers-enabled.ts';
import type { HealthRow } from './health-rows.ts';

export type Scope = 'site' | 'fleet';

/** Every row for the same address:port as `row`, on its site's agents or on every agent. */
export function everywhereRows(rows: readonly HealthRow[], row: HealthRow, scope: Scope): HealthRow[] {
  return rows.filter(
    (r) =>
      r.server.address === row.server.address &&
      r.server.port === row.server.port &&
      (scope === 'fleet' || r.site === row.site),
  );
}

export function targetsOf(rows: readonly HealthRow[]): ServerTarget[] {
  return rows.map((r) => ({ agentId: r.agentId, pool: r.pool, server: r.server.name }));
}

function list(items: readonly string[], most = 4): string {
  const shown = items.slice(0, most);
  const rest = items.length - shown.length;
  const head = rest > 0 ? [...shown, `${rest} more`] : shown;
  return head.length <= 1 ? (head[0] ?? '') : `${head.slice(0, -1).join(', ')} and ${head.at(-1)}`;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** "3 real servers on 2 agents (lb1 and lb2) in site east". */
export function whereText(rows: readonly HealthRow[]): string {
  const agents = [...new Map(rows.map((r) => [r.agentId, r.agentName])).values()].sort();
  const sites = [...new Set(rows.map((r) => r.site || '(no site)'))].sort();
  return `${plural(rows.length, 'real server')} on ${plural(agents.length, 'agent')} (${list(agents)}) in ${
    sites.length === 1 ? 'site' : 'sites'
  } ${list(sites)}`;
}

/** The rows an action would change, and those already as asked (nothing to do there). */
export function splitByState(
  rows: readonly HealthRow[],
  enabled: boolean,
): { change: HealthRow[]; already: HealthRow[] } {
  return {
    change: rows.filter((r) => r.server.enabled !== enabled),
    already: rows.filter((r) => r.server.enabled === enabled),
  };
}
