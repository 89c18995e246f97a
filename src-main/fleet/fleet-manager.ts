/**
 * The fleet as the Console sees it: one AgentClient per paired agent, their states and engines
 * grouped by site, the live view of every pool, real server (`pool/server`) and virtual service
 * (kept current from `health` and `config` events, refetched on every connect and on config
 * changes), an hour of health history per `pool/server`, pairing and re-pairing, and fan-out
 * operations with a result per agent.
 *
 * No Electron, no IPC here: the shell forwards `onChange` and calls these methods.
 */
import type { AgentOutcome } from '../../shared/ipc/channel.ts';
import type { AgentConfig } from '../../shared/model/config.ts';
import type { EngineView } from '../../shared/ipc/fleet.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { EngineSummary } from '../../shared/protocol/agent.ts';
import type { CertEvent } from '../../shared/protocol/acme.ts';
import type { ConsoleStore, KnownAgent } from '../store/console-store.ts';
import { AgentClient, type ClientTuning } from './agent-client.ts';
import type { AgentState } from './agent-state.ts';
import { fanOut, type FanOutOperation, type FanOutProgress } from './fan-out.ts';
import { Gate } from './gate.ts';
import { HealthHistory, type HealthSeries, type HistoryOptions } from './health-history.ts';
import { LiveView, type PoolView, type VirtualServiceView } from './live-view.ts';
import { pairAgent, repairAgent, type PairRequest, type PairResult, type RepairRequest } from './pairing.ts';
import type { Failure } from './rpc-errors.ts';
import type { AgentEvent } from './rpc-session.ts';

export interface AgentSummary extends KnownAgent {
  state: AgentState;
  /** portico-agent version from agent.info; undefined until the agent was reached. */
  version?: string;
  /** Its engine: kind and version from agent.info, counts from the configuration it runs. */
  engine?: EngineView;
}

export interface SiteGroup<A extends AgentSummary = AgentSummary> {
  /** '' for agents without a site. */
  site: string;
  agents: A[];
}

export interface AgentLiveView extends AgentSummary {
  /** Revision of the configuration shown; undefined until fetched. */
  revision?: number;
  pools: PoolView[];
  virtualServices: VirtualServiceView[];
}

export type FleetChange =
  /** Paired, re-paired or removed: re-read agents(). */
  | { kind: 'agents' }
  /** One agent's name, site, version or engine changed (agent.info on connect): re-read agent(id). */
  | { kind: 'agent'; agentId: string }
  | { kind: 'state'; agentId: string; state: AgentState }
  /** The agent's configuration was fetched (a new revision, or a refetch after a reconnect). */
  | { kind: 'config'; agentId: string; revision: number }
  /**
   * Configuration and health were read again (after a connect or a new revision): the live view
   * of the agent is whole; whoever derives state from it (alerts) can reconcile now.
   */
  | { kind: 'refreshed'; agentId: string }
  | { kind: 'health'; agentId: string; health: RealServerHealth }
  /**
   * A step of a certificate the agent gets from an ACME CA, the renewals it runs on its own
   * schedule included (issued and installed, failed with the CA's reason, next renewal set).
   */
  | { kind: 'cert'; agentId: string; cert: CertEvent };

export interface FleetManagerOptions {
  store: ConsoleStore;
  tuning?: Partial<ClientTuning>;
  history?: Partial<HistoryOptions>;
  pairingTimeoutMs?: number;
  /** Agents refreshed (config.get + health.snapshot) at once, fleet-wide (default 8). */
  refreshConcurrency?: number;
  random?: () => number;
  now?: () => number;
  onProblem?: (agentId: string | undefined, message: string) => void;
}

interface Entry {
  client: AgentClient;
  /** From agent.info on each connect; not persisted (an upgrade changes them). */
  version?: string;
  engine?: EngineSummary;
  refreshing: boolean;
  /** A refresh was asked for while one ran: run once more when it ends. */
  dirty: boolean;
}

export class FleetManager {
  private readonly opts: FleetManagerOptions;
  private readonly store: ConsoleStore;
  private readonly entries = new Map<string, Entry>();
  private readonly live = new LiveView();
  private readonly historyStore: HealthHistory;
  private readonly listeners = new Set<(change: FleetChange) => void>();
  private readonly refreshGate: Gate;

  constructor(opts: FleetManagerOptions) {
    this.opts = opts;
    this.store = opts.store;
    this.historyStore = new HealthHistory(opts.history, opts.now);
    this.refreshGate = new Gate(opts.refreshConcurrency ?? 8);
  }

  /** Connects to every paired agent. */
  start(): void {
    for (const agent of this.store.listAgents()) this.ensureClient(agent);
  }

  agents(): SiteGroup[] {
    return groupBySite(this.store.listAgents().map((a) => this.summary(a)));
  }

  agent(agentId: string): AgentSummary | undefined {
    const known = this.store.getAgent(agentId);
    return known && this.summary(known);
  }

  client(agentId: string): AgentClient | undefined {
    return this.entries.get(agentId)?.client;
  }

  /** Every pool (servers with health, the services using it) and service of every agent, by site. */
  view(): SiteGroup<AgentLiveView>[] {
    return groupBySite(
      this.store.listAgents().map((a) => {
        const revision = this.live.revision(a.id);
        return {
          ...this.summary(a),
          ...(revision === undefined ? {} : { revision }),
          pools: this.live.pools(a.id),
          virtualServices: this.live.virtualServices(a.id),
        };
      }),
    );
  }

  history(agentId: string, key: string): HealthSeries {
    return this.historyStore.series(agentId, key);
  }

  /** The configuration the live view holds for the agent (read-only), undefined until fetched. */
  liveConfig(agentId: string): AgentConfig | undefined {
    return this.live.config(agentId);
  }

  /** Every real server's health held for the agent, by `pool/server` key (read-only). */
  liveHealth(agentId: string): ReadonlyMap<string, RealServerHealth> {
    return this.live.healthOf(agentId);
  }

  /** Health samples held for the hour's sparklines, fleet-wide (what that history costs). */
  historySamples(): number {
    return this.historyStore.size();
  }

  fanOut<T>(
    agentIds: readonly string[],
    operation: FanOutOperation<T>,
    onProgress?: (progress: FanOutProgress<T>) => void,
  ): Promise<AgentOutcome<T, Failure>[]> {
    return fanOut(agentIds, (id) => this.client(id), operation, onProgress);
  }

  onChange(listener: (change: FleetChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async pair(req: PairRequest): Promise<PairResult> {
    const result = await pairAgent(req, { store: this.store, timeoutMs: this.opts.pairingTimeoutMs });
    const entry = this.entries.get(result.agent.id);
    if (entry) entry.client.retryNow(endpointOf(result.agent));
    else this.ensureClient(result.agent);
    this.emit({ kind: 'agents' });
    return result;
  }

  /** Accepts a changed certificate deliberately (see pairing.ts), then reconnects with the new pin. */
  async repair(agentId: string, req: RepairRequest): Promise<KnownAgent> {
    const agent = await repairAgent(agentId, req, {
      store: this.store,
      timeoutMs: this.opts.pairingTimeoutMs,
    });
    this.entries.get(agentId)?.client.retryNow(endpointOf(agent));
    this.emit({ kind: 'agents' });
    return agent;
  }

  /** After auth-failed: store the new token and connect again. */
  setToken(agentId: string, token: string): void {
    this.store.setToken(agentId, token);
    this.entries.get(agentId)?.client.retryNow();
  }

  /** Connect again now (skips a backoff wait, or retries after the agent side was fixed). */
  retry(agentId: string): void {
    this.entries.get(agentId)?.client.retryNow();
  }

  async remove(agentId: string): Promise<void> {
    const entry = this.entries.get(agentId);
    this.entries.delete(agentId);
    this.store.removeAgent(agentId);
    this.live.drop(agentId);
    this.historyStore.dropAgent(agentId);
    await entry?.client.stop();
    this.emit({ kind: 'agents' });
  }

  async close(): Promise<void> {
    const clients = [...this.entries.values()].map((e) => e.client);
    this.entries.clear();
    await Promise.all(clients.map((c) => c.stop()));
  }

  private ensureClient(agent: KnownAgent): void {
    if (this.entries.has(agent.id)) return;
    const agentId = agent.id;
    const client = new AgentClient({
      endpoint: endpointOf(agent),
      token: () => this.store.tokenOf(agentId),
      topics: ['health', 'config'],
      // Agents older than ACME refuse `cert`; they lose only that (agent-client.ts).
      optionalTopics: ['cert'],
      ...(this.opts.tuning ? { tuning: this.opts.tuning } : {}),
      ...(this.opts.random ? { random: this.opts.random } : {}),
      ...(this.opts.now ? { now: () => new Date(this.opts.now!()) } : {}),
      onProblem: (message) => this.opts.onProblem?.(agentId, message),
    });
    const entry: Entry = { client, refreshing: false, dirty: false };
    this.entries.set(agentId, entry);
    client.onState((state) => {
      // Subscribed before 'online' (AgentClient), so nothing falls between snapshot and events.
      if (state.kind === 'online') {
        void this.refresh(agentId, entry);
        void this.refreshIdentity(agentId, client);
      }
      this.emit({ kind: 'state', agentId, state });
    });
    client.onEvent((event) => this.onEvent(agentId, entry, event));
    client.start();
  }

  private onEvent(agentId: string, entry: Entry, event: AgentEvent): void {
    if (event.topic === 'health') {
      if (!this.live.applyHealth(agentId, event.data)) return;
      this.historyStore.record(agentId, event.data);
      this.emit({ kind: 'health', agentId, health: event.data });
    } else if (event.topic === 'config') {
      const held = this.live.revision(agentId);
      if (held === undefined || event.data.revision > held) void this.refresh(agentId, entry);
    } else if (event.topic === 'cert') {
      this.emit({ kind: 'cert', agentId, cert: event.data });
    }
  }

  /** config.get + health.snapshot, coalesced: at most one in flight per agent, plus one queued. */
  private async refresh(agentId: string, entry: Entry): Promise<void> {
    if (entry.refreshing) {
      entry.dirty = true;
      return;
    }
    entry.refreshing = true;
    try {
      do {
        entry.dirty = false;
        // A few agents at a time: a fleet coming online together must not hold every answer at once.
        const [config, health] = await this.refreshGate.run(() =>
          Promise.all([entry.client.request('config.get'), entry.client.request('health.snapshot')]),
        );
        if (this.entries.get(agentId) !== entry) return;
        const configChanged = this.live.setConfig(agentId, config.revision, config.config);
        // Only what changed against what was held goes out as events (what was missed while
        // disconnected); servers seen for the first time come with the new configuration.
        const changed = this.live.setHealth(agentId, health.servers);
        for (const server of health.servers) this.historyStore.record(agentId, server);
        this.historyStore.retain(agentId, this.live.keys(agentId));
        if (configChanged) this.emit({ kind: 'config', agentId, revision: config.revision });
        for (const server of changed) this.emit({ kind: 'health', agentId, health: server });
        this.emit({ kind: 'refreshed', agentId });
      } while (entry.dirty);
    } catch (err) {
      // Usually the connection dropped mid-refresh; the next 'online' refreshes again.
      this.opts.onProblem?.(agentId, `refresh failed: ${(err as Error).message}`);
    } finally {
      entry.refreshing = false;
    }
  }

  /** Name and site are the agent's to change (--name, --site); follow them, and its engine. */
  private async refreshIdentity(agentId: string, client: AgentClient): Promise<void> {
    try {
      const info = await client.request('agent.info');
      const entry = this.entries.get(agentId);
      const newVersion =
        entry !== undefined &&
        (entry.version !== info.version ||
          entry.engine?.kind !== info.engine.kind ||
          entry.engine.version !== info.engine.version);
      if (entry) {
        entry.version = info.version;
        entry.engine = info.engine;
      }
      const known = this.store.getAgent(agentId);
      const renamed = known !== undefined && (known.name !== info.name || known.site !== info.site);
      if (renamed) this.store.updateAgent(agentId, { name: info.name, site: info.site });
      // One agent changed: announcing the whole fleet would make every connect of 200 agents
      // re-read and re-send all 200 (40,000 agent events at start).
      if (renamed || newVersion) this.emit({ kind: 'agent', agentId });
    } catch (err) {
      this.opts.onProblem?.(agentId, `agent.info failed: ${(err as Error).message}`);
    }
  }

  private summary(agent: KnownAgent): AgentSummary {
    const state = this.entries.get(agent.id)?.client.state ?? {
      kind: 'stopped',
      since: new Date(0).toISOString(),
    };
    const entry = this.entries.get(agent.id);
    const engine = entry?.engine && this.engineView(agent.id, entry.engine);
    return {
      ...agent,
      state,
      ...(entry?.version === undefined ? {} : { version: entry.version }),
      ...(engine ? { engine } : {}),
    };
  }

  /** The counts of the configuration held (current with every revision), else agent.info's. */
  private engineView(agentId: string, info: EngineSummary): EngineView {
    const counts = this.live.counts(agentId) ?? {
      pools: info.pools,
      virtualServices: info.virtualServices,
      realServers: Object.values(info.realServers).reduce((a, b) => a + b, 0),
    };
    return { kind: info.kind, version: info.version, ...counts };
  }

  private emit(change: FleetChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.opts.onProblem?.(undefined, `change listener failed: ${(err as Error).message}`);
      }
    }
  }
}

function endpointOf(agent: KnownAgent) {
  return { address: agent.address, port: agent.port, fingerprint: agent.fingerprint };
}

function groupBySite<A extends AgentSummary>(agents: A[]): SiteGroup<A>[] {
  const sites = new Map<string, A[]>();
  for (const agent of agents) {
    const list = sites.get(agent.site) ?? [];
    list.push(agent);
    sites.set(agent.site, list);
  }
  return [...sites.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([site, list]) => ({ site, agents: list.sort((a, b) => a.name.localeCompare(b.name)) }));
}
