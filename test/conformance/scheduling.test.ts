/**
 * Conformance, schedulers and persistence: every scheduler and both kinds of persistence, the
 * same scenario against each engine. Cookie values are the same on both engines, so a client
 * keeps its server when an admin switches engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieValue } from '../../agent/engines/haproxy/names.ts';
import { startBackends, type Backend } from '../support/backends.ts';
import {
  differs,
  ENGINES,
  pool,
  request,
  service,
  startEngine,
  type EngineUnderTest,
} from '../support/conformance.ts';
import { until } from '../support/engine.ts';
import { freePort } from '../support/ports.ts';

let backends: Backend[];
beforeAll(async () => {
  backends = await startBackends(['s0', 's1', 's2']);
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

const ports = (n: number) => backends.slice(0, n).map((b) => b.port);

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  let port: number;
  beforeAll(async () => {
    e = await startEngine(kind);
    port = await freePort();
  });
  afterAll(() => e?.stop());

  async function use(poolExtra: Record<string, unknown>, n = 2) {
    await e.apply({ pools: [pool('web', ports(n), poolExtra)], virtualServices: [service('web', port)] });
  }
  const tally = (list: (string | null)[]) =>
    list.reduce<Record<string, number>>((t, b) => ({ ...t, [b!]: (t[b!] ?? 0) + 1 }), {});

  it('round-robin: in turn', async () => {
    await use({ scheduler: 'round-robin' }, 3);
    const seen = [];
    for (let i = 0; i < 9; i++) seen.push((await request(port)).backend);
    expect(tally(seen)).toEqual({ s0: 3, s1: 3, s2: 3 });
    for (let i = 3; i < 9; i++) expect(seen[i]).toBe(seen[i - 3]);
  });

  it('weighted round-robin: by weight, smoothly', async () => {
    await use({
      scheduler: 'weighted-round-robin',
      servers: [
        { name: 's0', address: '127.0.0.1', port: backends[0]!.port, weight: 3 },
        { name: 's1', address: '127.0.0.1', port: backends[1]!.port, weight: 1 },
      ],
    });
    const seen = [];
    for (let i = 0; i < 8; i++) seen.push((await request(port)).backend);
    expect(tally(seen)).toEqual({ s0: 6, s1: 2 });
    // Smooth: never the heavy server four times in a row.
    expect(seen.join(',')).not.toMatch(/(s0,){3}s0/);
  });

  it('least-connections: a server busy with a slow request gets none of the quick ones', async () => {
    await use({ scheduler: 'least-connections' });
    const slow = request(port, '/slow?ms=1500');
    // The slow request is in flight on one server (whichever the engine chose first).
    await new Promise((r) => setTimeout(r, 300));
    const quick = [];
    for (let i = 0; i < 4; i++) quick.push((await request(port)).backend);
    const busy = (await slow).backend;
    expect(new Set(quick).size).toBe(1);
    expect(quick[0]).not.toBe(busy);
  });

  it('source-ip hash: each client address keeps its server, and the addresses spread', async () => {
    await use({ scheduler: 'source-ip-hash' }, 3);
    const chosen = new Map<string, string | null>();
    for (let i = 2; i < 18; i++) {
      const localAddress = `127.0.0.${i}`;
      const first = (await request(port, '/', { localAddress })).backend;
      for (let k = 0; k < 3; k++) expect((await request(port, '/', { localAddress })).backend).toBe(first);
      chosen.set(localAddress, first);
    }
    // Which address lands where is the engine's own hash (HAProxy's `balance source` vs the
    // built-in rendezvous hash); that each keeps its server, and that they spread, is the promise.
    expect(new Set(chosen.values()).size).toBeGreaterThan(1);
  });

  it('cookie persistence: the same opaque value on both engines, and the client stays', async () => {
    await use({
      scheduler: 'round-robin',
      persistence: { mode: 'cookie', cookieName: 'MS-WSMAN', timeoutSeconds: 600 },
    });
    const first = await request(port);
    const setCookie = first.headers.get('set-cookie')!;
    const server = first.backend!;
    expect(setCookie).toMatch(new RegExp(`^MS-WSMAN=${cookieValue('web', server)}; `));
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/Max-Age=600/);
    expect(setCookie).toMatch(/; path=\//i);
    for (let i = 0; i < 5; i++) {
      const again = await request(port, '/', {
        headers: { cookie: `MS-WSMAN=${cookieValue('web', server)}` },
      });
      expect(again.backend).toBe(server);
      // A client that already names its server is not told again.
      expect(again.headers.get('set-cookie')).toBeNull();
    }
    // A cookie the other engine set (same pool, same server) is honoured: engines can be switched.
    const other = server === 's0' ? 's1' : 's0';
    for (let i = 0; i < 3; i++)
      expect(
        (await request(port, '/', { headers: { cookie: `x=1; MS-WSMAN=${cookieValue('web', other)}` } }))
          .backend,
      ).toBe(other);
  });

  it('source-ip persistence: a client keeps the server it was given', async () => {
    await use({ scheduler: 'round-robin', persistence: { mode: 'source-ip', timeoutSeconds: 60 } }, 3);
    const given = new Map<string, string | null>();
    for (let i = 2; i < 8; i++)
      given.set(`127.0.0.${i}`, (await request(port, '/', { localAddress: `127.0.0.${i}` })).backend);
    for (const [localAddress, server] of given)
      for (let k = 0; k < 3; k++) expect((await request(port, '/', { localAddress })).backend).toBe(server);
    // Round-robin handed out the first bindings: all three servers have clients.
    expect(new Set(given.values()).size).toBe(3);
  });

  it('a drained server keeps in-flight requests and gets no new ones, cookie clients included', async () => {
    const p = { scheduler: 'round-robin', persistence: { mode: 'cookie' } };
    await use(p);
    const bound = cookieValue('web', 's1');
    const slow = request(port, '/slow?ms=800', { headers: { cookie: `PORTICO=${bound}` } });
    await new Promise((r) => setTimeout(r, 200));
    await use({
      ...p,
      servers: [
        { name: 's0', address: '127.0.0.1', port: backends[0]!.port },
        { name: 's1', address: '127.0.0.1', port: backends[1]!.port, enabled: false },
      ],
    });
    await until(
      () => e.plane.healthSnapshot().some((h) => h.key === 'web/s1' && h.state === 'disabled'),
      's1 disabled',
      2_000,
    );
    for (let i = 0; i < 4; i++)
      expect((await request(port, '/', { headers: { cookie: `PORTICO=${bound}` } })).backend).toBe('s0');
    const finished = await slow;
    expect(finished).toMatchObject({ status: 200, backend: 's1' });
    expect(e.health.some((h) => h.key === 'web/s1' && h.state === 'disabled')).toBe(true);
    // How HAProxy is told: the runtime API (no reload); the built-in engine updates in place.
    expect(
      differs(kind, { builtin: 'in place', haproxy: 'runtime API' }, 'each engine drains its own way'),
    ).toBeTruthy();
  });
});
