/**
 * One virtual service at run time: its compiled content rules, server groups, schedulers and
 * persistence. Built from config on every apply; a listener swaps to the new one atomically,
 * while requests already in flight finish with the one they started on.
 */
import type { ContentRule, RealServer, VirtualService } from '../../shared/model/config.ts';
import type { Refusal } from '../../shared/protocol/stats.ts';
import { createScheduler, type Scheduler } from './balancer.ts';
import { SourceIpTable } from './persistence.ts';
import { RealServerRuntime, type UpstreamSettings } from './real-server.ts';
import { normaliseHost } from './http/host.ts';
import { canonicalPrefix, underPrefix } from './http/target.ts';

export class ServerGroup {
  readonly name: string;
  readonly servers: RealServerRuntime[];
  readonly members: ReadonlySet<RealServerRuntime>;
  readonly scheduler: Scheduler<RealServerRuntime>;

  constructor(name: string, servers: RealServerRuntime[], scheduler: Scheduler<RealServerRuntime>) {
    this.name = name;
    this.servers = servers;
    this.members = new Set(servers);
    this.scheduler = scheduler;
  }
}

interface CompiledRule {
  /** Lower-case exact host names; undefined = any host. */
  hosts: ReadonlySet<string> | undefined;
  /** `.example.com` for `*.example.com`. */
  hostSuffixes: readonly string[];
  /** From canonicalPrefix(): compared with the lower-cased canonical path. */
  pathPrefix: string | undefined;
  group: ServerGroup;
}

export interface Pick {
  server: RealServerRuntime;
  /** True when the client's cookie already named this server (no Set-Cookie needed). */
  byCookie: boolean;
}

/** Counters of one virtual service; carried from runtime to runtime across reloads. */
export class ServiceStats {
  requests = 0;
  connections = 0;
  activeConnections = 0;
  errors = 0;
  /** WebSocket tunnels open now (from an accepted upgrade until its client socket closes). */
  tunnels = 0;
  readonly refused: Record<Refusal, number> = {
    connections: 0,
    connectionsPerSource: 0,
    headerTimeout: 0,
    bodyTimeout: 0,
    handshakeTimeout: 0,
    tunnels: 0,
    badRequest: 0,
  };
}

export class ServiceRuntime {
  readonly stats: ServiceStats;
  readonly config: VirtualService;
  readonly name: string;
  readonly defaultGroup: ServerGroup;
  readonly rules: readonly CompiledRule[];
  readonly servers: readonly RealServerRuntime[];
  readonly sourceIp: SourceIpTable | undefined;
  readonly cookieName: string | undefined;
  /** denyPaths as canonicalPrefix() made them, in the same order. */
  readonly denyPrefixes: readonly string[];
  /** Some rule compares paths: the lower-cased canonical path is needed per request. */
  readonly matchesPaths: boolean;
  private readonly byCookie = new Map<string, RealServerRuntime>();
  private readonly cookieAttributes: string;

  /**
   * @param reuse servers of the previous config by key; a server whose identity is unchanged
   *   is taken over (and removed from the map), so what remains there is what the caller closes.
   * @param previous the runtime this one replaces, to keep its persistence table.
   */
  constructor(
    vs: VirtualService,
    upstream: UpstreamSettings,
    reuse: Map<string, RealServerRuntime>,
    previous?: ServiceRuntime,
  ) {
    this.config = vs;
    this.name = vs.name;
    this.stats = previous?.stats ?? new ServiceStats();
    const all: RealServerRuntime[] = [];
    const runtimeOf = (rs: RealServer): RealServerRuntime => {
      const key = `${vs.name}/${rs.name}`;
      const old = reuse.get(key);
      let r: RealServerRuntime;
      if (old && old.identity === RealServerRuntime.identityOf(rs, upstream)) {
        reuse.delete(key);
        old.update(rs);
        r = old;
      } else r = new RealServerRuntime(vs.name, rs, upstream);
      all.push(r);
      this.byCookie.set(r.cookieValue, r);
      return r;
    };
    const group = (name: string, list: RealServer[]) =>
      new ServerGroup(name, list.map(runtimeOf), createScheduler<RealServerRuntime>(vs.scheduler));
    this.defaultGroup = group('default', vs.realServers);
    this.rules = vs.contentRules.map((rule) => compileRule(rule, group(rule.name, rule.realServers)));
    this.servers = all;
    this.denyPrefixes = vs.denyPaths.map(canonicalPrefix);
    this.matchesPaths = this.denyPrefixes.length > 0 || this.rules.some((r) => r.pathPrefix !== undefined);

    const p = vs.persistence;
    const samePersistence = previous && JSON.stringify(previous.config.persistence) === JSON.stringify(p);
    this.sourceIp =
      p.mode === 'source-ip'
        ? samePersistence && previous.sourceIp
          ? previous.sourceIp
          : new SourceIpTable(p.timeoutSeconds)
        : undefined;
    this.cookieName = p.mode === 'cookie' ? p.cookieName : undefined;
    this.cookieAttributes =
      p.mode === 'cookie'
        ? '; Path=/' +
          (p.httpOnly ? '; HttpOnly' : '') +
          (p.timeoutSeconds > 0 ? `; Max-Age=${p.timeoutSeconds}` : '') +
          (vs.protocol === 'https' ? '; Secure' : '')
        : '';
  }

  /**
   * The group for this request: first matching content rule, else the default group.
   * @param lowerPath the canonical path (http/target.ts), lower-cased
   */
  route(host: string | undefined, lowerPath: string): ServerGroup {
    if (this.rules.length === 0) return this.defaultGroup;
    const h = host ? normaliseHost(host) : undefined;
    for (const rule of this.rules) {
      if (rule.pathPrefix !== undefined && !underPrefix(lowerPath, rule.pathPrefix)) continue;
      if (rule.hosts || rule.hostSuffixes.length > 0) {
        if (h === undefined) continue;
        const hit = rule.hosts?.has(h) || rule.hostSuffixes.some((sfx) => h.endsWith(sfx));
        if (!hit) continue;
      }
      return rule.group;
    }
    return this.defaultGroup;
  }

  /**
   * Persistence first (a cookie or source-IP binding to a server that is still available in
   * this group), otherwise the scheduler. `exclude` holds servers already tried.
   */
  choose(
    group: ServerGroup,
    clientIp: string,
    cookieValue: string | undefined,
    exclude?: ReadonlySet<RealServerRuntime>,
  ): Pick | undefined {
    if (cookieValue !== undefined) {
      const s = this.byCookie.get(cookieValue);
      if (s && group.members.has(s) && s.isAvailable() && !exclude?.has(s))
        return { server: s, byCookie: true };
    }
    const table = this.sourceIp;
    if (table) {
      const now = Date.now();
      const s = table.get(clientIp, now);
      if (s && group.members.has(s) && s.isAvailable() && !exclude?.has(s))
        return { server: s, byCookie: false };
      const picked = group.scheduler.pick(group.servers, clientIp, exclude);
      if (picked) table.set(clientIp, picked, now);
      return picked && { server: picked, byCookie: false };
    }
    const picked = group.scheduler.pick(group.servers, clientIp, exclude);
    return picked && { server: picked, byCookie: false };
  }

  /** The Set-Cookie value that binds a client to `server`. */
  persistenceCookie(server: RealServerRuntime): string {
    return `${this.cookieName}=${server.cookieValue}${this.cookieAttributes}`;
  }

  /** Releases what the replacement did not take over. */
  retire(replacement: ServiceRuntime | undefined): void {
    if (this.sourceIp && this.sourceIp !== replacement?.sourceIp) this.sourceIp.close();
  }
}

function compileRule(rule: ContentRule, group: ServerGroup): CompiledRule {
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
    group,
  };
}
