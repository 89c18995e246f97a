/** The metrics endpoint over real HTTP on loopback, with snapshots given by the test. */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startMetricsServer, type MetricsServer } from './server.ts';
import type { MetricsSnapshot } from './snapshot.ts';
import { REFUSALS, type Refusal } from '../../shared/protocol/stats.ts';
import { parsePrometheusText, valueOf } from './prometheus-text.ts';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function refused(some: Partial<Record<Refusal, number>>): Record<Refusal, number> {
  return { ...(Object.fromEntries(REFUSALS.map((r) => [r, 0])) as Record<Refusal, number>), ...some };
}

const base: MetricsSnapshot = {
  unexpectedErrors: 0,
  virtualServices: [
    {
      name: 'owa',
      requests: 120,
      connections: 40,
      activeConnections: 3,
      errors: 2,
      tunnels: 0,
      refused: refused({ badRequest: 4, bodyTimeout: 1 }),
    },
    {
      name: 'lync',
      requests: 0,
      connections: 9,
      activeConnections: 1,
      errors: 0,
      tunnels: 2,
      refused: refused({}),
    },
  ],
  realServers: [
    {
      virtualService: 'owa',
      realServer: 'cas1',
      state: 'up',
      requests: 70,
      connections: 0,
      active: 2,
      errors: 1,
      bytesIn: 1000,
      bytesOut: 50_000,
      latencyMs: 12.5,
    },
    {
      virtualService: 'owa',
      realServer: 'cas2',
      state: 'down',
      requests: 50,
      connections: 0,
      active: 0,
      errors: 5,
      bytesIn: 800,
      bytesOut: 40_000,
    },
    {
      virtualService: 'lync',
      realServer: 'fe1',
      state: 'disabled',
      requests: 0,
      connections: 9,
      active: 1,
      errors: 0,
      bytesIn: 7,
      bytesOut: 9,
    },
  ],
};

async function start(collect: () => MetricsSnapshot): Promise<string> {
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
  it('reports every real server and virtual service series from the snapshot', async () => {
    const m = await scrape(await start(() => base));
    const cas1 = { virtual_service: 'owa', real_server: 'cas1' };
    const cas2 = { virtual_service: 'owa', real_server: 'cas2' };
    const fe1 = { virtual_service: 'lync', real_server: 'fe1' };

    expect(valueOf(m, 'portico_real_server_up', cas1)).toBe(1);
    expect(valueOf(m, 'portico_real_server_up', cas2)).toBe(0);
    expect(valueOf(m, 'portico_real_server_up', fe1)).toBe(0);
    expect(valueOf(m, 'portico_real_server_state', { ...cas2, state: 'down' })).toBe(1);
    expect(valueOf(m, 'portico_real_server_state', { ...cas2, state: 'up' })).toBe(0);
    expect(valueOf(m, 'portico_real_server_state', { ...fe1, state: 'disabled' })).toBe(1);
    expect(m.samples.filter((s) => s.name === 'portico_real_server_state')).toHaveLength(3 * 4);

    expect(valueOf(m, 'portico_requests_total', cas1)).toBe(70);
    expect(valueOf(m, 'portico_requests_total', cas2)).toBe(50);
    expect(valueOf(m, 'portico_connections_total', fe1)).toBe(9);
    expect(valueOf(m, 'portico_errors_total', cas2)).toBe(5);
    expect(valueOf(m, 'portico_bytes_in_total', cas1)).toBe(1000);
    expect(valueOf(m, 'portico_bytes_out_total', cas1)).toBe(50_000);
    expect(valueOf(m, 'portico_active_connections', cas1)).toBe(2);
    expect(valueOf(m, 'portico_health_check_latency_seconds', cas1)).toBe(0.0125);
    // No latency before a check has passed: no sample rather than a made-up 0.
    expect(valueOf(m, 'portico_health_check_latency_seconds', cas2)).toBeUndefined();

    expect(valueOf(m, 'portico_virtual_service_requests_total', { virtual_service: 'owa' })).toBe(120);
    expect(valueOf(m, 'portico_virtual_service_connections_total', { virtual_service: 'lync' })).toBe(9);
    expect(valueOf(m, 'portico_virtual_service_active_connections', { virtual_service: 'owa' })).toBe(3);
    expect(valueOf(m, 'portico_virtual_service_errors_total', { virtual_service: 'owa' })).toBe(2);
    expect(valueOf(m, 'portico_virtual_service_tunnels', { virtual_service: 'lync' })).toBe(2);
    const owaRefused = (reason: string) =>
      valueOf(m, 'portico_virtual_service_refused_total', { virtual_service: 'owa', reason });
    expect(owaRefused('badRequest')).toBe(4);
    expect(owaRefused('bodyTimeout')).toBe(1);
    expect(owaRefused('tunnels')).toBe(0);
    expect(valueOf(m, 'portico_unexpected_errors_total', {})).toBe(0);

    for (const name of [
      'portico_requests_total',
      'portico_bytes_out_total',
      'portico_virtual_service_requests_total',
    ])
      expect(m.types.get(name)).toBe('counter');
    for (const name of [
      'portico_real_server_up',
      'portico_active_connections',
      'portico_health_check_latency_seconds',
    ])
      expect(m.types.get(name)).toBe('gauge');
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
    expect(calls).toBe(1); // one snapshot per scrape, shared by every metric
    snapshot = {
      unexpectedErrors: 0,
      virtualServices: [{ ...base.virtualServices[0]!, requests: 125 }],
      realServers: [{ ...base.realServers[0]!, requests: 75, state: 'down' }],
    };
    const second = await scrape(url);
    expect(calls).toBe(2);
    const cas1 = { virtual_service: 'owa', real_server: 'cas1' };
    expect(valueOf(first, 'portico_requests_total', cas1)).toBe(70);
    expect(valueOf(second, 'portico_requests_total', cas1)).toBe(75);
    expect(valueOf(second, 'portico_real_server_up', cas1)).toBe(0);
    expect(valueOf(second, 'portico_virtual_service_requests_total', { virtual_service: 'owa' })).toBe(125);
    // Servers and services that left the config leave the output too.
    expect(valueOf(second, 'portico_requests_total', { real_server: 'cas2' })).toBeUndefined();
    expect(
      valueOf(second, 'portico_virtual_service_requests_total', { virtual_service: 'lync' }),
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
    const res = await request(`${url}/metrics?name[]=portico_requests_total`);
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
