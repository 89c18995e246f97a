/**
 * The built-in engine: turns a validated AgentConfig into pools, listeners, service runtimes
 * and health checks, and applies a new config as a diff. Apply is all-or-nothing: everything
 * that can fail (certificate look-ups, binding new ports) happens before anything running is
 * touched, and a failure leaves the running engine exactly as it was.
 *
 * Health changes are published to whoever subscribes (events, logs, metrics): the engine
 * knows nothing of the management plane.
 */
import type { Logger } from 'pino';
import type { AgentConfig, Pool, VirtualService } from '../../shared/model/config.ts';
import { deepEqual } from '../../shared/model/deep-equal.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';
import { HealthMonitor, type HealthTarget } from '../health/monitor.ts';
import { HttpListener } from './http/listener.ts';
import type { BaseListener } from './listener.ts';
import { PoolRuntime } from './pool.ts';
import type { RealServerRuntime, UpstreamSettings } from './real-server.ts';
import { ServiceRuntime } from './service.ts';
import { statusOf } from './status.ts';
import { TcpListener } from './tcp/listener.ts';
import { loadCaBundle, tlsOptionsFor, type CertificateSource, type ListenerTlsContext } from './tls.ts';
import type { ChallengeResponder } from '../engines/challenges.ts';
import { takenByOthers } from '../engines/address-owner.ts';
import { ApplyError, type ApplySummary, type DataPlane } from '../engines/data-plane.ts';
import { VERSION } from '../version.ts';

export { ApplyError, type ApplySummary } from '../engines/data-plane.ts';

export interface EngineOptions {
  log: Logger;
  /** Where certificates and CA bundles named in the config come from. */
  certs?: CertificateSource;
  /** How long removed listeners may finish their work before they are cut (default 30 s). */
  drainMs?: number;
  /** HTTP-01 answers to serve on http and redirect services (agent/acme fills them). */
  challenges?: ChallengeResponder;
}

interface ListenerSlot {
  listener: BaseListener;
  settings: string;
  tls?: ListenerTlsContext;
}

type HealthListener = (health: RealServerHealth) => void;

const EMPTY: AgentConfig = { version: 2, pools: [], virtualServices: [] };

export class Engine implements DataPlane {
  readonly kind = 'builtin';
  readonly version = `portico ${VERSION}`;
  private readonly log: Logger;
  private readonly opts: EngineOptions;
  private pools = new Map<string, PoolRuntime>();
  private services = new Map<string, ServiceRuntime>();
  private listeners = new Map<string, ListenerSlot>();
  private servers = new Map<string, RealServerRuntime>();
  private readonly health: HealthMonitor;
  private readonly healthListeners = new Set<HealthListener>();
  private current: AgentConfig = EMPTY;

  constructor(opts: EngineOptions) {
    this.opts = opts;
    this.log = opts.log;
    this.health = new HealthMonitor({
      onChange: (h, previous) => {
        const rs = this.servers.get(h.key);
        if (rs) rs.health = h.state;
        const line = { pool: h.pool, server: h.server, state: h.state, previous, reason: h.reason };
        if (h.state === 'down') this.log.warn(line, 'real server down');
        else this.log.info(line, 'real server health');
        for (const listener of this.healthListeners) {
          try {
            listener(h);
          } catch (err) {
            this.log.error({ err: (err as Error).message }, 'health subscriber failed');
          }
        }
      },
    });
  }

  /** Every real-server health change from now on; returns the way to stop. */
  onHealth(listener: HealthListener): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  get config(): AgentConfig {
    return this.current;
  }

  /**
   * Everything about a config the engine can check without touching what runs: certificate and
   * CA names resolve, key material loads, no other process listens on a new address:port.
   * (Whether a port can finally be bound is only known by binding.)
   */
  async check(config: AgentConfig): Promise<ConfigProblem[]> {
    const { problems } = this.prepare(config);
    return [...problems, ...(await this.takenByOthers(config))];
  }

  /** Addresses another process listens on (SO_REUSEPORT would share them silently). */
  private takenByOthers(config: AgentConfig): Promise<ConfigProblem[]> {
    return takenByOthers(config, (at) => this.listeners.has(`${at.address}:${at.port}`));
  }

  private prepare(config: AgentConfig) {
    const problems: ConfigProblem[] = [];
    const upstreams = new Map<string, UpstreamSettings>();
    const tlsContexts = new Map<string, ListenerTlsContext>();
    config.pools.forEach((pool, i) => {
      try {
        upstreams.set(pool.name, upstreamFor(pool, this.opts.certs));
      } catch (err) {
        problems.push({ path: `pools[${i}].reencrypt`, message: (err as Error).message });
      }
    });
    config.virtualServices.forEach((vs, i) => {
      if (!vs.enabled || vs.protocol !== 'https') return;
      try {
        tlsContexts.set(vs.name, tlsOptionsFor(vs.tls, this.opts.certs));
      } catch (err) {
        problems.push({ path: `virtualServices[${i}].tls`, message: (err as Error).message });
      }
    });
    return { problems, upstreams, tlsContexts };
  }

  async apply(config: AgentConfig): Promise<ApplySummary> {
    const enabled = config.virtualServices.filter((vs) => vs.enabled);
    const { problems, upstreams, tlsContexts } = this.prepare(config);
    if (problems.length) throw new ApplyError(problems);
    const taken = await this.takenByOthers(config);
    if (taken.length) throw new ApplyError(taken);

    // Build the new runtimes; servers whose identity is unchanged are taken over.
    const saved = [...this.servers.values()].map(
      (rs) => [rs, rs.weight, rs.enabled, rs.maxConnections] as const,
    );
    const reuse = new Map(this.servers);
    const pools = new Map<string, PoolRuntime>();
    for (const pool of config.pools) {
      pools.set(
        pool.name,
        new PoolRuntime(pool, upstreams.get(pool.name)!, reuse, this.pools.get(pool.name)),
      );
    }
    const next = new Map<string, ServiceRuntime>();
    for (const vs of enabled) {
      const previous = this.services.get(vs.name);
      next.set(vs.name, new ServiceRuntime(vs, pools, previous, this.opts.challenges));
    }

    // Bind what needs a new server object; on any failure close those and restore.
    const keyOf = (vs: VirtualService) => `${vs.listen.address}:${vs.listen.port}`;
    const fresh = new Map<string, ListenerSlot>();
    try {
      for (const vs of enabled) {
        const svc = next.get(vs.name)!;
        const key = keyOf(vs);
        const settings = settingsOf(svc);
        const slot = this.listeners.get(key);
        const tls = tlsContexts.get(vs.name);
        if (slot && slot.settings === settings) continue;
        const listener =
          vs.protocol === 'tcp'
            ? new TcpListener(svc, this.log)
            : new HttpListener(svc, this.log, tls?.options);
        fresh.set(key, { listener, settings, ...(tls ? { tls } : {}) });
        await listener.listen();
      }
    } catch (err) {
      for (const [rs, weight, enabledNow, max] of saved)
        Object.assign(rs, { weight, enabled: enabledNow, maxConnections: max });
      await Promise.all([...fresh.values()].map((s) => s.listener.close(0)));
      const e = err as NodeJS.ErrnoException;
      throw new ApplyError([
        {
          path: 'virtualServices',
          message: `cannot listen: ${e.code === 'EADDRINUSE' ? 'the address is already in use' : e.message} (${e.code ?? 'error'})`,
        },
      ]);
    }

    // Commit: nothing below can fail.
    const summary: ApplySummary = { added: [], changed: [], removed: [], unchanged: [] };
    const wanted = new Set(enabled.map(keyOf));
    const retiring: BaseListener[] = [];
    for (const vs of enabled) {
      const key = keyOf(vs);
      const svc = next.get(vs.name)!;
      const old = this.services.get(vs.name);
      const replacement = fresh.get(key);
      const slot = this.listeners.get(key);
      if (replacement) {
        if (slot) retiring.push(slot.listener);
        this.listeners.set(key, replacement);
      } else if (slot) {
        slot.listener.service = svc;
        const tls = tlsContexts.get(vs.name);
        if (tls && slot.tls && slot.listener instanceof HttpListener) {
          slot.tls.selector.adopt(tls.selector);
          // Clients without SNI get the server's default context.
          (slot.listener.server as import('node:https').Server).setSecureContext(tls.options);
        }
      }
      if (!old) summary.added.push(vs.name);
      else if (deepEqual(old.config, vs)) summary.unchanged.push(vs.name);
      else summary.changed.push(vs.name);
    }
    for (const [key, slot] of this.listeners) {
      if (!wanted.has(key)) {
        retiring.push(slot.listener);
        this.listeners.delete(key);
      }
    }
    for (const name of this.services.keys()) if (!next.has(name)) summary.removed.push(name);
    for (const [name, old] of this.pools) old.retire(pools.get(name));
    this.pools = pools;
    this.services = next;
    this.servers = new Map();
    for (const pool of pools.values()) for (const rs of pool.servers) this.servers.set(rs.key, rs);
    this.current = config;

    this.health.update(healthTargets(config.pools, this.servers));
    for (const rs of this.servers.values()) rs.health = this.health.get(rs.key)?.state ?? rs.health;

    // Old listeners and servers that left finish their in-flight work in the background.
    const drainMs = this.opts.drainMs ?? 30_000;
    for (const l of retiring) void l.close(drainMs);
    for (const rs of reuse.values()) void rs.close();
    this.log.info(summary, 'config applied');
    return summary;
  }

  /** Where each enabled virtual service listens. */
  addresses(): Map<string, { address: string; port: number }> {
    const out = new Map<string, { address: string; port: number }>();
    for (const svc of this.services.values()) {
      const slot = this.listeners.get(`${svc.config.listen.address}:${svc.config.listen.port}`);
      if (slot)
        out.set(svc.name, { address: slot.listener.address().address, port: slot.listener.address().port });
    }
    return out;
  }

  healthSnapshot(): RealServerHealth[] {
    return this.health.snapshot();
  }

  /** The one status: every pool member and every enabled service (shared/protocol/stats.ts). */
  status(now: Date = new Date()): StatsSnapshot {
    return statusOf(this.pools.values(), this.services.values(), (key) => this.health.get(key), now);
  }

  service(name: string): ServiceRuntime | undefined {
    return this.services.get(name);
  }

  pool(name: string): PoolRuntime | undefined {
    return this.pools.get(name);
  }

  /** Stops accepting, lets in-flight work finish for up to `graceMs`, then stops. */
  async stop(graceMs = 10_000): Promise<void> {
    this.health.stop();
    await Promise.all([...this.listeners.values()].map((s) => s.listener.close(graceMs)));
    await Promise.all([...this.servers.values()].map((rs) => rs.close()));
    for (const pool of this.pools.values()) pool.retire(undefined);
    this.listeners.clear();
    this.services.clear();
    this.pools.clear();
    this.servers.clear();
  }
}

function settingsOf(svc: ServiceRuntime): string {
  return svc.config.protocol === 'tcp' ? TcpListener.settingsKey(svc) : HttpListener.settingsKey(svc);
}

function upstreamFor(pool: Pool, certs: CertificateSource | undefined): UpstreamSettings {
  const r = pool.reencrypt;
  const base = { connectMs: pool.timeouts.connectMs, serverMs: pool.timeouts.serverMs };
  if (!r) return base;
  if (r.verify === 'none') return { ...base, tls: { servername: r.serverName, rejectUnauthorized: false } };
  if (!certs) throw new Error(`"${r.ca}": this agent has no certificate store`);
  return {
    ...base,
    tls: { ca: loadCaBundle(certs, r.ca), servername: r.serverName, rejectUnauthorized: true },
  };
}

/** Every server of every pool, probed once however many services use the pool. */
function healthTargets(
  pools: readonly Pool[],
  servers: ReadonlyMap<string, RealServerRuntime>,
): HealthTarget[] {
  const out: HealthTarget[] = [];
  for (const pool of pools) {
    for (const rs of pool.servers) {
      const runtime = servers.get(`${pool.name}/${rs.name}`)!;
      const tls = runtime.upstream.tls;
      // A re-encrypted pool's checks name the server as clients do: IIS sites bound to a host
      // name answer a request for an address with 400 or 404.
      const check =
        pool.healthCheck.type === 'https' && pool.healthCheck.host === undefined && tls?.servername
          ? { ...pool.healthCheck, host: tls.servername }
          : pool.healthCheck;
      out.push({
        key: runtime.key,
        pool: pool.name,
        server: rs.name,
        address: rs.address,
        port: rs.port,
        enabled: rs.enabled,
        check,
        ...(tls
          ? { tls: { ca: tls.ca, servername: runtime.sni, rejectUnauthorized: tls.rejectUnauthorized } }
          : {}),
      });
    }
  }
  return out;
}
