/**
 * What each agent runs and how its real servers are, kept current from snapshots and pushed
 * events. A real server is `pool/server` here as everywhere: it is listed once, under its
 * pool, with the services that use the pool, however many of them there are. Snapshots and
 * events can arrive in either order relative to each other (answers are awaited, events are
 * not), so every update is applied by the data, not by arrival: a config only moves to a
 * higher revision, a server's health only to a later `since`.
 */
import { poolsOf, serverKey, type AgentConfig } from '../../shared/model/config.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';

// The view shapes are the IPC contract's: one definition, the renderer sees exactly these.
export type { PoolMemberView, PoolView, VirtualServiceView } from '../../shared/ipc/health.ts';
import type { PoolView, VirtualServiceView } from '../../shared/ipc/health.ts';

const EMPTY: ReadonlyMap<string, RealServerHealth> = new Map();

interface AgentLive {
  revision?: number;
  config?: AgentConfig;
  health: Map<string, RealServerHealth>;
}

export class LiveView {
  private readonly agents = new Map<string, AgentLive>();

  revision(agentId: string): number | undefined {
    return this.agents.get(agentId)?.revision;
  }

  /** Returns false (and changes nothing) for a revision older than the one held. */
  setConfig(agentId: string, revision: number, config: AgentConfig): boolean {
    const live = this.live(agentId);
    if (live.revision !== undefined && revision < live.revision) return false;
    live.revision = revision;
    live.config = config;
    return true;
  }

  /**
   * A full snapshot: servers it does not list are gone; entries newer than it are kept. Returns
   * the entries that changed state (or entered it again) against what was held: what events
   * missed while disconnected. Servers not held before are not returned: whoever shows them
   * refetches on the new configuration anyway, and a fleet of 50,000 connecting at once must
   * not become 50,000 events.
   */
  setHealth(agentId: string, servers: readonly RealServerHealth[]): RealServerHealth[] {
    const live = this.live(agentId);
    const next = new Map<string, RealServerHealth>();
    const changed: RealServerHealth[] = [];
    for (const s of servers) {
      const held = live.health.get(s.key);
      const kept = held && isNewer(held, s) ? held : s;
      next.set(s.key, kept);
      if (held && kept === s && (held.state !== s.state || held.since !== s.since)) changed.push(s);
    }
    live.health = next;
    return changed;
  }

  /** One pushed change; returns false when it is older than what is held. */
  applyHealth(agentId: string, health: RealServerHealth): boolean {
    const live = this.live(agentId);
    const held = live.health.get(health.key);
    if (held && isNewer(held, health)) return false;
    live.health.set(health.key, health);
    return true;
  }

  health(agentId: string, key: string): RealServerHealth | undefined {
    return this.agents.get(agentId)?.health.get(key);
  }

  /** The configuration held (read-only: it is the live view's own object). */
  config(agentId: string): AgentConfig | undefined {
    return this.agents.get(agentId)?.config;
  }

  /** Every real server's health held for the agent, by `pool/server` key (read-only). */
  healthOf(agentId: string): ReadonlyMap<string, RealServerHealth> {
    return this.agents.get(agentId)?.health ?? EMPTY;
  }

  /** Every key the agent's config has: the servers history should keep. */
  keys(agentId: string): Set<string> {
    const config = this.agents.get(agentId)?.config;
    return new Set(config?.pools.flatMap((p) => p.servers.map((rs) => serverKey(p.name, rs.name))) ?? []);
  }

  /** Pools, services and real servers of the configuration held; undefined until fetched. */
  counts(agentId: string): { pools: number; virtualServices: number; realServers: number } | undefined {
    const config = this.agents.get(agentId)?.config;
    if (!config) return undefined;
    return {
      pools: config.pools.length,
      virtualServices: config.virtualServices.length,
      realServers: config.pools.reduce((n, p) => n + p.servers.length, 0),
    };
  }

  /** Each pool with its servers' live health and the services that send to it. */
  pools(agentId: string): PoolView[] {
    const live = this.agents.get(agentId);
    if (!live?.config) return [];
    // One pass over the services, not one per pool: an agent may run thousands of each.
    const usedBy = new Map<string, string[]>();
    for (const vs of live.config.virtualServices) {
      for (const name of poolsOf(vs)) usedBy.set(name, [...(usedBy.get(name) ?? []), vs.name]);
    }
    return live.config.pools.map((pool) => ({
      name: pool.name,
      usedBy: usedBy.get(pool.name) ?? [],
      servers: pool.servers.map((rs) => {
        const key = serverKey(pool.name, rs.name);
        const health = live.health.get(key);
        return {
          key,
          name: rs.name,
          address: rs.address,
          port: rs.port,
          weight: rs.weight,
          enabled: rs.enabled,
          ...(health ? { health } : {}),
        };
      }),
    }));
  }

  virtualServices(agentId: string): VirtualServiceView[] {
    const config = this.agents.get(agentId)?.config;
    return (config?.virtualServices ?? []).map((vs) => ({
      name: vs.name,
      enabled: vs.enabled,
      protocol: vs.protocol,
      listen: { address: vs.listen.address, port: vs.listen.port },
      pools: poolsOf(vs),
    }));
  }

  drop(agentId: string): void {
    this.agents.delete(agentId);
  }

  private live(agentId: string): AgentLive {
    let live = this.agents.get(agentId);
    if (!live) this.agents.set(agentId, (live = { health: new Map() }));
    return live;
  }
}

/** Whether `a` describes a later moment than `b`: a later state change, or a later check. */
function isNewer(a: RealServerHealth, b: RealServerHealth): boolean {
  const since = Date.parse(a.since) - Date.parse(b.since);
  if (since !== 0) return since > 0;
  return Date.parse(a.lastCheck ?? a.since) > Date.parse(b.lastCheck ?? b.since);
}
