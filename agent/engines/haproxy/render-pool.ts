/**
 * A pool as a backend: its scheduler, persistence, health check, re-encrypt settings,
 * timeouts and retries, and one `server` line per real server named after it, so
 * `<pool>/<server>` in HAProxy is `pool/server` in the config. A pool used by several services
 * is one backend (probed once); a pool that a tcp service shares with http services gets a
 * `mode tcp` twin whose servers track the pool's (render-pool: tcpTwin).
 */
import { isIP } from 'node:net';
import type { L7Service, Pool, RealServer, TcpService } from '../../../shared/model/config.ts';
import type { CfgWriter, SideFile } from './cfg-writer.ts';
import { answer, UPSTREAM } from './messages.ts';
import { cookieValue, NO_SERVER_TABLE, tcpTwin } from './names.ts';
import { ms, quote } from './quote.ts';
import { checkOptions, renderCheck } from './render-check.ts';
import type { TlsFiles } from './render-tls.ts';

/** The services that send to a pool, by kind of frontend. */
export interface PoolUse {
  l7: L7Service[];
  tcp: TcpService[];
}

const BALANCE: Record<Pool['scheduler'], string> = {
  'round-robin': 'roundrobin',
  'weighted-round-robin': 'roundrobin',
  'least-connections': 'leastconn',
  'source-ip-hash': 'source',
};

export function renderPool(
  w: CfgWriter,
  pool: Pool,
  index: number,
  use: PoolUse,
  dir: string,
  tls: TlsFiles,
  files: SideFile[],
): void {
  const origin = `pools[${index}]`;
  const http = use.l7.length > 0 || use.tcp.length === 0;
  w.section(`backend ${pool.name}`, origin);
  w.line(`mode ${http ? 'http' : 'tcp'}`);
  balance(w, pool);
  w.line(`timeout connect ${ms(pool.timeouts.connectMs)}`);
  if (http) {
    w.line(`timeout server ${ms(pool.timeouts.serverMs)}`);
    // WebSocket tunnels idle out as the service's clients do (timeouts.idleMs).
    const [first, ...others] = use.l7;
    if (first) {
      w.line(`timeout tunnel ${ms(first.timeouts.idleMs)}`);
      for (const vs of others) {
        if (vs.timeouts.idleMs !== first.timeouts.idleMs)
          w.line(`http-request set-timeout tunnel ${ms(vs.timeouts.idleMs)} if { fe_name ${vs.name} }`);
      }
    }
  } else {
    // An L4 pipe idles out by its service's idleMs, as in the built-in engine.
    w.line(`timeout server ${ms(Math.max(...use.tcp.map((vs) => vs.timeouts.idleMs)))}`);
  }
  retries(w, pool);
  if (http) {
    // Upstream keep-alive shared by all clients, as the built-in engine's connection pools.
    w.line('http-reuse always');
    // No server up: 503 NO_SERVER before any connect (HAProxy's own 503 means a failed connect),
    // counted per service in a table of its own (HAProxy has no counter for it). Not in an old
    // worker finishing after a reload: its stopped backends count no server at all.
    w.line('http-request set-var(txn.portico_no_server) bool(1) if { nbsrv eq 0 } !{ stopping }');
    const none = '{ var(txn.portico_no_server) -m found }';
    w.line(`http-request track-sc2 fe_name table ${NO_SERVER_TABLE} if ${none}`);
    w.line(`http-request sc-inc-gpc0(2) if ${none}`);
    w.line(`http-request return ${answer(503, UPSTREAM.NO_SERVER)} if ${none}`);
  }
  persistence(w, pool, http);
  renderCheck(w, pool, dir, files);
  pool.servers.forEach((rs, i) => {
    w.line(['server', rs.name, endpoint(rs), ...serverOptions(pool, rs, i, http, tls)].join(' '));
  });

  if (http && use.tcp.length > 0) renderTwin(w, pool, origin, use.tcp);
}

/** The `mode tcp` backend a tcp service uses when the pool also serves http services. */
function renderTwin(w: CfgWriter, pool: Pool, origin: string, tcp: TcpService[]): void {
  w.section(`backend ${tcpTwin(pool.name)}`, origin);
  w.comment(
    `"${pool.name}" for its tcp services: the same servers, their health tracked from "${pool.name}"`,
  );
  w.line('mode tcp');
  balance(w, pool);
  w.line(`timeout connect ${ms(pool.timeouts.connectMs)}`);
  w.line(`timeout server ${ms(Math.max(...tcp.map((vs) => vs.timeouts.idleMs)))}`);
  retries(w, pool);
  // One source-ip table for the pool, whichever service a client comes through.
  if (pool.persistence.mode === 'source-ip') w.line(`stick on src table ${pool.name}`);
  pool.servers.forEach((rs, i) => {
    const opts = [`id ${i + 1}`, `weight ${weightOf(pool, rs)}`];
    if (rs.maxConnections > 0) opts.push(`maxconn ${rs.maxConnections}`);
    if (!rs.enabled) opts.push('disabled');
    if (pool.healthCheck.type !== 'none') opts.push(`track ${pool.name}/${rs.name}`);
    w.line(['server', rs.name, endpoint(rs), ...opts].join(' '));
  });
}

function balance(w: CfgWriter, pool: Pool): void {
  w.line(`balance ${BALANCE[pool.scheduler]}`);
  // A client keeps its server while that server is up; when one goes, only its clients move.
  if (pool.scheduler === 'source-ip-hash') w.line('hash-type consistent');
}

function retries(w: CfgWriter, pool: Pool): void {
  w.line(`retries ${pool.retries}`);
  // Each retry goes to another server, as the built-in engine's. HAProxy retries a failed
  // connect (the request certainly never reached a server); a request a server took and did not
  // answer is not sent again (\`retry-on empty-response\` would copy every request for it, about
  // a tenth of HAProxy's CPU per request: docs/engines.md).
  if (pool.retries > 0) w.line('option redispatch 1');
}

function persistence(w: CfgWriter, pool: Pool, http: boolean): void {
  const p = pool.persistence;
  if (p.mode === 'source-ip') {
    w.line(`stick-table type ipv6 size 1m expire ${p.timeoutSeconds}s`);
    w.line('stick on src');
  } else if (p.mode === 'cookie' && http) {
    const opts = [`cookie ${p.cookieName} insert indirect nocache`];
    if (p.httpOnly) opts.push('httponly');
    if (p.timeoutSeconds > 0) opts.push(`attr ${quote(`Max-Age=${p.timeoutSeconds}`)}`);
    w.line(opts.join(' '));
  }
}

/** The weight HAProxy is given: as configured where the scheduler weighs, else equal shares. */
export function weightOf(pool: Pool, rs: RealServer): number {
  if (rs.weight === 0) return 0;
  return pool.scheduler === 'weighted-round-robin' || pool.scheduler === 'least-connections' ? rs.weight : 1;
}

function serverOptions(pool: Pool, rs: RealServer, i: number, http: boolean, tls: TlsFiles): string[] {
  const opts = [`id ${i + 1}`, `weight ${weightOf(pool, rs)}`];
  if (rs.maxConnections > 0) opts.push(`maxconn ${rs.maxConnections}`);
  if (!rs.enabled) opts.push('disabled');
  if (pool.persistence.mode === 'cookie' && http) opts.push(`cookie ${cookieValue(pool.name, rs.name)}`);
  const r = pool.reencrypt;
  // SNI as the built-in engine sends it: the configured name, else a host-name address.
  const sni = r?.serverName ?? (isIP(rs.address) ? undefined : rs.address);
  opts.push(...checkOptions(pool, sni));
  if (r) {
    // An L4 pipe carries the client's bytes as they are (the built-in engine's tcp services
    // do not re-encrypt either); the TLS settings still serve an https check.
    if (http) opts.push('ssl');
    if (r.verify === 'ca') {
      opts.push('verify required', `ca-file ${quote(tls.caFile(r.ca))}`);
      // HAProxy checks the certificate's DNS names (or CN) against the SNI it sends, else
      // against verifyhost: an IP address must then be the certificate's CN or a DNS name.
      if (sni === undefined) opts.push(`verifyhost ${rs.address}`);
    } else opts.push('verify none');
    if (http && sni !== undefined) opts.push(`sni ${quote(`str(${sni})`)}`);
  }
  return opts;
}

/** `address:port`, an IPv6 literal in brackets. */
export function endpoint(rs: { address: string; port: number }): string {
  const a = rs.address.replace(/^\[|\]$/g, '');
  return isIP(a) === 6 ? `[${a}]:${rs.port}` : `${a}:${rs.port}`;
}
