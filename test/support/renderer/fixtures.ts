/** Small, readable views for tests; every field a screen reads is set explicitly. */
import type {
  AgentConnectionState,
  AgentView,
  DiscoveredAgent,
  FleetView,
} from '../../../shared/ipc/fleet.ts';
import type { AgentHealthView, HealthView, PoolMemberView } from '../../../shared/ipc/health.ts';
import type { HealthState } from '../../../shared/model/health.ts';
import { upsertAgent } from '../../../src-renderer/api/site-groups.ts';

export const T0 = '2025-01-01T10:00:00.000Z';
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

export const FP_A = Array.from({ length: 32 }, () => 'AA').join(':');
export const FP_B = Array.from({ length: 32 }, () => 'BB').join(':');

export function agent(id: string, site: string, state: AgentConnectionState = online()): AgentView {
  return {
    id,
    name: id,
    site,
    address: `${id}.example.test`,
    port: 7443,
    fingerprint: FP_A,
    pairedAt: T0,
    pinnedAt: T0,
    state,
  };
}

export const online = (since = T0): AgentConnectionState => ({ kind: 'online', since });

export function fleet(...agents: AgentView[]): FleetView {
  return { sites: agents.reduce((sites, a) => upsertAgent(sites, a), [] as FleetView['sites']) };
}

/** A real server of `pool` in the health view, keyed `pool/name` as the agent keys it. */
export function server(
  pool: string,
  name: string,
  state: HealthState,
  since = T0,
  reason?: string,
): PoolMemberView {
  const key = `${pool}/${name}`;
  return {
    key,
    name,
    address: '10.0.0.1',
    port: 443,
    weight: 1,
    enabled: state !== 'disabled',
    health: { key, pool, server: name, state, since, ...(reason ? { reason } : {}) },
  };
}

/**
 * An agent running `pools`; `services` says which pools each virtual service sends to (by
 * default one https service per pool, named like it), and each pool's usedBy follows from it.
 */
export function healthAgent(
  base: AgentView,
  pools: Record<string, PoolMemberView[]>,
  revision = 1,
  services: Record<string, string[]> = Object.fromEntries(Object.keys(pools).map((p) => [p, [p]])),
) {
  const view: AgentHealthView = {
    ...base,
    revision,
    pools: Object.entries(pools).map(([name, servers]) => ({
      name,
      usedBy: Object.entries(services)
        .filter(([, used]) => used.includes(name))
        .map(([service]) => service),
      servers,
    })),
    virtualServices: Object.entries(services).map(([name, used]) => ({
      name,
      enabled: true,
      protocol: 'https',
      listen: { address: '0.0.0.0', port: 443 },
      pools: used,
    })),
  };
  return view;
}

export function health(...agents: AgentHealthView[]): HealthView {
  return { at: T0, sites: agents.reduce((sites, a) => upsertAgent(sites, a), [] as HealthView['sites']) };
}

export function discovered(id: string, overrides: Partial<DiscoveredAgent> = {}): DiscoveredAgent {
  return {
    id,
    name: id,
    site: 'lab',
    version: '0.1.0',
    fingerprint: FP_B,
    host: `${id}.local`,
    port: 7443,
    addresses: ['192.0.2.10'],
    paired: false,
    fingerprintDiffers: false,
    ...overrides,
  };
}
