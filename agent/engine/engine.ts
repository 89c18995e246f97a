/**
 * The proxy engine: turns a validated AgentConfig into listeners, service runtimes and health
 * checks, and applies a new config as a diff. Apply is all-or-nothing: everything that can
 * fail (certificate look-ups, binding new ports) happens before anything running is touched,
 * and a failure leaves the running engine exactly as it was.
 */
import type { Logger } from 'pino';
import type { AgentConfig, VirtualService } from '../../shared/model/config.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';
import { HealthMonitor, type HealthTarget } from '../health/monitor.ts';
import { HttpListener } from './http/listener.ts';
import type { BaseListener } from './listener.ts';
import type { RealServerRuntime, UpstreamSettings } from './real-server.ts';
import { ServiceRuntime } from './service.ts';
import { TcpListener } from './tcp/listener.ts';
import { tlsOptionsFor, type CertificateSource, type ListenerTlsContext } from './tls.ts';

/** A config the engine cannot run; `problems` say where and why, like schema errors do. */
export class ApplyError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'ApplyError';
    this.problems = problems;
  }
}

export interface EngineOptions {
  log: Logger;
  /** Where certificates and CA bundles named in the config come from. */
  certs?: CertificateSource;
  /** How long removed listeners may finish their work before they are cut (default 30 s). */
  drainMs?: number;
  /** Called on every real-server health change (events, logs). */
  onHealth?: (health: RealServerHealth) => void;
}

interface ListenerSlot {
  listener: BaseListener;
  settings: string;
  tls?: ListenerTlsContext;
}

export interface ApplySummary {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

export class Engine {
  private readonly log: Logger;
  private readonly opts: EngineOptions;
  private services = new Map<string, ServiceRuntime>();
  private listeners = new Map<string, ListenerSlot>();
  private servers = new Map<string, RealServerRuntime>();
  private readonly health: HealthMonitor;
  private current: AgentConfig = { virtualServices: [] };

  constructor(opts: EngineOptions) {
    this.opts = opts;
    this.log = opts.log;
    this.health = new HealthMonitor({
      onChange: (h, previous) => {
        const rs = this.servers.get(h.key);
        if (rs) rs.health = h.state;
        const line = { vs: h.virtualService, rs: h.realServer, state: h.state, previous, reason: h.reason };
        if (h.state === 'down') this.log.warn(line, 'real server down');
        else this.log.info(line, 'real server health');
        opts.onHealth?.(h);
      },
    });
  }

  get config(): AgentConfig {
    return this.current;
  }

  /**
   * Everything about a config the engine can check without touching what runs: certificate and
   * CA names resolve, key material loads. (Whether a port can be bound is only known by binding.)
   */
  check(config: AgentConfig): ConfigProblem[] {
    return this.prepare(config).problems;
  }

  private prepare(config: AgentConfig) {
    const problems: ConfigProblem[] = [];
    const upstreams = new Map<string, UpstreamSettings>();
    const tlsContexts = new Map<string, ListenerTlsContext>();
    config.virtualServices.forEach((vs, i) => {
      if (!vs.enabled) return;
      try {
        upstreams.set(vs.name, upstreamFor(vs, this.opts.certs));
        if (vs.tls) tlsContexts.set(vs.name, tlsOptionsFor(vs.tls, this.opts.certs));
      } catch (err) {
        problems.push({ path: `virtualServices[${i}]`, message: (err as Error).message });
      }
    });
    return { problems, upstreams, tlsContexts };
  }

  async apply(config: AgentConfig): Promise<ApplySummary> {
    const enabled = config.virtualServices.filter((vs) => vs.enabled);
    const { problems, upstreams, tlsContexts } = this.prepare(config);
    if (problems.length) throw new ApplyError(problems);

    // Build the new runtimes; servers whose identity is unchanged are taken over.
    const saved = [...this.servers.values()].map(
      (rs) => [rs, rs.weight, rs.enabled, rs.maxConnections] as const,
    );
    const reuse = new Map(this.servers);
    const next = new Map<string, ServiceRuntime>();
    for (const vs of enabled) {
      next.set(vs.name, new ServiceRuntime(vs, upstreams.get(vs.name)!, reuse, this.services.get(vs.name)));
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
      else if (JSON.stringify(old.config) === JSON.stringify(vs)) summary.unchanged.push(vs.name);
      else summary.changed.push(vs.name);
    }
    for (const [key, slot] of this.listeners) {
      if (!wanted.has(key)) {
        retiring.push(slot.listener);
        this.listeners.delete(key);
      }
    }
    for (const [name, old] of this.services) {
      old.retire(next.get(name));
      if (!next.has(name)) summary.removed.push(name);
    }
    this.services = next;
    this.servers = new Map();
    for (const svc of next.values()) for (const rs of svc.servers) this.servers.set(rs.key, rs);
    this.current = config;

    this.health.update(healthTargets(enabled, this.servers, this.opts.certs));
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

  service(name: string): ServiceRuntime | undefined {
    return this.services.get(name);
  }

  /** Stops accepting, lets in-flight work finish for up to `graceMs`, then stops. */
  async stop(graceMs = 10_000): Promise<void> {
    this.health.stop();
    await Promise.all([...this.listeners.values()].map((s) => s.listener.close(graceMs)));
    await Promise.all([...this.servers.values()].map((rs) => rs.close()));
    for (const svc of this.services.values()) svc.retire(undefined);
    this.listeners.clear();
    this.services.clear();
    this.servers.clear();
  }
}

function settingsOf(svc: ServiceRuntime): string {
  return svc.config.protocol === 'tcp' ? TcpListener.settingsKey(svc) : HttpListener.settingsKey(svc);
}

function upstreamFor(vs: VirtualService, certs: CertificateSource | undefined): UpstreamSettings {
  const r = vs.reencrypt;
  const base = { connectMs: vs.timeouts.connectMs, serverMs: vs.timeouts.serverMs };
  if (!r) return base;
  if (r.verify === 'none') return { ...base, tls: { servername: r.serverName, rejectUnauthorized: false } };
  if (!certs) throw new Error(`reencrypt.ca "${r.ca}": this agent has no certificate store`);
  return { ...base, tls: { ca: certs.loadCa(r.ca), servername: r.serverName, rejectUnauthorized: true } };
}

function healthTargets(
  services: readonly VirtualService[],
  servers: ReadonlyMap<string, RealServerRuntime>,
  _certs: CertificateSource | undefined,
): HealthTarget[] {
  const out: HealthTarget[] = [];
  for (const vs of services) {
    for (const rs of [...vs.realServers, ...vs.contentRules.flatMap((r) => r.realServers)]) {
      const runtime = servers.get(`${vs.name}/${rs.name}`)!;
      const tls = runtime.upstream.tls;
      out.push({
        key: runtime.key,
        virtualService: vs.name,
        realServer: rs.name,
        address: rs.address,
        port: rs.port,
        enabled: rs.enabled,
        check: vs.healthCheck,
        ...(tls
          ? { tls: { ca: tls.ca, servername: tls.servername, rejectUnauthorized: tls.rejectUnauthorized } }
          : {}),
      });
    }
  }
  return out;
}
