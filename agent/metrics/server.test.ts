/** The metrics endpoint over real HTTP on loopback, with statuses given by the test. */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startMetricsServer, type MetricsServer } from './server.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';
import { parsePrometheusText, valueOf } from '../../test/support/prometheus-text.ts';
import { latencyCounts, memberStatus, serviceStatus, statusOf } from '../../test/support/stats.ts';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const base: StatsSnapshot = statusOf(
  [
    {
      name: 'cas',
      servers: [
        memberStatus('cas', 'cas1', {
          requests: 70,
          active: 2,
          responses: { '1xx': 0, '2xx': 65, '3xx': 3, '4xx': 1, '5xx': 1 },
          errors: { ...memberStatus('cas', 'x').errors, UPSTREAM_RESET: 1 },
          bytesIn: 1000,
          bytesOut: 50_000,
          checkLatencyMs: 12.5,
        }),
        memberStatus('cas', 'cas2', {
          state: 'down',
          reason: 'connect ECONNREFUSED',
          requests: 50,
          errors: { ...memberStatus('cas', 'x').errors, CONNECT_FAILED: 5 },
          bytesIn: 800,
          bytesOut: 40_000,
        }),
      ],
    },
    {
      name: 'lync-fe',
      servers: [
        memberStatus('lync-fe', 'fe1', {
          state: 'disabled',
          connections: 9,
          active: 1,
          bytesIn: 7,
          bytesOut: 9,
        }),
      ],
    },
  ],
  [
    serviceStatus('owa', 'https', {
      requests: 120,
      connections: 40,
      activeConnections: 3,
      responses: { '1xx': 0, '2xx': 110, '3xx': 3, '4xx': 5, '5xx': 2 },
      errors: { ...serviceStatus('x', 'http').errors, NO_SERVER: 2 },
      refused: { ...serviceStatus('x', 'http').refused, badRequest: 4, bodyTimeout: 1 },
      // 100 answered within 5 ms, 18 within 50 ms, 2 slower than 30 s.
      latency: {
        counts: latencyCounts([
          [5, 100],
          [50, 18],
          ['slower', 2],
        ]),
        sumMs: 61_234,
      },
    }),
    serviceStatus('lync', 'tcp', { connections: 9, activeConnections: 1, tunnels: 2 }),
  ],
);

async function start(collect: () => StatsSnapshot): Promise<string> {
  server = await startMetricsServer({ host: '127.0.0.1', port: 0, collect });
  expect(server.port).toBeGreaterThan(0);
  return `http://127.0.0.1:${server.port}`;
}

async function scrape(url: string) {
  const res = await request(`${url}/metrics`);
  const text = await res.body.text();
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(text);
}

describe('GET /metrics', () => {
  it('reports every pool member and virtual service series from the status', async () => {
    const m = await scrape(await start(() => base));
    const cas1 = { pool: 'cas', server: 'cas1' };
    const cas2 = { pool: 'cas', server: 'cas2' };
    const fe1 = { pool: 'lync-fe', server: 'fe1' };

    expect(valueOf(m, 'portico_server_up', cas1)).toBe(1);
    expect(valueOf(m, 'portico_server_up', cas2)).toBe(0);
    expect(valueOf(m, 'portico_server_up', fe1)).toBe(0);
    expect(valueOf(m, 'portico_server_state', { ...cas2, state: 'down' })).toBe(1);
    expect(valueOf(m, 'portico_server_state', { ...cas2, state: 'up' })).toBe(0);
    expect(valueOf(m, 'portico_server_state', { ...fe1, state: 'disabled' })).toBe(1);
    expect(m.samples.filter((s) => s.name === 'portico_server_state')).toHaveLength(3 * 4);

    expect(valueOf(m, 'portico_server_requests_total', cas1)).toBe(70);
    expect(valueOf(m, 'portico_server_requests_total', cas2)).toBe(50);
    expect(valueOf(m, 'portico_server_connections_total', fe1)).toBe(9);
    expect(valueOf(m, 'portico_server_responses_total', { ...cas1, class: '2xx' })).toBe(65);
    expect(valueOf(m, 'portico_server_responses_total', { ...cas1, class: '5xx' })).toBe(1);
    expect(valueOf(m, 'portico_server_errors_total', { ...cas2, code: 'CONNECT_FAILED' })).toBe(5);
    expect(valueOf(m, 'portico_server_errors_total', { ...cas2, code: 'NO_SERVER' })).toBe(0);
    expect(valueOf(m, 'portico_server_errors_total', { ...cas1, code: 'UPSTREAM_RESET' })).toBe(1);
    // Every code and class of every member, zeros included: a rate over a missing series is no rate.
    expect(m.samples.filter((s) => s.name === 'portico_server_errors_total')).toHaveLength(3 * 7);
    expect(m.samples.filter((s) => s.name === 'portico_server_responses_total')).toHaveLength(3 * 5);
    expect(valueOf(m, 'portico_server_bytes_in_total', cas1)).toBe(1000);
    expect(valueOf(m, 'portico_server_bytes_out_total', cas1)).toBe(50_000);
    expect(valueOf(m, 'portico_server_active', cas1)).toBe(2);
    expect(valueOf(m, 'portico_server_active', fe1)).toBe(1);
    expect(valueOf(m, 'portico_server_check_latency_seconds', cas1)).toBe(0.0125);
    // No latency before a check has passed: no sample rather than a made-up 0.
    expect(valueOf(m, 'portico_server_check_latency_seconds', cas2)).toBeUndefined();

    const owa = { virtual_service: 'owa' };
    expect(valueOf(m, 'portico_virtual_service_requests_total', owa)).toBe(120);
    expect(valueOf(m, 'portico_virtual_service_connections_total', { virtual_service: 'lync' })).toBe(9);
    expect(valueOf(m, 'portico_virtual_service_active_connections', owa)).toBe(3);
    expect(valueOf(m, 'portico_virtual_service_responses_total', { ...owa, class: '4xx' })).toBe(5);
    expect(valueOf(m, 'portico_virtual_service_errors_total', { ...owa, code: 'NO_SERVER' })).toBe(2);
    expect(valueOf(m, 'portico_virtual_service_tunnels', { virtual_service: 'lync' })).toBe(2);
    const owaRefused = (reason: string) =>
      valueOf(m, 'portico_virtual_service_refused_total', { ...owa, reason });
    expect(owaRefused('badRequest')).toBe(4);
    expect(owaRefused('bodyTimeout')).toBe(1);
    expect(owaRefused('tunnels')).toBe(0);
    expect(valueOf(m, 'portico_unexpected_errors_total', {})).toBe(0);

    for (const name of [
      'portico_server_requests_total',
      'portico_server_bytes_out_total',
      'portico_server_errors_total',
      'portico_virtual_service_requests_total',
      'portico_virtual_service_refused_total',
    ])
      expect(m.types.get(name)).toBe('counter');
    for (const name of [
      'portico_server_up',
      'portico_server_active',
      'portico_server_check_latency_seconds',
      'portico_virtual_service_tunnels',
    ])
      expect(m.types.get(name)).toBe('gauge');
  });

  it('gives each service its latency as a cumulative histogram in seconds', async () => {
    const m = await scrape(await start(() => base));
    const name = 'portico_virtual_service_latency_seconds';
    expect(m.types.get(name)).toBe('histogram');
    const bucket = (le: string) => valueOf(m, `${name}_bucket`, { virtual_service: 'owa', le });
    expect(bucket('0.001')).toBe(0);
    expect(bucket('0.005')).toBe(100);
    expect(bucket('0.025')).toBe(100);
    expect(bucket('0.05')).toBe(118);
    expect(bucket('30')).toBe(118);
    expect(bucket('+Inf')).toBe(120);
    expect(valueOf(m, `${name}_count`, { virtual_service: 'owa' })).toBe(120);
    expect(valueOf(m, `${name}_sum`, { virtual_service: 'owa' })).toBeCloseTo(61.234, 6);
    // A service without answers has its buckets, all zero.
    expect(valueOf(m, `${name}_count`, { virtual_service: 'lync' })).toBe(0);
    expect(m.samples.filter((s) => s.name === `${name}_bucket`)).toHaveLength(2 * 15);
  });

  it('includes the default process metrics', async () => {
    const m = await scrape(await start(() => base));
    expect(valueOf(m, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(m.samples.some((s) => s.name.startsWith('nodejs_'))).toBe(true);
  });

  it('reads the counters at scrape time: a scrape shows the totals then, never a sum of scrapes', async () => {
    let snapshot = base;
    let calls = 0;
    const url = await start(() => {
      calls++;
      return snapshot;
    });
    const first = await scrape(url);
    expect(calls).toBe(1); // one status per scrape, shared by every metric
    const cas = base.pools[0]!;
    snapshot = statusOf(
      [{ name: 'cas', servers: [{ ...cas.servers[0]!, requests: 75, state: 'down' }] }],
      [{ ...base.virtualServices[0]!, requests: 125 }],
    );
    const second = await scrape(url);
    expect(calls).toBe(2);
    const cas1 = { pool: 'cas', server: 'cas1' };
    expect(valueOf(first, 'portico_server_requests_total', cas1)).toBe(70);
    expect(valueOf(second, 'portico_server_requests_total', cas1)).toBe(75);
    expect(valueOf(second, 'portico_server_up', cas1)).toBe(0);
    expect(valueOf(second, 'portico_virtual_service_requests_total', { virtual_service: 'owa' })).toBe(125);
    // Servers, pools and services that left the config leave the output too.
    expect(valueOf(second, 'portico_server_requests_total', { server: 'cas2' })).toBeUndefined();
    expect(valueOf(second, 'portico_server_up', { pool: 'lync-fe' })).toBeUndefined();
    expect(
      valueOf(second, 'portico_virtual_service_requests_total', { virtual_service: 'lync' }),
    ).toBeUndefined();
    expect(
      valueOf(second, 'portico_virtual_service_latency_seconds_count', { virtual_service: 'lync' }),
    ).toBeUndefined();
  });

  it('answers HEAD without a body', async () => {
    const url = await start(() => base);
    const res = await request(`${url}/metrics`, { method: 'HEAD' });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('');
  });

  it('answers 500 without details when collecting fails, and says why to onError', async () => {
    const errors: unknown[] = [];
    server = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      collect: () => {
        throw new Error('engine gone');
      },
      onError: (e) => errors.push(e),
    });
    const res = await request(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.statusCode).toBe(500);
    expect(await res.body.text()).toBe('cannot collect metrics\n');
    expect(errors).toEqual([new Error('engine gone')]);
  });
});

describe('everything else', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/metrics/'],
    ['GET', '/metricsx'],
    ['GET', '/favicon.ico'],
    ['POST', '/metrics'],
    ['DELETE', '/metrics'],
  ] as const)('%s %s → 404', async (method, path) => {
    const url = await start(() => base);
    const res = await request(`${url}${path}`, { method });
    expect(res.statusCode).toBe(404);
    await res.body.dump();
  });

  it('a query string on /metrics is fine', async () => {
    const url = await start(() => base);
    const res = await request(`${url}/metrics?name[]=portico_server_requests_total`);
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });
});

describe('the server', () => {
  it('refuses a port in use, saying so', async () => {
    await start(() => base);
    await expect(
      startMetricsServer({ host: '127.0.0.1', port: server!.port, collect: () => base }),
    ).rejects.toThrow(/metrics: cannot listen on 127\.0\.0\.1:\d+: the address is already in use/);
  });

  it('closes with a keep-alive connection open', async () => {
    const url = await start(() => base);
    const res = await request(`${url}/metrics`);
    await res.body.dump();
    const s = server!;
    server = undefined;
    await s.close();
    await expect(request(`${url}/metrics`)).rejects.toThrow();
  });
});
