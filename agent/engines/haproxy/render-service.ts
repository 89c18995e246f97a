/**
 * A virtual service as a frontend named after it: where it listens (TLS offload from a
 * crt-list), the limits and timeouts towards its clients, and for http/https the request
 * passes (render-paths.ts), X-Forwarded-* and the pool it sends to; a redirect service answers
 * every request itself.
 */
import type {
  L7Service,
  Pool,
  RedirectService,
  TcpService,
  VirtualService,
} from '../../../shared/model/config.ts';
import type { CfgWriter } from './cfg-writer.ts';
import { renderChallengeRules } from './challenge-map.ts';
import { tcpTwin } from './names.ts';
import { ms, regex } from './quote.ts';
import {
  renderCanonicalTarget,
  renderDenyPaths,
  renderRedirect,
  renderRoutes,
  renderSniHostCheck,
} from './render-paths.ts';
import type { TlsFiles } from './render-tls.ts';

export interface ServiceContext {
  pools: ReadonlyMap<string, Pool>;
  /** Pools that also serve http services: a tcp service uses their `mode tcp` twin. */
  twinned: ReadonlySet<string>;
  tls: TlsFiles;
  /** HTTP-01 answers: the map file http and redirect frontends look tokens up in (challenge-map.ts). */
  challengeMap?: string | undefined;
}

export function renderService(w: CfgWriter, vs: VirtualService, index: number, ctx: ServiceContext): void {
  w.section(`frontend ${vs.name}`, `virtualServices[${index}]`);
  w.line(`mode ${vs.protocol === 'tcp' ? 'tcp' : 'http'}`);
  const tlsOptions = vs.protocol === 'https' ? ` ${ctx.tls.bindOptions(vs)}` : '';
  w.line(`bind ${bindAddress(vs.listen.address, vs.listen.port)}${tlsOptions}`);
  w.line(`maxconn ${vs.limits.maxConnections}`);
  w.line(`timeout client ${ms(vs.timeouts.idleMs)}`);
  if (vs.protocol !== 'tcp') {
    // After a reload the old worker keeps an idle keep-alive connection until its next request,
    // answered with Connection: close: closing it while the client sends one would fail that
    // request (the built-in engine waits for a quiet connection likewise).
    w.line('option idle-close-on-response');
    w.line(`timeout client-fin ${ms(vs.timeouts.idleMs)}`);
    w.line(`timeout http-request ${ms(vs.timeouts.clientHeaderMs)}`);
    w.line(`timeout http-keep-alive ${ms(vs.timeouts.idleMs)}`);
  }
  perSource(w, vs.limits.maxConnectionsPerSource, vs.timeouts.idleMs);
  if (ctx.challengeMap && (vs.protocol === 'http' || vs.protocol === 'redirect'))
    renderChallengeRules(w, ctx.challengeMap);
  if (vs.protocol === 'tcp') renderTcp(w, vs, ctx);
  else if (vs.protocol === 'redirect') renderRedirectService(w, vs);
  else renderL7(w, vs, ctx);
}

function renderTcp(w: CfgWriter, vs: TcpService, ctx: ServiceContext): void {
  w.line(`default_backend ${ctx.twinned.has(vs.pool) ? tcpTwin(vs.pool) : vs.pool}`);
}

function renderRedirectService(w: CfgWriter, vs: RedirectService): void {
  renderCanonicalTarget(w);
  renderRedirect(w, vs);
}

function renderL7(w: CfgWriter, vs: L7Service, ctx: ServiceContext): void {
  renderCanonicalTarget(w);
  if (vs.protocol === 'https') renderSniHostCheck(w, vs);
  renderDenyPaths(w, vs);
  forwarded(w, vs);
  renderRoutes(w, vs);
  if (vs.protocol === 'https') secureCookies(w, vs, ctx.pools);
}

/** Client connections from one address: counted in a table, the one over the limit closed. */
function perSource(w: CfgWriter, limit: number, idleMs: number): void {
  if (limit === 0) return;
  w.line(`stick-table type ipv6 size 1m expire ${ms(Math.max(idleMs, 10_000))} store conn_cur`);
  w.line('tcp-request connection track-sc0 src');
  w.line(`tcp-request connection reject if { sc0_conn_cur gt ${limit} }`);
}

/** X-Forwarded-For/-Proto/-Host as the built-in engine sets them (request-head.ts). */
function forwarded(w: CfgWriter, vs: L7Service): void {
  if (vs.forwardedHeaders === 'off') return;
  if (vs.forwardedHeaders === 'replace') {
    // This balancer is the edge: what a client says of itself is dropped.
    for (const h of ['X-Forwarded-For', 'Forwarded', 'X-Real-IP']) w.line(`http-request del-header ${h}`);
  }
  for (const h of ['X-Forwarded-Proto', 'X-Forwarded-Host']) w.line(`http-request del-header ${h}`);
  // `append`: a trusted proxy's X-Forwarded-For stays and the client's address follows it.
  w.line('option forwardfor');
  w.line(`http-request set-header X-Forwarded-Proto ${vs.protocol}`);
  w.line('http-request set-header X-Forwarded-Host %[req.hdr(host)] if { req.hdr(host) -m found }');
}

/**
 * A persistence cookie is Secure on an https service (the built-in engine's rule). A pool's
 * backend may serve http services too, so the attribute is added here, per frontend, after
 * HAProxy inserted the cookie.
 */
function secureCookies(w: CfgWriter, vs: L7Service, pools: ReadonlyMap<string, Pool>): void {
  const names = new Set<string>();
  for (const name of [vs.pool, ...vs.contentRules.map((r) => r.pool)]) {
    const p = name === undefined ? undefined : pools.get(name)?.persistence;
    if (p?.mode === 'cookie') names.add(p.cookieName);
  }
  for (const cookie of names) {
    const notSecure = `^(${cookie.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}=(?!.*;\\s*[Ss][Ee][Cc][Uu][Rr][Ee](?:;|$)).*)$`;
    w.line(`http-after-response replace-header Set-Cookie ${regex(notSecure)} '\\1; Secure'`);
  }
}

/** HAProxy's `bind` address: `::` listens on IPv4 too, as Node's does. */
export function bindAddress(address: string, port: number): string {
  const a = address.replace(/^\[|\]$/g, '');
  if (a === '::') return `:::${port} v4v6`;
  // HAProxy takes the last colon as the port's: an IPv6 literal needs no brackets.
  return `${a}:${port}`;
}
