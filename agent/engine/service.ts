/**
 * One virtual service at run time: its config, the pools it sends to, compiled content rules
 * and deny paths. Built from config on every apply; a listener swaps to the new one
 * atomically, while requests already in flight finish with the one they started on.
 */
import {
  isL7,
  type ContentRule,
  type ForwardedHeaders,
  type VirtualService,
} from '../../shared/model/config.ts';
import { limitFields, timeoutFields } from '../../shared/model/config-parts.ts';
import { REFUSALS, type Refusal } from '../../shared/protocol/stats.ts';
import type { ChallengeResponder } from '../engines/challenges.ts';
import type { PoolRuntime } from './pool.ts';
import { Traffic } from './traffic.ts';
import { normaliseHost } from './http/host.ts';
import { canonicalPrefix, underPrefix } from './http/target.ts';

interface CompiledRule {
  /** Lower-case exact host names; undefined = any host. */
  hosts: ReadonlySet<string> | undefined;
  /** `.example.com` for `*.example.com`. */
  hostSuffixes: readonly string[];
  /** From canonicalPrefix(): compared with the lower-cased canonical path. */
  pathPrefix: string | undefined;
  pool: PoolRuntime;
}

/**
 * What the front end of a service needs, whatever its protocol: the config's values where the
 * protocol has the field, and for the rest what that protocol means (a redirect service holds
 * no tunnels, reads no bodies).
 */
export interface FrontSettings {
  maxHeaderBytes: number;
  clientHeaderMs: number;
  clientBodyMs: number;
  idleMs: number;
  tlsHandshakeMs: number;
  maxConnections: number;
  maxConnectionsPerSource: number;
  maxTunnels: number;
  minBodyRate: number;
}

const DEFAULTS = {
  maxHeaderBytes: 16384,
  clientHeaderMs: timeoutFields.clientHeaderMs.parse(undefined),
  clientBodyMs: timeoutFields.clientBodyMs.parse(undefined),
  tlsHandshakeMs: timeoutFields.tlsHandshakeMs.parse(undefined),
  minBodyRate: limitFields.minBodyRate.parse(undefined),
};

function frontOf(vs: VirtualService): FrontSettings {
  const t: Partial<Record<keyof FrontSettings, number>> = { ...vs.timeouts, ...vs.limits };
  return {
    maxHeaderBytes: isL7(vs) ? vs.maxHeaderBytes : DEFAULTS.maxHeaderBytes,
    clientHeaderMs: t.clientHeaderMs ?? DEFAULTS.clientHeaderMs,
    clientBodyMs: t.clientBodyMs ?? DEFAULTS.clientBodyMs,
    idleMs: vs.timeouts.idleMs,
    tlsHandshakeMs: t.tlsHandshakeMs ?? DEFAULTS.tlsHandshakeMs,
    maxConnections: vs.limits.maxConnections,
    maxConnectionsPerSource: vs.limits.maxConnectionsPerSource,
    maxTunnels: t.maxTunnels ?? 0,
    minBodyRate: t.minBodyRate ?? DEFAULTS.minBodyRate,
  };
}

/** Counters of one virtual service; carried from runtime to runtime across reloads. */
export class ServiceStats {
  readonly traffic = new Traffic();
  /** Client connections open now. */
  activeConnections = 0;
  /** WebSocket tunnels open now (from an accepted upgrade until its client socket closes). */
  tunnels = 0;
  readonly refused = Object.fromEntries(REFUSALS.map((r) => [r, 0])) as Record<Refusal, number>;
}

export class ServiceRuntime {
  readonly stats: ServiceStats;
  readonly config: VirtualService;
  readonly name: string;
  /** Timeouts and limits towards clients, whatever the protocol. */
  readonly front: FrontSettings;
  /** Where requests no rule matches go (the tcp service's only pool); undefined: 404. */
  readonly defaultPool: PoolRuntime | undefined;
  readonly rules: readonly CompiledRule[];
  /** denyPaths as written (for messages), and as canonicalPrefix() made them, in the same order. */
  readonly denyPaths: readonly string[];
  readonly denyPrefixes: readonly string[];
  /** Who sets X-Forwarded-*: the service's choice on http/https, nobody elsewhere. */
  readonly forwarded: ForwardedHeaders;
  /** Some rule compares paths: the lower-cased canonical path is needed per request. */
  readonly matchesPaths: boolean;
  /** Persistence cookies are marked Secure: the service speaks TLS to its clients. */
  readonly secure: boolean;
  /** The longest serverMs of its pools: how long a request may wait for an answer. */
  readonly longestServerMs: number;
  /** HTTP-01 answers, on http and redirect services (engines/challenges.ts). */
  readonly challenges: ChallengeResponder | undefined;

  /**
   * @param pools every pool of the config by name (validation made sure each named one exists)
   * @param previous the runtime this one replaces, to carry its counters
   * @param challenges HTTP-01 answers the engine serves (an http or redirect service keeps them)
   */
  constructor(
    vs: VirtualService,
    pools: ReadonlyMap<string, PoolRuntime>,
    previous?: ServiceRuntime,
    challenges?: ChallengeResponder,
  ) {
    this.config = vs;
    this.name = vs.name;
    this.front = frontOf(vs);
    this.stats = previous?.stats ?? new ServiceStats();
    this.secure = vs.protocol === 'https';
    const pool = (name: string) => pools.get(name)!;
    if (vs.protocol === 'tcp') this.defaultPool = pool(vs.pool);
    else if (isL7(vs) && vs.pool !== undefined) this.defaultPool = pool(vs.pool);
    else this.defaultPool = undefined;
    this.rules = isL7(vs) ? vs.contentRules.map((rule) => compileRule(rule, pool(rule.pool))) : [];
    this.denyPaths = isL7(vs) ? vs.denyPaths : [];
    this.denyPrefixes = this.denyPaths.map(canonicalPrefix);
    this.forwarded = isL7(vs) ? vs.forwardedHeaders : 'off';
    this.matchesPaths = this.denyPrefixes.length > 0 || this.rules.some((r) => r.pathPrefix !== undefined);
    const used = [this.defaultPool, ...this.rules.map((r) => r.pool)];
    this.longestServerMs = Math.max(0, ...used.map((p) => p?.upstream.serverMs ?? 0));
    this.challenges = vs.protocol === 'http' || vs.protocol === 'redirect' ? challenges : undefined;
  }

  /**
   * The pool for this request: first matching content rule, else the default pool.
   * @param lowerPath the canonical path (http/target.ts), lower-cased
   */
  route(host: string | undefined, lowerPath: string): PoolRuntime | undefined {
    if (this.rules.length === 0) return this.defaultPool;
    const h = host ? normaliseHost(host) : undefined;
    for (const rule of this.rules) {
      if (rule.pathPrefix !== undefined && !underPrefix(lowerPath, rule.pathPrefix)) continue;
      if (rule.hosts || rule.hostSuffixes.length > 0) {
        if (h === undefined) continue;
        const hit = rule.hosts?.has(h) || rule.hostSuffixes.some((sfx) => h.endsWith(sfx));
        if (!hit) continue;
      }
      return rule.pool;
    }
    return this.defaultPool;
  }
}

function compileRule(rule: ContentRule, pool: PoolRuntime): CompiledRule {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const h of rule.host ?? []) {
    const n = normaliseHost(h);
    if (n.startsWith('*.')) suffixes.push(n.slice(1));
    else exact.add(n);
  }
  return {
    hosts: rule.host ? exact : undefined,
    hostSuffixes: suffixes,
    pathPrefix: rule.pathPrefix === undefined ? undefined : canonicalPrefix(rule.pathPrefix),
    pool,
  };
}
