/**
 * The one status contract (shared/protocol/stats.ts), a test per counter, for http and https
 * exchanges through a real engine on loopback: each test runs one kind of exchange on a fresh
 * engine and checks every counter of the pool member and of the service.
 *
 * What the counters mean, as these tests hold them:
 * - a member counts the connections it accepted (pooled HTTP: upstream connections opened, not
 *   one per request), the requests sent to it, the answers it gave, and latency and bytes of
 *   the requests it answered; a failure at it counts under its code;
 * - a service counts client connections, the requests it handled, every answer it gave (its own
 *   403/404/5xx included) with its latency, and each failed request once, under its last code.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Pool } from 'undici';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentConfigInput, PoolInput, VirtualServiceInput } from '../../shared/model/config.ts';
import {
  LATENCY_BUCKETS_MS,
  type PoolMemberStatus,
  type VirtualServiceStatus,
} from '../../shared/protocol/stats.ts';
import { startBackend, type Backend } from '../../test/support/backends.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { MemoryCerts } from '../../test/support/memory-certs.ts';
import { TestPki, type Issued } from '../../test/support/pki.ts';
import { freePort } from '../../test/support/ports.ts';
import {
  answered,
  bucketOf,
  errorsOf,
  filledBuckets,
  refusedOf,
  responsesOf,
} from '../../test/support/stats.ts';

const BODY = 'x'.repeat(1000);

/** /ok: 1000 bytes; /echo: the body back; /moved: 302; /slow?ms=N; /reset: the connection cut. */
function behave(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/reset') {
    req.socket.destroy();
    return;
  }
  if (url.pathname === '/moved') {
    res.writeHead(302, { location: '/ok' }).end('moved');
    return;
  }
  if (url.pathname === '/slow') {
    setTimeout(() => res.end(BODY), Number(url.searchParams.get('ms')));
    return;
  }
  if (url.pathname === '/echo') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.end(Buffer.concat(chunks)));
    return;
  }
  res.end(BODY);
}

let backend: Backend;
let pki: TestPki;
let root: Issued;
let certs: MemoryCerts;
let engine: TestEngine | undefined;
const clients: (Agent | Pool)[] = [];

beforeAll(async () => {
  backend = await startBackend('a', behave);
  pki = new TestPki();
  root = pki.root('Status Root');
  certs = new MemoryCerts();
  const leaf = pki.issue(root, { cn: 'www.contoso.com' });
  certs.certs.set('www', { key: leaf.key, chain: leaf.chain });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await engine?.stop();
  engine = undefined;
});
afterAll(async () => {
  await backend.close();
  pki.cleanup();
});

type L7Input = Extract<VirtualServiceInput, { protocol: 'http' | 'https' }>;

/** A fresh engine: service "web" (http, or https with the www certificate) on pool "web". */
async function run(
  pool: Omit<PoolInput, 'name'> = {},
  vs: Partial<L7Input> = {},
  protocol: 'http' | 'https' = 'http',
): Promise<TestEngine> {
  const listen = { address: '127.0.0.1', port: await freePort() };
  const service: L7Input =
    protocol === 'https'
      ? { name: 'web', listen, protocol, tls: { certificates: ['www'] }, pool: 'web', ...vs }
      : ({ name: 'web', listen, protocol, pool: 'web', ...vs } as L7Input);
  const config: AgentConfigInput = {
    pools: [{ name: 'web', servers: [{ name: 'a', address: '127.0.0.1', port: backend.port }], ...pool }],
    virtualServices: [service as VirtualServiceInput],
  };
  engine = await startEngine(config, { certs });
  return engine;
}

/** One keep-alive client connection to the service. */
function client(e: TestEngine, protocol: 'http' | 'https' = 'http'): Pool {
  const pool =
    protocol === 'https'
      ? new Pool(`https://127.0.0.1:${e.port('web')}`, {
          connections: 1,
          connect: { ca: root.cert, servername: 'www.contoso.com' },
        })
      : new Pool(e.url('web'), { connections: 1 });
  clients.push(pool);
  return pool;
}

async function call(c: Pool, path: string, init: { method?: string; body?: string } = {}) {
  const r = await c.request({ path, method: (init.method ?? 'GET') as 'GET', body: init.body ?? null });
  const text = await r.body.text();
  return { status: r.statusCode, text };
}

function member(e: TestEngine): PoolMemberStatus {
  return e.engine.status().pools.find((p) => p.name === 'web')!.servers[0]!;
}
function service(e: TestEngine): VirtualServiceStatus {
  return e.engine.status().virtualServices.find((s) => s.name === 'web')!;
}

/** Closes the test's clients and waits until the service holds no client connection. */
async function settle(e: TestEngine): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await until(() => service(e).activeConnections === 0 && member(e).active === 0, 'connections closed');
}

const noTraffic = {
  connections: 0,
  requests: 0,
  responses: responsesOf(),
  bytesIn: 0,
  bytesOut: 0,
  errors: errorsOf(),
  active: 0,
};

describe.each(['http', 'https'] as const)('the status of an %s service', (protocol) => {
  it('2xx: connections, requests, responses, bytes, latency and active, for member and service alike', async () => {
    const e = await run({}, {}, protocol);
    const c = client(e, protocol);
    const upload = 'u'.repeat(5000);
    expect((await call(c, '/ok')).status).toBe(200);
    expect((await call(c, '/ok')).status).toBe(200);
    expect(await call(c, '/echo', { method: 'POST', body: upload })).toEqual({ status: 200, text: upload });
    await settle(e);

    const m = member(e);
    const s = service(e);
    // One client connection, and one pooled upstream connection for three requests.
    expect(s.connections).toBe(1);
    expect(m.connections).toBe(1);
    expect(m.requests).toBe(3);
    expect(s.requests).toBe(3);
    expect(m.responses).toEqual(responsesOf({ '2xx': 3 }));
    expect(s.responses).toEqual(responsesOf({ '2xx': 3 }));
    expect(m.errors).toEqual(errorsOf());
    expect(s.errors).toEqual(errorsOf());
    // Bytes as the client saw them (heads included): at least the bodies, at most a few KiB more.
    for (const t of [m, s]) {
      expect(t.bytesIn).toBeGreaterThanOrEqual(upload.length);
      expect(t.bytesIn).toBeLessThan(upload.length + 4096);
      expect(t.bytesOut).toBeGreaterThanOrEqual(2 * BODY.length + upload.length);
      expect(t.bytesOut).toBeLessThan(2 * BODY.length + upload.length + 4096);
    }
    expect(m.bytesIn).toBe(s.bytesIn);
    expect(m.bytesOut).toBe(s.bytesOut);
    expect(answered(m.latency)).toBe(3);
    expect(answered(s.latency)).toBe(3);
    expect(m.latency.sumMs).toBeGreaterThan(0);
    expect(m.active).toBe(0);
    expect(s).toMatchObject({ activeConnections: 0, tunnels: 0, refused: refusedOf() });
    expect(m).toMatchObject({ key: 'web/a', name: 'a', state: 'up' });
  });

  it('3xx: a redirect from the real server is its answer and the service’s', async () => {
    const e = await run({}, {}, protocol);
    expect((await call(client(e, protocol), '/moved')).status).toBe(302);
    await settle(e);
    const m = member(e);
    const s = service(e);
    // Its bytes are the service's: the same exchange, counted once for each.
    expect(m).toMatchObject({
      ...noTraffic,
      connections: 1,
      requests: 1,
      responses: responsesOf({ '3xx': 1 }),
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
    });
    expect(m.bytesOut).toBeGreaterThanOrEqual('moved'.length);
    expect(s).toMatchObject({
      requests: 1,
      connections: 1,
      responses: responsesOf({ '3xx': 1 }),
      errors: errorsOf(),
    });
    expect([answered(m.latency), answered(s.latency)]).toEqual([1, 1]);
  });

  it('4xx: a deny path is the service’s own answer; the member sees nothing', async () => {
    const e = await run({}, { denyPaths: ['/admin'] }, protocol);
    const r = await call(client(e, protocol), '/admin/x');
    expect(r.status).toBe(403);
    await settle(e);
    const s = service(e);
    expect(member(e)).toMatchObject(noTraffic);
    expect(answered(member(e).latency)).toBe(0);
    expect(s).toMatchObject({
      requests: 1,
      connections: 1,
      responses: responsesOf({ '4xx': 1 }),
      errors: errorsOf(),
    });
    expect(s.bytesOut).toBeGreaterThanOrEqual(r.text.length);
    expect(answered(s.latency)).toBe(1);
  });

  it('5xx NO_SERVER: every server drained; counted once on the service', async () => {
    const e = await run(
      { servers: [{ name: 'a', address: '127.0.0.1', port: backend.port, enabled: false }] },
      {},
      protocol,
    );
    const r = await call(client(e, protocol), '/ok');
    expect(r.status).toBe(503);
    await settle(e);
    const s = service(e);
    expect(member(e)).toMatchObject({ ...noTraffic, state: 'disabled' });
    expect(s).toMatchObject({
      requests: 1,
      responses: responsesOf({ '5xx': 1 }),
      errors: errorsOf({ NO_SERVER: 1 }),
    });
    expect(s.bytesOut).toBeGreaterThanOrEqual(r.text.length);
    expect(answered(s.latency)).toBe(1);
  });

  it('CONNECT_FAILED: the member that refused counts it, opened no connection and got no request', async () => {
    const e = await run(
      { servers: [{ name: 'a', address: '127.0.0.1', port: await freePort() }] },
      {},
      protocol,
    );
    const r = await call(client(e, protocol), '/ok');
    expect(r.status).toBe(502);
    await settle(e);
    const m = member(e);
    expect(m).toMatchObject({ ...noTraffic, errors: errorsOf({ CONNECT_FAILED: 1 }) });
    expect(answered(m.latency)).toBe(0);
    expect(service(e)).toMatchObject({
      requests: 1,
      responses: responsesOf({ '5xx': 1 }),
      errors: errorsOf({ CONNECT_FAILED: 1 }),
    });
    expect(answered(service(e).latency)).toBe(1);
  });

  it('RESPONSE_TIMEOUT: sent, never answered; the service answers 504 after serverMs', async () => {
    const e = await run({ timeouts: { serverMs: 300 } }, {}, protocol);
    const r = await call(client(e, protocol), '/slow?ms=5000');
    expect(r.status).toBe(504);
    await settle(e);
    const m = member(e);
    const s = service(e);
    expect(m).toMatchObject({
      ...noTraffic,
      connections: 1,
      requests: 1,
      errors: errorsOf({ RESPONSE_TIMEOUT: 1 }),
    });
    expect(answered(m.latency)).toBe(0);
    expect(s).toMatchObject({
      requests: 1,
      responses: responsesOf({ '5xx': 1 }),
      errors: errorsOf({ RESPONSE_TIMEOUT: 1 }),
    });
    // Answered after serverMs: in a bucket above 250 ms.
    expect(filledBuckets(s.latency)).toEqual([expect.any(Number)]);
    expect(filledBuckets(s.latency)[0]).toBeGreaterThanOrEqual(bucketOf(300));
  });

  it('UPSTREAM_RESET: a POST the server cut is not retried; one error on each', async () => {
    const e = await run({}, {}, protocol);
    const r = await call(client(e, protocol), '/reset', { method: 'POST', body: 'form=1' });
    expect(r.status).toBe(502);
    await settle(e);
    const m = member(e);
    expect(m).toMatchObject({
      ...noTraffic,
      connections: 1,
      requests: 1,
      errors: errorsOf({ UPSTREAM_RESET: 1 }),
    });
    expect(service(e)).toMatchObject({
      requests: 1,
      responses: responsesOf({ '5xx': 1 }),
      errors: errorsOf({ UPSTREAM_RESET: 1 }),
    });
    expect([answered(m.latency), answered(service(e).latency)]).toEqual([0, 1]);
  });
});

describe('latency', () => {
  it('puts a slow answer in a slower bucket than quick ones, and sums what it counts', async () => {
    const e = await run();
    const c = client(e);
    for (let i = 0; i < 5; i++) await call(c, '/ok');
    const quick = filledBuckets(member(e).latency);
    const began = performance.now();
    await call(c, '/slow?ms=300');
    const slowMs = performance.now() - began;
    await settle(e);
    const m = member(e);
    const s = service(e);
    console.log(
      `latency buckets (ms bounds): quick ${quick.map((i) => LATENCY_BUCKETS_MS[i])}, slow took ${slowMs.toFixed(0)} ms`,
    );
    expect(answered(m.latency)).toBe(6);
    expect(answered(s.latency)).toBe(6);
    const slowBucket = Math.max(...filledBuckets(m.latency));
    // The slow one sits where its time says, above every quick one.
    expect(slowBucket).toBeGreaterThan(Math.max(...quick));
    expect(slowBucket).toBeGreaterThanOrEqual(bucketOf(300));
    expect(m.latency.counts[slowBucket]).toBe(1);
    expect(m.latency.sumMs).toBeGreaterThanOrEqual(300);
    expect(s.latency.sumMs).toBeGreaterThanOrEqual(m.latency.sumMs);
  });
});

describe('pooled upstream connections', () => {
  it('counts connections opened to the member, not requests: two at once need two, a third reuses one', async () => {
    const e = await run();
    const [c1, c2] = [client(e), client(e)];
    await Promise.all([call(c1, '/slow?ms=200'), call(c2, '/slow?ms=200')]);
    await call(c1, '/ok');
    await settle(e);
    expect(member(e)).toMatchObject({ connections: 2, requests: 3, responses: responsesOf({ '2xx': 3 }) });
    expect(service(e)).toMatchObject({ connections: 2, requests: 3 });
  });
});
