/**
 * The agent's status (its one status contract, stats.snapshot) by what the Agent screen shows:
 * pool members by `pool/server` key, services by name, and the few figures a card has room for.
 * Pure: no React, no DesktopApi.
 */
import type { AgentStatus } from '../../../shared/ipc/health.ts';
import type { PoolMemberStatus, VirtualServiceStatus } from '../../../shared/protocol/stats.ts';

export interface LiveStatus {
  members: Map<string, PoolMemberStatus>;
  services: Map<string, VirtualServiceStatus>;
}

export const NO_STATUS: LiveStatus = { members: new Map(), services: new Map() };

export function liveStatus(status: AgentStatus | undefined): LiveStatus {
  if (!status) return NO_STATUS;
  return {
    members: new Map(status.pools.flatMap((pool) => pool.servers.map((m) => [m.key, m] as const))),
    services: new Map(status.virtualServices.map((vs) => [vs.name, vs])),
  };
}

const count = (n: number) => n.toLocaleString('en');
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** A member's failures: every error code counted together (the Health screen says why it is down). */
export function errorsOf(member: PoolMemberStatus): number {
  return sum(member.errors);
}

/** "12 open connections, 4,100 requests (3 5xx), 2 refused". */
export function serviceTrafficText(vs: VirtualServiceStatus): string {
  const parts = [
    `${count(vs.activeConnections)} open connection${vs.activeConnections === 1 ? '' : 's'}`,
    vs.protocol === 'tcp'
      ? `${count(vs.connections)} connections`
      : `${count(vs.requests)} requests (${count(vs.responses['5xx'])} 5xx)`,
  ];
  const refused = sum(vs.refused);
  if (refused > 0) parts.push(`${count(refused)} refused`);
  return parts.join(', ');
}

export { count as countText };
