/**
 * What the global search finds: agents (name, site, address), virtual services (name, where
 * they listen), real servers (pool/server, address) and certificates (subject, names), each with
 * the screen that shows it; an agent's name finds what runs on it ("cas1 lb2"). Pure: no React, no DesktopApi.
 */
import type { CertificateUsageView } from '../../../shared/ipc/certs.ts';
import type { FleetView } from '../../../shared/ipc/fleet.ts';
import type { HealthView } from '../../../shared/ipc/health.ts';
import type { Route } from '../../routing/hash-route.ts';

export type HitKind = 'agent' | 'service' | 'server' | 'certificate';

export interface Hit {
  kind: HitKind;
  /** What the admin reads first. */
  label: string;
  /** Where it is. */
  detail: string;
  route: Route;
  /** Lower-cased text the query matches. */
  haystack: string;
}

export function buildIndex(
  fleet: FleetView | undefined,
  health: HealthView | undefined,
  certs: CertificateUsageView | undefined,
): Hit[] {
  const hits: Hit[] = [];
  for (const group of fleet?.sites ?? []) {
    for (const a of group.agents) {
      hits.push({
        kind: 'agent',
        label: a.name,
        detail: `agent · ${a.site || 'no site'} · ${a.address}:${a.port}`,
        route: { screen: 'agent', agentId: a.id },
        haystack: `${a.name} ${a.site} ${a.address}`.toLowerCase(),
      });
    }
  }
  for (const group of health?.sites ?? []) {
    for (const a of group.agents) {
      for (const vs of a.virtualServices) {
        const listen = `${vs.listen.address}:${vs.listen.port}`;
        hits.push({
          kind: 'service',
          label: vs.name,
          detail: `virtual service · ${vs.protocol} on ${listen} · ${a.name}`,
          route: { screen: 'agent', agentId: a.id },
          haystack: `${vs.name} ${listen} ${vs.protocol} ${a.name}`.toLowerCase(),
        });
      }
      for (const pool of a.pools) {
        for (const s of pool.servers) {
          const address = `${s.address}:${s.port}`;
          hits.push({
            kind: 'server',
            label: s.key,
            detail: `real server · ${address} · ${a.name}`,
            route: { screen: 'health', health: { agentId: a.id, text: s.key } },
            haystack: `${s.key} ${address} ${a.name}`.toLowerCase(),
          });
        }
      }
    }
  }
  for (const c of certs?.certificates ?? []) {
    const names = [...c.sans.dns, ...c.sans.ip];
    const subject = c.subject.cn ?? c.subject.dn;
    hits.push({
      kind: 'certificate',
      label: subject,
      detail: `certificate · ${c.placements.map((p) => `“${p.entry}” on ${p.agentName}`).join(', ') || 'stored nowhere'}`,
      route: { screen: 'certificates' },
      haystack:
        `${subject} ${names.join(' ')} ${c.placements.map((p) => `${p.entry} ${p.agentName}`).join(' ')}`.toLowerCase(),
    });
  }
  return hits;
}

/** Hits whose text holds every word of the query, those starting with the first word first. */
export function search(index: readonly Hit[], query: string, most = 20): Hit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const found = index.filter((h) => words.every((w) => h.haystack.includes(w)));
  const first = words[0]!;
  const starts = (h: Hit) => (h.label.toLowerCase().startsWith(first) ? 0 : 1);
  return found.sort((a, b) => starts(a) - starts(b)).slice(0, most);
}
