/**
 * The health snapshot's view of one agent, by `<virtual service>/<real server>` key: the
 * configuration says what runs, the snapshot (kept live by pushed events) how it is doing.
 * Pure: no React, no DesktopApi.
 */
import type { HealthView } from '../../../shared/ipc/health.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import { findAgent } from '../../api/site-groups.ts';

export const healthKey = (virtualService: string, realServer: string): string =>
  `${virtualService}/${realServer}`;

export function healthByKey(view: HealthView | undefined, agentId: string): Map<string, RealServerHealth> {
  const byKey = new Map<string, RealServerHealth>();
  const agent = view ? findAgent(view.sites, agentId) : undefined;
  for (const vs of agent?.virtualServices ?? []) {
    for (const rs of vs.realServers) if (rs.health) byKey.set(rs.key, rs.health);
  }
  return byKey;
}
