/**
 * A real Engine with real back ends on loopback: traffic goes through it, and the metrics
 * endpoint, scraped over HTTP, reports what the data plane counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Server } from 'node:net';
import { Agent, request } from 'undici';
import { startBackends, type Backend } from '../../test/support/backends.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';
import type { AgentConfigInput } from '../../shared/model/config.ts';
import { snapshotFromEngine } from './from-engine.ts';
import { startMetricsServer, type MetricsServer } from './server.ts';
import { parsePrometheusText, valueOf } from './prometheus-text.ts';

let backends: Backend[];
let echo: Server;
let engine: TestEngine;
let metrics: MetricsServer;
const client = new Agent({ connections: 1 });

const rs = (vs: string, name: string) => ({ virtual_service: vs, real_server: name });

beforeAll(async () => {
  backends = await startBackends(['a', 'b']);
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const config: AgentConfigInput = {
    virtualServices: [
      {
        name: 'web',
        listen: { address: '127.0.0.1', port: await freePort() },
        protocol: 'http',
        healthCheck: { type: 'http', path: '/health', intervalMs: 100, timeoutMs: 500, rise: 1, fall: 1 },
        realServers: [
          ...backends.map((b) => ({ name: b.name, address: '127.0.0.1', port: b.port })),
          { name: 'gone', address: '127.0.0.1', port: await freePort() },
        ],
      },
      {
        name: 'l4',
        listen: { address: '127.0.0.1', port: await freePort() },
        protocol: 'tcp',
        realServers: [
          { name: 'echo', address: '127.0.0.1', port: (echo.address() as { port: number }).port },
        ],
      },
      {
        name: 'off',
        enabled: false,
        listen: { address: '127.0.0.1', port: await freePort() },
        protocol: 'http',
        realServers: [{ name: 'x', address: '127.0.0.1', port: 1 }],
      },
    ],
  } as AgentConfigInput;
  engine = await startEngine(config);
  metrics = await startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    collect: () => snapshotFromEngine(engine.engine),
  });
  const states = () => new Map(engine.engine.healthSnapshot().map((h) => [h.realServer, h.state]));
  await until(
    () => states().get('a') === 'up' && states().get('b') === 'up' && states().get('gone') === 'down',
    'health checks to settle',
  );
});

afterAll(async () => {
  await metrics?.close();
  await engine?.stop();
  await client.close();
  await Promise.all(backends.map((b) => b.close()));
  await new Promise((r) => echo.close(r));
});

async function scrape() {
  const res = await request(`http://127.0.0.1:${metrics.port}/metrics`);
  expect(res.statusCode).toBe(200);
  return parsePrometheusText(await res.body.text());
}

async function get(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await request(`${engine.url('web')}/hello`, { dispatcher: client });
    expect(res.statusCode).toBe(200);
    await res.body.text();
  }
}

/** One L4 connection that sends `text`, reads the echo and closes. */
async function roundTrip(text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(engine.port('l4'), '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString();
      if (got === text) socket.end();
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

describe('metrics from a running engine', () => {
  it('counts requests, bytes and connections that went through it, and shows health', async () => {
    await get(10);
    await roundTrip('hello');
    const echoServer = engine.engine.service('l4')!.servers[0]!;
    await until(
      () => echoServer.bytesOut === 5 && echoServer.active === 0,
      'the L4 connection to be counted',
    );

    const m = await scrape();
    // Round-robin over the two servers that are up; the down one gets nothing.
    expect(valueOf(m, 'portico_requests_total', rs('web', 'a'))).toBe(5);
    expect(valueOf(m, 'portico_requests_total', rs('web', 'b'))).toBe(5);
    expect(valueOf(m, 'portico_requests_total', rs('web', 'gone'))).toBe(0);
    expect(valueOf(m, 'portico_bytes_out_total', rs('web', 'a'))).toBeGreaterThan(5 * 20);
    expect(valueOf(m, 'portico_active_connections', rs('web', 'a'))).toBe(0);
    expect(valueOf(m, 'portico_virtual_service_requests_total', { virtual_service: 'web' })).toBe(10);
    // One keep-alive client connection carried all ten requests.
    expect(valueOf(m, 'portico_virtual_service_connections_total', { virtual_service: 'web' })).toBe(1);
    expect(valueOf(m, 'portico_virtual_service_errors_total', { virtual_service: 'web' })).toBe(0);

    expect(valueOf(m, 'portico_real_server_up', rs('web', 'a'))).toBe(1);
    expect(valueOf(m, 'portico_real_server_up', rs('web', 'gone'))).toBe(0);
    expect(valueOf(m, 'portico_real_server_state', { ...rs('web', 'gone'), state: 'down' })).toBe(1);
    const latency = valueOf(m, 'portico_health_check_latency_seconds', rs('web', 'a'));
    expect(latency).toBeGreaterThan(0);
    expect(latency).toBeLessThan(0.5);
    expect(valueOf(m, 'portico_health_check_latency_seconds', rs('web', 'gone'))).toBeUndefined();

    expect(valueOf(m, 'portico_connections_total', rs('l4', 'echo'))).toBe(1);
    expect(valueOf(m, 'portico_bytes_in_total', rs('l4', 'echo'))).toBe(5);
    expect(valueOf(m, 'portico_bytes_out_total', rs('l4', 'echo'))).toBe(5);
    expect(valueOf(m, 'portico_virtual_service_connections_total', { virtual_service: 'l4' })).toBe(1);
    // With no health check configured, an enabled server counts as up.
    expect(valueOf(m, 'portico_real_server_up', rs('l4', 'echo'))).toBe(1);

    // A disabled virtual service has no runtime and no series.
    expect(m.samples.some((s) => s.labels.virtual_service === 'off')).toBe(false);
  });

  it('shows later traffic and health changes at the next scrape', async () => {
    const before = await scrape();
    await get(4);
    const after = await scrape();
    const total = (m: typeof before) =>
      (valueOf(m, 'portico_requests_total', rs('web', 'a')) ?? 0) +
      (valueOf(m, 'portico_requests_total', rs('web', 'b')) ?? 0);
    expect(total(after) - total(before)).toBe(4);

    await backends[1]!.kill();
    await until(
      () => engine.engine.healthSnapshot().find((h) => h.realServer === 'b')?.state === 'down',
      'b to be seen down',
    );
    const down = await scrape();
    expect(valueOf(down, 'portico_real_server_up', rs('web', 'b'))).toBe(0);
    expect(valueOf(down, 'portico_real_server_state', { ...rs('web', 'b'), state: 'down' })).toBe(1);
    expect(valueOf(down, 'portico_real_server_up', rs('web', 'a'))).toBe(1);
  });

  it('snapshotFromEngine copies the engine counters as they are', () => {
    const snap = snapshotFromEngine(engine.engine);
    expect(snap.virtualServices.map((v) => v.name)).toEqual(['web', 'l4']);
    const web = engine.engine.service('web')!;
    expect(snap.virtualServices[0]).toEqual({ name: 'web', ...web.stats });
    for (const server of web.servers) {
      expect(snap.realServers).toContainEqual(
        expect.objectContaining({
          virtualService: 'web',
          realServer: server.name,
          requests: server.requests,
          connections: server.connections,
          active: server.active,
          errors: server.errors,
          bytesIn: server.bytesIn,
          bytesOut: server.bytesOut,
        }),
      );
    }
  });
});
