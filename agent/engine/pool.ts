/**
 * One pool at run time: its real servers, their scheduler and the pool's persistence (a
 * source-IP table, or the cookie values that name its servers). Every service that names the
 * pool shares this object, so a client bound to a server stays there whichever service it
 * comes through, and each server is probed once. Built on every apply; servers whose identity
 * is unchanged, and the source-IP table while persistence is unchanged, are taken over.
 */
import { createHash } from 'node:crypto';
import type { Pool } from '../../shared/model/config.ts';
import { deepEqual } from '../../shared/model/deep-equal.ts';
import { createScheduler, type Scheduler } from './balancer.ts';
import { findCookie } from './http/request-head.ts';
import { SourceIpTable } from './persistence.ts';
import { RealServerRuntime, type UpstreamSettings } from './real-server.ts';

export interface Pick {
  server: RealServerRuntime;
  /** True when the client's cookie already named this server (no Set-Cookie needed). */
  byCookie: boolean;
}

export class PoolRuntime {
  readonly name: string;
  readonly config: Pool;
  readonly servers: readonly RealServerRuntime[];
  readonly upstream: UpstreamSettings;
  /** Servers tried for one request or connection before the client gets an error. */
  readonly maxAttempts: number;
  readonly cookieName: string | undefined;
  readonly sourceIp: SourceIpTable | undefined;
  private readonly scheduler: Scheduler<RealServerRuntime>;
  private readonly byCookie = new Map<string, RealServerRuntime>();
  private readonly cookieValue = new Map<RealServerRuntime, string>();
  /** The Set-Cookie attributes after the value, without `; Secure`. */
  private readonly cookieAttributes: string;

  /**
   * @param reuse servers of the previous config by key; a server whose identity is unchanged
   *   is taken over (and removed from the map), so what remains there is what the caller closes.
   * @param previous the runtime this one replaces, to keep its source-IP table.
   */
  constructor(
    pool: Pool,
    upstream: UpstreamSettings,
    reuse: Map<string, RealServerRuntime>,
    previous: PoolRuntime | undefined,
  ) {
    this.name = pool.name;
    this.config = pool;
    this.upstream = upstream;
    this.maxAttempts = pool.retries + 1;
    this.servers = pool.servers.map((rs) => {
      const key = `${pool.name}/${rs.name}`;
      const old = reuse.get(key);
      let r: RealServerRuntime;
      if (old && old.identity === RealServerRuntime.identityOf(rs, upstream)) {
        reuse.delete(key);
        old.update(rs);
        r = old;
      } else r = new RealServerRuntime(pool.name, rs, upstream);
      // Opaque and stable: the cookie does not reveal the server's address.
      const value = createHash('sha256').update(r.key).digest('hex').slice(0, 16);
      this.byCookie.set(value, r);
      this.cookieValue.set(r, value);
      return r;
    });
    this.scheduler = createScheduler<RealServerRuntime>(pool.scheduler);

    const p = pool.persistence;
    const samePersistence = previous !== undefined && deepEqual(previous.config.persistence, p);
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
          (p.timeoutSeconds > 0 ? `; Max-Age=${p.timeoutSeconds}` : '')
        : '';
  }

  /**
   * Persistence first (a cookie or source-IP binding to a server that is still available),
   * otherwise the scheduler. `exclude` holds servers already tried.
   *
   * @param cookies the request's Cookie header (L7), where this pool's cookie may be
   */
  choose(
    clientIp: string,
    cookies: string | undefined,
    exclude?: ReadonlySet<RealServerRuntime>,
  ): Pick | undefined {
    if (this.cookieName !== undefined && cookies !== undefined) {
      const value = findCookie(cookies, this.cookieName);
      const s = value === undefined ? undefined : this.byCookie.get(value);
      if (s && s.isAvailable() && !exclude?.has(s)) return { server: s, byCookie: true };
    }
    const table = this.sourceIp;
    if (table) {
      const now = Date.now();
      const s = table.get(clientIp, now);
      if (s && s.isAvailable() && !exclude?.has(s)) return { server: s, byCookie: false };
      const picked = this.scheduler.pick(this.servers, clientIp, exclude);
      if (picked) table.set(clientIp, picked, now);
      return picked && { server: picked, byCookie: false };
    }
    const picked = this.scheduler.pick(this.servers, clientIp, exclude);
    return picked && { server: picked, byCookie: false };
  }

  /** The Set-Cookie value that binds a client to `server`; Secure on an https service. */
  persistenceCookie(server: RealServerRuntime, secure: boolean): string {
    return `${this.cookieName}=${this.cookieValue.get(server)}${this.cookieAttributes}${secure ? '; Secure' : ''}`;
  }

  /** Releases what the replacement did not take over. */
  retire(replacement: PoolRuntime | undefined): void {
    if (this.sourceIp && this.sourceIp !== replacement?.sourceIp) this.sourceIp.close();
  }
}
