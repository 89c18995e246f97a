/**
 * The health snapshot's view of one agent, by `<pool>/<server>` key: the configuration says
 * what runs, the snapshot (kept live by pushed events) how it is doing. Pure: no React, no
 * DesktopApi.
 */
import type { HealthView } from '../../../shared/ipc/health.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import { findAgent } from '../../api/site-groups.ts';

export function healthByKey(view: HealthView | undefined, agentId: string): Map<string, RealServerHealth> {
  const byKey = new Map<string, RealServerHealth>();
  const agent = view ? findAgent(view.sites, agentId) : undefined;
  for (const pool of agent?.pools ?? []) {
    for (const member of pool.servers) if (member.health) byKey.set(member.key, member.health);
  }
  return byKey;
}
