/**
 * One status, read four ways: the engine's status(), `stats.snapshot` over the management API,
 * the periodic `stats` event, and Prometheus (agent/metrics). After real traffic of every kind
 * through a real agent, every counter of every pool member and service is the same number in
 * each reader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { connect, createServer, type Server } from 'node:net';
import { LATENCY_BUCKETS_MS, StatsSnapshot } from '../../shared/protocol/stats.ts';
import { startMetricsServer, type MetricsServer } from '../metrics/server.ts';
import { startBackend, type Backend } from '../../test/support/backends.ts';
import { until } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';
import { parsePrometheusText, valueOf, type Exposition } from '../../test/support/prometheus-text.ts';
import { answered } from '../../test/support/stats.ts';
import { startTestAgent, type TestAgent, type TestClient } from '../../test/support/mgmt-agent.ts';

let agent: TestAgent;
let client: TestClient;
let metrics: MetricsServer;
let backend: Backend;
let echo: Server;

beforeAll(async () => {
  backend = await startBackend('a');
  echo = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  agent = await startTestAgent({ management: { statsIntervalMs: 50 } });
  metrics = await startMetricsServer({ host: '127.0.0.1', port: 0, collect: () => agent.engine.status() });
  client = await agent.connect();
  const [web, l4, redirect] = [await freePort(), await freePort(), await freePort()];
  await client.result('config.apply', {
    config: {
      pools: [
        {
          name: 'web',
          servers: [
            { name: 'a', address: '127.0.0.1', port: backend.port },
            { name: 'dead', address: '127.0.0.1', port: await freePort() },
          ],
        },
        {
          name: 'drained',
          servers: [{ name: 'x', address: '127.0.0.1', port: backend.port, enabled: false }],
        },
        {
          name: 'l4',
          servers: [{ name: 'echo', address: '127.0.0.1', port: (echo.address() as { port: number }).port }],
        },
      ],
      virtualServices: [
        {
          name: 'web',
          listen: { address: '127.0.0.1', port: web },
          protocol: 'http',
          pool: 'web',
          denyPaths: ['/admin'],
          contentRules: [{ name: 'off', pathPrefix: '/off', pool: 'drained' }],
        },
        { name: 'l4', listen: { address: '127.0.0.1', port: l4 }, protocol: 'tcp', pool: 'l4' },
        { name: 'to-https', listen: { address: '127.0.0.1', port: redirect }, protocol: 'redirect' },
      ],
    },
  });

  // Traffic of every kind: 2xx (some after a refused connect to "dead"), a POST, 403, 503, a
  // redirect, an L4 exchange, a malformed request; keep-alive clients, closed afterwards.
  const http = new Agent({ connections: 1 });
  const get = async (url: string, init: { method?: 'POST'; body?: string; host?: string } = {}) => {
    const headers = init.host ? { host: init.host } : {};
    const method = init.method ?? 'GET';
    await (await request(url, { dispatcher: http, method, body: init.body ?? null, headers })).body.dump();
  };
  for (let i = 0; i < 6; i++) await get(`http://127.0.0.1:${web}/ok/${i}`);
  await get(`http://127.0.0.1:${web}/echo`, { method: 'POST', body: 'p'.repeat(3000) });
  await get(`http://127.0.0.1:${web}/admin`);
  await get(`http://127.0.0.1:${web}/off/x`);
  await get(`http://127.0.0.1:${redirect}/x`, { host: 'a.example' });
  await http.close();
  await new Promise<void>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: l4 }, () => s.end('hello'));
    s.on('data', () => undefined);
    s.on('close', () => resolve());
  });
  await new Promise<void>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: web }, () => s.write('NOT HTTP\r\n\r\n'));
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });
  await until(
    () => agent.engine.status().virtualServices.every((vs) => vs.activeConnections === 0),
    'every client connection closed',
  );
});

afterAll(async () => {
  client?.close();
  await metrics?.close();
  await agent?.close();
  await backend?.close();
  await new Promise((r) => echo?.close(r));
});

/** A status without its reading time: what must agree between readers. */
const counters = (s: StatsSnapshot) => ({ ...s, at: undefined });

describe('one status, every reader', () => {
  it('the traffic really covered every kind of counter', () => {
    const s = agent.engine.status();
    const web = s.virtualServices.find((v) => v.name === 'web')!;
    expect(web.responses['2xx']).toBe(7);
    expect(web.responses['4xx']).toBe(1);
    expect(web.responses['5xx']).toBe(1);
    expect(web.errors.NO_SERVER).toBe(1);
    expect(web.refused.badRequest).toBe(1);
    expect(answered(web.latency)).toBe(9);
    const dead = s.pools.find((p) => p.name === 'web')!.servers.find((m) => m.name === 'dead')!;
    expect(dead.errors.CONNECT_FAILED).toBeGreaterThanOrEqual(1);
    expect(s.virtualServices.find((v) => v.name === 'l4')).toMatchObject({
      connections: 1,
      bytesIn: 5,
      bytesOut: 5,
    });
    expect(s.virtualServices.find((v) => v.name === 'to-https')!.responses['3xx']).toBe(1);
  });

  it('stats.snapshot over the API is the engine’s status, valid on the wire', async () => {
    const wire = await client.result('stats.snapshot');
    expect(StatsSnapshot.safeParse(wire).success).toBe(true);
    expect(counters(wire as StatsSnapshot)).toEqual(counters(agent.engine.status()));
  });

  it('the stats event carries the same numbers', async () => {
    await client.result('events.subscribe', { topics: ['stats'] });
    const tick = await client.waitForEvent((e) => e.topic === 'stats');
    expect(counters(tick.data as StatsSnapshot)).toEqual(counters(agent.engine.status()));
  });

  it('Prometheus shows every counter of every member and service with the same value', async () => {
    const res = await request(`http://127.0.0.1:${metrics.port}/metrics`);
    const m = parsePrometheusText(await res.body.text());
    const status = agent.engine.status();
    const checked = compare(m, status);
    console.log(`Prometheus: ${checked} samples compared with the engine's status`);
    // Per member: up, state, active, 4 counters, 5 classes, 7 codes; per service: 6 values,
    // 5 classes, 7 codes, 7 reasons, 15 buckets and a count; and the unexpected errors.
    const members = status.pools.reduce((n, p) => n + p.servers.length, 0);
    expect(checked).toBe(members * 19 + status.virtualServices.length * 41 + 1);
  });
});

/** Checks every sample the status implies; returns how many were compared. */
function compare(m: Exposition, status: StatsSnapshot): number {
  let n = 0;
  const same = (name: string, labels: Record<string, string>, want: number) => {
    expect(valueOf(m, name, labels), `${name} ${JSON.stringify(labels)}`).toBe(want);
    n++;
  };
  for (const pool of status.pools) {
    for (const rs of pool.servers) {
      const l = { pool: pool.name, server: rs.name };
      same('portico_server_up', l, rs.state === 'up' ? 1 : 0);
      same('portico_server_state', { ...l, state: rs.state }, 1);
      same('portico_server_active', l, rs.active);
      same('portico_server_connections_total', l, rs.connections);
      same('portico_server_requests_total', l, rs.requests);
      same('portico_server_bytes_in_total', l, rs.bytesIn);
      same('portico_server_bytes_out_total', l, rs.bytesOut);
      for (const [cls, v] of Object.entries(rs.responses))
        same('portico_server_responses_total', { ...l, class: cls }, v);
      for (const [code, v] of Object.entries(rs.errors))
        same('portico_server_errors_total', { ...l, code }, v);
    }
  }
  for (const vs of status.virtualServices) {
    const l = { virtual_service: vs.name };
    same('portico_virtual_service_connections_total', l, vs.connections);
    same('portico_virtual_service_active_connections', l, vs.activeConnections);
    same('portico_virtual_service_tunnels', l, vs.tunnels);
    same('portico_virtual_service_requests_total', l, vs.requests);
    same('portico_virtual_service_bytes_in_total', l, vs.bytesIn);
    same('portico_virtual_service_bytes_out_total', l, vs.bytesOut);
    for (const [cls, v] of Object.entries(vs.responses))
      same('portico_virtual_service_responses_total', { ...l, class: cls }, v);
    for (const [code, v] of Object.entries(vs.errors))
      same('portico_virtual_service_errors_total', { ...l, code }, v);
    for (const [reason, v] of Object.entries(vs.refused))
      same('portico_virtual_service_refused_total', { ...l, reason }, v);
    let cumulative = 0;
    vs.latency.counts.forEach((count, i) => {
      cumulative += count;
      const le = i < LATENCY_BUCKETS_MS.length ? String(LATENCY_BUCKETS_MS[i]! / 1000) : '+Inf';
      same('portico_virtual_service_latency_seconds_bucket', { ...l, le }, cumulative);
    });
    same('portico_virtual_service_latency_seconds_count', l, answered(vs.latency));
    expect(valueOf(m, 'portico_virtual_service_latency_seconds_sum', l)).toBeCloseTo(
      vs.latency.sumMs / 1000,
      6,
    );
  }
  same('portico_unexpected_errors_total', {}, status.unexpectedErrors);
  return n;
}
