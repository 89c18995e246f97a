/**
 * The one status contract (shared/protocol/stats.ts) from HAProxy's counters, read through the
 * StatsBook (which keeps them across reloads). What maps to what is in docs/engines.md; in
 * short: a pool member is its server row (plus its row in the pool's tcp twin), a service is
 * its frontend row, with upstream errors taken from the backends it sends to.
 */
import type { AgentConfig } from '../../../shared/model/config.ts';
import { poolsOf, serverKey } from '../../../shared/model/config.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import {
  PROXY_ERROR_CODES,
  REFUSALS,
  type PoolMemberStatus,
  type ProxyErrorCode,
  type StatsSnapshot,
  type VirtualServiceStatus,
} from '../../../shared/protocol/stats.ts';
import { unexpectedErrors } from '../../last-resort.ts';
import { tcpTwin } from './names.ts';
import { poolUses } from './render-config.ts';
import type { Counters, LatencyTotals, StatsBook } from './stats-book.ts';

function add(a: Counters, b: Counters): Counters {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof Counters)[]) out[k] += b[k];
  return out;
}

function addLatency(a: LatencyTotals, b: LatencyTotals): LatencyTotals {
  return { counts: a.counts.map((n, i) => n + b.counts[i]!), sumMs: a.sumMs + b.sumMs };
}

function errorsOf(c: Counters): Record<ProxyErrorCode, number> {
  const out = Object.fromEntries(PROXY_ERROR_CODES.map((code) => [code, 0])) as Record<
    ProxyErrorCode,
    number
  >;
  out.CONNECT_FAILED = c.econ;
  out.UPSTREAM_RESET = c.eresp;
  return out;
}

function responses(c: Counters) {
  return { '1xx': c.hrsp_1xx, '2xx': c.hrsp_2xx, '3xx': c.hrsp_3xx, '4xx': c.hrsp_4xx, '5xx': c.hrsp_5xx };
}

export function statusSnapshot(
  config: AgentConfig,
  book: StatsBook,
  healthOf: (key: string) => RealServerHealth | undefined,
  now: Date,
): StatsSnapshot {
  const at = now.toISOString();
  const { twinned } = poolUses(config);

  const pools = config.pools.map((pool) => ({
    name: pool.name,
    servers: pool.servers.map((rs): PoolMemberStatus => {
      const key = serverKey(pool.name, rs.name);
      const twin = `${tcpTwin(pool.name)}/${rs.name}`;
      const c = add(book.counters(key), book.counters(twin));
      const h = healthOf(key);
      return {
        key,
        name: rs.name,
        state: h?.state ?? 'unknown',
        since: h?.since ?? at,
        ...(h?.reason !== undefined && h.state !== 'up' ? { reason: h.reason } : {}),
        ...(h?.latencyMs !== undefined ? { checkLatencyMs: h.latencyMs } : {}),
        active:
          book.gauge(key, 'scur') +
          book.gauge(key, 'qcur') +
          book.gauge(twin, 'scur') +
          book.gauge(twin, 'qcur'),
        connections: c.connect,
        requests: c.req_tot,
        responses: responses(c),
        bytesIn: c.bin,
        bytesOut: c.bout,
        errors: errorsOf(c),
        latency: book.latencyOf(key),
      };
    }),
  }));

  const virtualServices: VirtualServiceStatus[] = [];
  for (const vs of config.virtualServices) {
    if (!vs.enabled) continue;
    const fe = book.counters(`${vs.name}/FRONTEND`);
    // Upstream failures and latency are counted per backend in HAProxy: a service reports
    // those of the backends it sends to.
    const backends = poolsOf(vs).map((p) => (vs.protocol === 'tcp' && twinned.has(p) ? tcpTwin(p) : p));
    let upstream: Counters | undefined;
    let latency: LatencyTotals = book.latencyOf('');
    for (const b of backends) {
      const c = book.counters(`${b}/BACKEND`);
      upstream = upstream ? add(upstream, c) : c;
      latency = addLatency(latency, book.latencyOf(`${b}/BACKEND`));
    }
    const errors = errorsOf(upstream ?? fe);
    // The backends answer 503 themselves when no server is up, and count it by service.
    errors.NO_SERVER = book.counters(`${vs.name}/NO_SERVER`).gpc0;
    const refused = Object.fromEntries(REFUSALS.map((r) => [r, 0])) as VirtualServiceStatus['refused'];
    refused.connectionsPerSource = fe.dcon;
    refused.badRequest = fe.ereq;
    virtualServices.push({
      name: vs.name,
      protocol: vs.protocol,
      activeConnections: book.gauge(`${vs.name}/FRONTEND`, 'scur'),
      tunnels: 0,
      refused,
      connections: fe.conn_tot,
      requests: fe.req_tot,
      responses: responses(fe),
      bytesIn: fe.bin,
      bytesOut: fe.bout,
      errors,
      latency: vs.protocol === 'tcp' || vs.protocol === 'redirect' ? book.latencyOf('') : latency,
    });
  }
  return { at, pools, virtualServices, unexpectedErrors: unexpectedErrors() };
}
