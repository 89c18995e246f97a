/**
 * Applying configs while traffic flows: no request is dropped, a config that cannot be bound
 * leaves the running one serving, and health state survives a reload.
 */
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Pool, request } from 'undici';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { AgentConfigInput, PoolInput, VirtualServiceInput } from '../../shared/model/config.ts';
import { ApplyError } from './engine.ts';
import { startBackends, type Backend } from '../../test/support/backends.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

type HttpServiceInput = Extract<VirtualServiceInput, { protocol: 'http' }>;

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

async function engineFor(input: AgentConfigInput): Promise<TestEngine> {
  const e = await startEngine(input);
  cleanups.push(() => e.stop());
  return e;
}

/** An http service on `port` and the pool of the same name it sends to. */
function http(
  name: string,
  port: number,
  pool: Omit<PoolInput, 'name'>,
  vs: Partial<HttpServiceInput> = {},
): { pool: PoolInput; service: HttpServiceInput } {
  return {
    pool: { name, ...pool },
    service: { name, listen: { address: '127.0.0.1', port }, protocol: 'http', pool: name, ...vs },
  };
}

/** A config of those services and their pools. */
const configOf = (...parts: { pool: PoolInput; service: HttpServiceInput }[]): AgentConfigInput => ({
  pools: parts.map((p) => p.pool),
  virtualServices: parts.map((p) => p.service),
});

/**
 * `clients` keep-alive clients, each sending requests back to back until `stop()` is called
 * (or a count / deadline is reached). Every non-200 or error is a failure.
 */
function load(url: string, clients: number, opts: { connectionPerRequest?: boolean } = {}) {
  const pool = new Pool(url, { connections: clients, pipelining: 1 });
  const reset = opts.connectionPerRequest ?? false;
  let stopping = false;
  const failures: string[] = [];
  const servedBy = new Map<string, number>();
  let ok = 0;
  const deadline = Date.now() + 15_000;
  const worker = async (w: number) => {
    for (let i = 0; i < 20_000 && !stopping && Date.now() < deadline; i++) {
      // Alternate GETs and POSTs: POSTs have a body, so the engine may not retry them.
      const post = i % 3 === 0;
      try {
        const r = await pool.request({
          path: `/w${w}/${i}`,
          method: post ? 'POST' : 'GET',
          body: post ? `payload-${w}-${i}` : null,
          reset,
        });
        const body = await r.body.text();
        const from = r.headers['x-backend'];
        if (r.statusCode !== 200) failures.push(`${r.statusCode} ${body}`);
        else if (post && body !== `payload-${w}-${i}`) failures.push(`bad echo ${body}`);
        else {
          ok++;
          if (typeof from === 'string') servedBy.set(from, (servedBy.get(from) ?? 0) + 1);
        }
      } catch (err) {
        failures.push(`${(err as Error).name}: ${(err as Error).message}`);
      }
    }
  };
  const running = Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  return {
    get ok() {
      return ok;
    },
    failures,
    servedBy,
    stop: async () => {
      stopping = true;
      await running;
      await pool.close();
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reload under load', () => {
  it('drops no request across weight, server, scheduler, service and listener changes', async () => {
    const [a, b, c, d] = await backends('a', 'b', 'c', 'd');
    const port = await freePort();
    const otherPort = await freePort();
    const web = (pool: Omit<PoolInput, 'name'>, vs: Partial<HttpServiceInput> = {}) =>
      http('web', port, { scheduler: 'weighted-round-robin', ...pool }, vs);
    const other = http('other', otherPort, { servers: [rs(d!)] });
    const e = await engineFor(configOf(web({ servers: [rs(a!, { weight: 1 }), rs(b!, { weight: 1 })] })));
    const listenerOf = () => e.engine.addresses().get('web');

    const three = { scheduler: 'least-connections' as const, servers: [rs(a!), rs(b!), rs(c!)] };
    const steps: [string, AgentConfigInput][] = [
      ['weights changed', configOf(web({ servers: [rs(a!, { weight: 5 }), rs(b!, { weight: 1 })] }))],
      [
        'a real server added',
        configOf(web({ servers: [rs(a!, { weight: 5 }), rs(b!, { weight: 1 }), rs(c!, { weight: 2 })] })),
      ],
      ['scheduler changed', configOf(web(three))],
      ['a second service added', configOf(web(three), other)],
      ['the second service removed', configOf(web(three))],
      ['maxHeaderBytes changed (new listener)', configOf(web(three, { maxHeaderBytes: 8192 }))],
      [
        'clientHeaderMs changed (another new listener) and a server removed',
        configOf(
          web(
            { scheduler: 'round-robin', servers: [rs(a!), rs(c!)] },
            { maxHeaderBytes: 8192, timeouts: { clientHeaderMs: 5_000 } },
          ),
        ),
      ],
    ];

    const traffic = load(e.url('web'), 4);
    await pause(150);
    const before = e.engine.service('web')!;
    for (const [what, cfg] of steps) {
      const okBefore = traffic.ok;
      await e.apply(cfg);
      if (what === 'a second service added') {
        const r = await request(e.url('other'));
        expect(await r.body.json()).toMatchObject({ backend: 'd' });
      }
      if (what === 'the second service removed') expect(e.engine.addresses().has('other')).toBe(false);
      // Requests keep flowing after each step (waiting on progress, not on a clock).
      await until(() => traffic.ok >= okBefore + 20, `requests to keep flowing after "${what}"`, 10_000);
    }
    expect(listenerOf()?.port).toBe(port);
    await traffic.stop();

    expect(traffic.failures, traffic.failures.slice(0, 5).join('\n')).toEqual([]);
    expect(traffic.ok).toBeGreaterThan(7 * 20);
    // Every server of every step took part, and the removed one took no more after.
    expect([...traffic.servedBy.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(e.engine.service('web')).not.toBe(before);
    // The second service's port is free again.
    await expect(canBind(otherPort)).resolves.toBe(true);
  }, 30_000);
});

describe('a listener replaced by a reload', () => {
  it('ends its keep-alive connections gracefully: next answers say close, quiet ones close soon', async () => {
    const [a] = await backends('a');
    const port = await freePort();
    const cfg = (maxHeaderBytes: number) =>
      configOf(http('web', port, { servers: [rs(a!)] }, { maxHeaderBytes }));
    // A long drain, so "closed soon" cannot be the drain deadline cutting everything.
    const e = await startEngine(cfg(16384), { drainMs: 20_000 });
    cleanups.push(() => e.stop());

    const idle = rawConnection(port);
    const reused = rawConnection(port);
    const busy = rawConnection(port);
    await idle.get('/');
    await reused.get('/');
    const slow = busy.get('/slow?ms=400');
    await until(() => a!.seen.some((q) => q.url === '/slow?ms=400'), 'the slow request in flight');

    await e.apply(cfg(8192)); // a new listener on the same port, the old one retires
    // An old connection used again at once: served, and told to close.
    const again = await reused.get('/again');
    expect(again.status).toBe(200);
    expect(again.head.toLowerCase()).toContain('connection: close');
    // The request in flight finishes on the old listener.
    expect((await slow).status).toBe(200);
    // Every old connection is gone long before the 20 s drain.
    await until(() => idle.closed && reused.closed && busy.closed, 'old connections closed', 3_000);
    expect(idle.reset || reused.reset || busy.reset).toBe(false);
    // New connections reach the new listener.
    const fresh = await request(`http://127.0.0.1:${port}/`, { headers: { 'x-pad': 'p'.repeat(10_000) } });
    expect(fresh.statusCode).toBe(431);
    await fresh.body.dump();
  });
});

describe('an apply that cannot bind', () => {
  it('throws ApplyError and the old config keeps serving, unchanged', async () => {
    const [a, b] = await backends('a', 'b');
    const port = await freePort();
    const busyPort = await freePort();
    // Held open without SO_REUSEPORT, so the engine's bind must fail.
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(busyPort, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));

    const good = configOf(http('web', port, { servers: [rs(a!), rs(b!)] }));
    const e = await engineFor(good);
    const configBefore = e.engine.config;

    const traffic = load(e.url('web'), 2);
    await pause(100);
    const bad = configOf(
      // Would drain b and rebuild the listener, if the apply went through.
      http(
        'web',
        port,
        { servers: [rs(a!), rs(b!, { enabled: false, weight: 7 })] },
        { maxHeaderBytes: 4096 },
      ),
      http('blocked', busyPort, { servers: [rs(a!)] }),
    );
    const err = await e.apply(bad).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(ApplyError);
    expect((err as ApplyError).message).toMatch(/in use|EADDRINUSE/);
    await pause(150);
    await traffic.stop();

    expect(traffic.failures).toEqual([]);
    expect(e.engine.config).toBe(configBefore);
    expect(e.engine.addresses().has('blocked')).toBe(false);
    const server = e.engine.pool('web')!.servers.find((s) => s.name === 'b')!;
    expect(server.enabled).toBe(true);
    expect(server.weight).toBe(1);
    // Still round-robin over a and b: b was not drained by the failed apply.
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await request(e.url('web'));
      expect(r.statusCode).toBe(200);
      seen.add(((await r.body.json()) as { backend: string }).backend);
    }
    expect(seen).toEqual(new Set(['a', 'b']));
    // Still the old listener's limits: a 6 KiB header fits under 16 KiB, not under 4 KiB.
    const big = await request(e.url('web'), { headers: { 'x-pad': 'p'.repeat(6_000) } });
    expect(big.statusCode).toBe(200);
    await big.body.dump();

    // Once the port is free, the same config applies.
    await new Promise<void>((r) => blocker.close(() => r()));
    await e.apply(bad);
    expect(e.engine.addresses().get('blocked')?.port).toBe(busyPort);
  });
});

describe('failed applies under connection churn', () => {
  it('never serve a request with the rejected config nor cut a connection', async () => {
    const [a, z] = await backends('a', 'z');
    const port = await freePort();
    const busyPort = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(busyPort, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const e = await engineFor(configOf(http('web', port, { servers: [rs(a!)] })));
    // web first: its replacement listener (new maxHeaderBytes) would be bound before the
    // blocked port fails, sharing the port with the live listener for a moment.
    const bad = configOf(
      http('web', port, { servers: [rs(z!)] }, { maxHeaderBytes: 4096 }),
      http('blocked', busyPort, { servers: [rs(a!)] }),
    );
    const traffic = load(e.url('web'), 8, { connectionPerRequest: true });
    await pause(50);
    let refused = 0;
    let applies = 0;
    // At least 40 refused applies, and on until real traffic has crossed them (a slow machine
    // serves fewer requests per apply; the deadline only bounds the loop).
    const deadline = Date.now() + 20_000;
    while ((applies < 40 || traffic.ok <= 100) && Date.now() < deadline) {
      applies++;
      await e.apply(bad).catch((err: unknown) => {
        if (err instanceof ApplyError) refused++;
      });
      await pause(5);
    }
    await traffic.stop();
    expect(refused).toBe(applies);
    expect(traffic.failures, traffic.failures.slice(0, 5).join('\n')).toEqual([]);
    expect(traffic.ok).toBeGreaterThan(100);
    expect([...traffic.servedBy.keys()]).toEqual(['a']);
    expect(z!.seen).toHaveLength(0);
  }, 30_000);
});

describe('health across a reload', () => {
  it('keeps the state of unchanged servers: no flap back to unknown, down stays down', async () => {
    const [a, b, c] = await backends('a', 'b', 'c');
    b!.healthStatus = 500;
    const port = await freePort();
    const check = { type: 'http' as const, path: '/health', intervalMs: 100, rise: 1, fall: 1 };
    const svc = (pool: Omit<PoolInput, 'name'>) =>
      configOf(http('web', port, { healthCheck: check, servers: [rs(a!), rs(b!)], ...pool }));
    const e = await engineFor(svc({}));
    const events: RealServerHealth[] = [];
    cleanups.push(e.engine.onHealth((h) => events.push(h)));
    const stateOf = (n: string) => e.engine.healthSnapshot().find((h) => h.key === `web/${n}`)?.state;
    await until(() => stateOf('a') === 'up' && stateOf('b') === 'down', 'a up and b down');
    const since = e.engine.healthSnapshot().find((h) => h.key === 'web/a')!.since;
    events.length = 0;

    // Weights, a new server, the scheduler, and serverMs (which rebuilds the server runtimes).
    await e.apply(
      svc({
        scheduler: 'weighted-round-robin',
        timeouts: { serverMs: 30_000 },
        servers: [rs(a!, { weight: 3 }), rs(b!, { weight: 2 }), rs(c!)],
      }),
    );
    // Right after the apply, before any new check could run.
    expect(stateOf('a')).toBe('up');
    expect(stateOf('b')).toBe('down');
    expect(stateOf('c')).toBe('unknown');
    expect(e.engine.healthSnapshot().find((h) => h.key === 'web/a')!.since).toBe(since);
    const runtimes = e.engine.pool('web')!.servers;
    expect(runtimes.find((s) => s.name === 'a')!.health).toBe('up');
    expect(runtimes.find((s) => s.name === 'b')!.health).toBe('down');

    // b, still down, gets no request; a does.
    for (let i = 0; i < 10; i++) {
      const r = await request(e.url('web'));
      expect(r.statusCode).toBe(200);
      expect(((await r.body.json()) as { backend: string }).backend).not.toBe('b');
    }
    await until(() => stateOf('c') === 'up', 'c up');
    await pause(300);
    // The only health events after the reload are c's own.
    expect(events.filter((h) => h.server !== 'c')).toEqual([]);
  });
});

/** One keep-alive connection spoken over a raw socket, so its close can be observed. */
function rawConnection(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  cleanups.push(() => {
    socket.destroy();
  });
  let buf = Buffer.alloc(0);
  const state = { closed: false, reset: false };
  socket.on('data', (c: Buffer) => (buf = Buffer.concat([buf, c])));
  socket.on('error', () => (state.reset = true));
  socket.on('close', () => (state.closed = true));
  /** Sends a GET and resolves with the next complete response (Content-Length framed). */
  const get = async (path: string) => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    let parsed: { status: number; head: string; body: string } | undefined;
    await until(() => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const head = buf.subarray(0, end).toString('latin1');
      const len = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
      if (!(buf.length >= end + 4 + len)) return false;
      parsed = {
        status: Number(head.slice(9, 12)),
        head,
        body: buf.subarray(end + 4, end + 4 + len).toString(),
      };
      buf = buf.subarray(end + 4 + len);
      return true;
    }, `a response to ${path}`);
    return parsed!;
  };
  return {
    get,
    get closed() {
      return state.closed;
    },
    get reset() {
      return state.reset;
    },
  };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
