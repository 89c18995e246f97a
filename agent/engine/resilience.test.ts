/**
 * The data plane under failure, over real sockets on loopback: a real server dying under load,
 * draining, no server at all, refused connections, slow servers and connection limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Pool, request } from 'undici';
import type { AgentConfigInput, PoolInput, VirtualServiceInput } from '../../shared/model/config.ts';
import { startBackend, startBackends, type Backend } from '../../test/support/backends.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function engineFor(input: AgentConfigInput): Promise<TestEngine> {
  const e = await startEngine(input);
  cleanups.push(() => e.stop());
  return e;
}

type HttpServiceInput = Extract<VirtualServiceInput, { protocol: 'http' }>;

/** The http service "web" on `port` (a free one by default) sending to the pool "web". */
async function web(
  pool: Omit<PoolInput, 'name'>,
  vs: Partial<HttpServiceInput> = {},
  port?: number,
): Promise<AgentConfigInput> {
  return {
    pools: [{ name: 'web', ...pool }],
    virtualServices: [
      {
        name: 'web',
        listen: { address: '127.0.0.1', port: port ?? (await freePort()) },
        protocol: 'http',
        pool: 'web',
        ...vs,
      },
    ],
  };
}

async function backends(...names: string[]): Promise<Backend[]> {
  const list = await startBackends(names);
  for (const b of list) cleanups.push(() => b.close());
  return list;
}

const rs = (b: Backend, extra: Record<string, unknown> = {}) => ({
  name: b.name,
  address: '127.0.0.1',
  port: b.port,
  ...extra,
});

function stateOf(e: TestEngine, key: string): string | undefined {
  return e.engine.healthSnapshot().find((h) => h.key === key)?.state;
}

describe('a real server killed under load', () => {
  it('is marked down within interval × fall and the load goes on without failures', async () => {
    const [a, b, c] = await backends('a', 'b', 'c');
    const e = await engineFor(
      await web({
        healthCheck: { type: 'http', path: '/health', intervalMs: 100, timeoutMs: 500, rise: 1, fall: 2 },
        servers: [rs(a!), rs(b!), rs(c!)],
      }),
    );
    await until(() => ['a', 'b', 'c'].every((n) => stateOf(e, `web/${n}`) === 'up'), 'all servers up');

    const concurrency = 8;
    const total = 600;
    const pool = new Pool(e.url('web'), { connections: concurrency, pipelining: 1 });
    cleanups.push(() => pool.destroy());
    const deadline = Date.now() + 20_000;
    let started = 0;
    let done = 0;
    const failures: string[] = [];
    const servedBy: string[] = [];
    let killedAt = 0;
    let downAfterMs = -1;
    let killing: Promise<void> | undefined;

    const worker = async () => {
      while (started < total && Date.now() < deadline) {
        started++;
        try {
          const res = await pool.request({ path: '/', method: 'GET' });
          const body = await res.body.text();
          if (res.statusCode !== 200) failures.push(`${res.statusCode} ${body}`);
          else servedBy.push((JSON.parse(body) as { backend: string }).backend);
        } catch (err) {
          failures.push((err as Error).message);
        }
        done++;
        if (done === 150 && !killing) {
          killing = (async () => {
            killedAt = Date.now();
            await b!.kill();
            await until(() => stateOf(e, 'web/b') === 'down', 'b marked down', 5_000);
            downAfterMs = Date.now() - killedAt;
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await killing;

    expect(done).toBe(total);
    // interval 100 ms × fall 2, plus generous slack for a loaded test machine.
    expect(downAfterMs).toBeGreaterThanOrEqual(0);
    expect(downAfterMs).toBeLessThan(1_500);
    // Connect failures and body-less requests are retried on another server: at most the
    // requests in flight on b when it died could fail, and the engine should save even those.
    expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(concurrency);
    expect(servedBy.length + failures.length).toBe(total);
    // b served before it died; afterwards a and c carried the load.
    expect(servedBy.slice(0, 100)).toContain('b');
    expect(servedBy.slice(-200)).not.toContain('b');
    expect(new Set(servedBy.slice(-200))).toEqual(new Set(['a', 'c']));
    // The load really did hit the dead server before it was marked down: retries saved those.
    expect(e.engine.pool('web')!.servers.find((s) => s.name === 'b')!.traffic.failures).toBeGreaterThan(0);
  });
});

describe('draining a real server', () => {
  it('lets its in-flight request finish while new requests go to the other server', async () => {
    const [a, b] = await backends('a', 'b');
    const port = await freePort();
    const config = (drained?: string) =>
      web({ servers: [a!, b!].map((x) => rs(x, { enabled: x.name !== drained })) }, {}, port);
    const e = await engineFor(await config());

    const slow = request(`${e.url('web')}/slow?ms=500`).then(async (r) => ({
      status: r.statusCode,
      body: await r.body.text(),
    }));
    let target: Backend | undefined;
    await until(() => {
      target = [a!, b!].find((x) => x.seen.some((r) => r.url?.startsWith('/slow')));
      return target !== undefined;
    }, 'the slow request reaching a real server');
    const other = target === a ? b! : a!;

    await e.apply(await config(target!.name));
    const after: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await request(`${e.url('web')}/`);
      expect(r.statusCode).toBe(200);
      after.push(((await r.body.json()) as { backend: string }).backend);
    }
    const done = await slow;
    expect(done.status).toBe(200);
    expect((JSON.parse(done.body) as { backend: string }).backend).toBe(target!.name);
    expect(after).toEqual(Array(10).fill(other.name));
    expect(stateOf(e, `web/${target!.name}`)).toBe('disabled');
  });
});

describe('no real server up', () => {
  it('answers 503 naming NO_SERVER when every server fails its health check', async () => {
    const [a, b] = await backends('a', 'b');
    a!.healthStatus = 500;
    b!.healthStatus = 500;
    const e = await engineFor(
      await web({
        healthCheck: { type: 'http', path: '/health', intervalMs: 100, rise: 1, fall: 1 },
        servers: [rs(a!), rs(b!)],
      }),
    );
    await until(() => stateOf(e, 'web/a') === 'down' && stateOf(e, 'web/b') === 'down', 'both down');
    const seenBefore = a!.seen.length + b!.seen.length;
    const r = await request(`${e.url('web')}/anything`);
    const body = await r.body.text();
    expect(r.statusCode).toBe(503);
    expect(body).toContain('NO_SERVER');
    // Only health checks reached the servers, never the request.
    expect([...a!.seen, ...b!.seen].slice(seenBefore).every((q) => q.url === '/health')).toBe(true);
  });

  it('answers 503 naming NO_SERVER when every server is disabled', async () => {
    const [a] = await backends('a');
    const e = await engineFor(await web({ servers: [rs(a!, { enabled: false })] }));
    const r = await request(`${e.url('web')}/`);
    expect(r.statusCode).toBe(503);
    expect(await r.body.text()).toContain('NO_SERVER');
    expect(a!.seen).toHaveLength(0);
  });
});

describe('connection refused', () => {
  it('is retried on another real server, so every request succeeds', async () => {
    const [a] = await backends('a');
    const closed = await freePort();
    const e = await engineFor(
      await web({ servers: [{ name: 'dead', address: '127.0.0.1', port: closed }, rs(a!)] }),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await request(`${e.url('web')}/`, {
        method: i % 2 ? 'GET' : 'POST',
        body: i % 2 ? null : `body-${i}`,
      });
      const text = await r.body.text();
      statuses.push(r.statusCode);
      if (i % 2 === 0) expect(text).toBe(`body-${i}`);
    }
    expect(statuses).toEqual(Array(20).fill(200));
    const dead = e.engine.pool('web')!.servers.find((s) => s.name === 'dead')!;
    // Round-robin really did send requests to the dead server first: the retry saved them.
    expect(dead.traffic.errors.CONNECT_FAILED).toBeGreaterThanOrEqual(5);
    // Saved: the service answered every request and counts no failure.
    expect(e.engine.service('web')!.stats.traffic.failures).toBe(0);
    expect(a!.seen).toHaveLength(20);
  });

  it('answers 502 CONNECT_FAILED when every server refuses', async () => {
    const e = await engineFor(
      await web({
        servers: [
          { name: 'd1', address: '127.0.0.1', port: await freePort() },
          { name: 'd2', address: '127.0.0.1', port: await freePort() },
        ],
      }),
    );
    const r = await request(`${e.url('web')}/`);
    expect(r.statusCode).toBe(502);
    expect(await r.body.text()).toContain('CONNECT_FAILED');
  });
});

describe('a slow real server', () => {
  it('gets 504 naming RESPONSE_TIMEOUT after timeouts.serverMs', async () => {
    const [a] = await backends('a');
    const e = await engineFor(await web({ timeouts: { serverMs: 300 }, servers: [rs(a!)] }));
    const began = Date.now();
    const r = await request(`${e.url('web')}/slow?ms=3000`);
    const body = await r.body.text();
    expect(r.statusCode).toBe(504);
    expect(body).toContain('RESPONSE_TIMEOUT');
    expect(Date.now() - began).toBeLessThan(2_500);
    // A fast request on the same service still works.
    const ok = await request(`${e.url('web')}/slow?ms=50`);
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
  });
});

describe('maxConnections', () => {
  /** A backend that counts requests in progress and remembers the peak. */
  async function countingBackend(name: string) {
    const stats = { now: 0, peak: 0, served: 0 };
    const b = await startBackend(name, (req, res) => {
      stats.now++;
      stats.peak = Math.max(stats.peak, stats.now);
      setTimeout(() => {
        stats.now--;
        stats.served++;
        res.setHeader('x-backend', name);
        res.end(name);
      }, 200);
    });
    cleanups.push(() => b.close());
    return { b, stats };
  }

  it('never sends a server more concurrent requests than its limit; the rest go elsewhere', async () => {
    const limited = await countingBackend('limited');
    const free = await countingBackend('free');
    const e = await engineFor(await web({ servers: [rs(limited.b, { maxConnections: 2 }), rs(free.b)] }));
    const results = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const r = await request(`${e.url('web')}/`);
        return { status: r.statusCode, body: await r.body.text() };
      }),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(limited.stats.peak).toBeLessThanOrEqual(2);
    expect(limited.stats.served).toBeGreaterThanOrEqual(1);
    expect(free.stats.served).toBe(12 - limited.stats.served);
  });

  it('with only a full server, excess requests are refused with 503 rather than sent', async () => {
    const only = await countingBackend('only');
    const e = await engineFor(await web({ servers: [rs(only.b, { maxConnections: 2 })] }));
    const results = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const r = await request(`${e.url('web')}/`);
        return { status: r.statusCode, body: await r.body.text() };
      }),
    );
    expect(only.stats.peak).toBeLessThanOrEqual(2);
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok.length).toBeGreaterThanOrEqual(2);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.body).toContain('NO_SERVER');
    }
    // After the burst, the server takes requests again.
    const later = await request(`${e.url('web')}/`);
    expect(later.statusCode).toBe(200);
    await later.body.dump();
  });
});
