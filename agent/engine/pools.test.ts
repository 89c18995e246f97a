/**
 * What version 2 adds to the engine, over real sockets on loopback: a pool shared by several
 * services is one set of real servers (probed once, drained once, one client binding), and an
 * http service may have no default pool (requests no rule matches get 404).
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { AgentConfigInput, PoolInput } from '../../shared/model/config.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import { startBackend, startBackends, type Backend } from '../../test/support/backends.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

async function backends(...names: string[]): Promise<Backend[]> {
  const list = await startBackends(names);
  for (const b of list) cleanups.push(() => b.close());
  return list;
}

async function engineFor(config: AgentConfigInput): Promise<TestEngine> {
  const e = await startEngine(config);
  cleanups.push(() => e.stop());
  return e;
}

const rs = (b: Backend, extra: Record<string, unknown> = {}) => ({
  name: b.name,
  address: '127.0.0.1',
  port: b.port,
  ...extra,
});

const listen = async () => ({ address: '127.0.0.1', port: await freePort() });

/** The pool "cas" and two http services, owa and ews, that both send to it. */
async function sharedPool(pool: Omit<PoolInput, 'name'>): Promise<AgentConfigInput> {
  return {
    pools: [{ name: 'cas', ...pool }],
    virtualServices: [
      { name: 'owa', listen: await listen(), protocol: 'http', pool: 'cas' },
      { name: 'ews', listen: await listen(), protocol: 'http', pool: 'cas' },
    ],
  };
}

async function backendOf(url: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await request(url, { headers });
  expect(r.statusCode).toBe(200);
  return ((await r.body.json()) as { backend: string }).backend;
}

const healthChecks = (b: Backend) => b.seen.filter((q) => q.url === '/health').length;

describe('a pool used by two services', () => {
  it('is probed once per interval: one health target, one event per change', async () => {
    const [a, b] = await backends('a', 'b');
    const intervalMs = 150;
    const e = await engineFor(
      await sharedPool({
        healthCheck: { type: 'http', path: '/health', intervalMs, timeoutMs: 500, rise: 1, fall: 1 },
        servers: [rs(a!), rs(b!)],
      }),
    );
    const events: RealServerHealth[] = [];
    cleanups.push(e.engine.onHealth((h) => events.push(h)));
    await until(() => e.engine.healthSnapshot().every((h) => h.state === 'up'), 'both up');
    expect(
      e.engine
        .healthSnapshot()
        .map((h) => h.key)
        .sort(),
    ).toEqual(['cas/a', 'cas/b']);

    // Checks follow each other interval after interval, measured from the end of the last one:
    // probed once, a server sees at most one more check than intervals passed; probed per
    // service, it would see about twice as many.
    const before = healthChecks(a!);
    const began = Date.now();
    await new Promise((r) => setTimeout(r, intervalMs * 8));
    const checks = healthChecks(a!) - before;
    const intervals = (Date.now() - began) / intervalMs;
    console.log(`shared pool: ${checks} checks of cas/a in ${intervals.toFixed(1)} intervals`);
    expect(checks).toBeGreaterThanOrEqual(1);
    expect(checks).toBeLessThanOrEqual(Math.floor(intervals) + 1);

    events.length = 0;
    a!.healthStatus = 500;
    await until(() => e.engine.healthSnapshot().find((h) => h.key === 'cas/a')?.state === 'down', 'a down');
    // Both services avoid it at once: it is one server.
    for (let i = 0; i < 4; i++) {
      expect(await backendOf(e.url('owa'))).toBe('b');
      expect(await backendOf(e.url('ews'))).toBe('b');
    }
    a!.healthStatus = 200;
    await until(() => e.engine.healthSnapshot().find((h) => h.key === 'cas/a')?.state === 'up', 'a up');
    await new Promise((r) => setTimeout(r, intervalMs * 3));
    expect(events.map((h) => `${h.key} ${h.state}`)).toEqual(['cas/a down', 'cas/a up']);
  });

  it('drains a server for both services at once when the pool disables it', async () => {
    const [a, b] = await backends('a', 'b');
    const config = await sharedPool({ servers: [rs(a!), rs(b!)] });
    const e = await engineFor(config);
    const seen = async (service: string) => {
      const names = new Set<string>();
      for (let i = 0; i < 4; i++) names.add(await backendOf(e.url(service)));
      return names;
    };
    expect(await seen('owa')).toEqual(new Set(['a', 'b']));
    expect(await seen('ews')).toEqual(new Set(['a', 'b']));
    await e.apply({ ...config, pools: [{ name: 'cas', servers: [rs(a!), rs(b!, { enabled: false })] }] });
    expect(await seen('owa')).toEqual(new Set(['a']));
    expect(await seen('ews')).toEqual(new Set(['a']));
    expect(e.engine.healthSnapshot().find((h) => h.key === 'cas/b')?.state).toBe('disabled');
    // One member in the status, carrying both services' requests.
    const status = e.engine.status();
    expect(status.pools).toHaveLength(1);
    // One scheduler for the pool: the first 8 requests alternated (4 each), the last 8 went to a.
    expect(status.pools[0]!.servers.map((s) => [s.key, s.requests])).toEqual([
      ['cas/a', 12],
      ['cas/b', 4],
    ]);
  });

  it('keeps a client on its server whichever service it comes through (one cookie table)', async () => {
    const [a, b] = await backends('a', 'b');
    const e = await engineFor(
      await sharedPool({ persistence: { mode: 'cookie' }, servers: [rs(a!), rs(b!)] }),
    );
    const first = await request(e.url('owa'));
    const bound = ((await first.body.json()) as { backend: string }).backend;
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    for (let i = 0; i < 4; i++) expect(await backendOf(e.url('ews'), { cookie })).toBe(bound);
  });
});

describe('an http service without a default pool', () => {
  it('answers 404 "no service for this host/path" to what no rule matches, and routes what one does', async () => {
    const [mail, lync] = await backends('mail', 'lync');
    const e = await engineFor({
      pools: [
        { name: 'mail', servers: [rs(mail!)] },
        { name: 'lync', servers: [rs(lync!)] },
      ],
      virtualServices: [
        {
          name: 'front',
          listen: await listen(),
          protocol: 'http',
          contentRules: [
            { name: 'owa', host: ['mail.contoso.com'], pathPrefix: '/owa', pool: 'mail' },
            { name: 'meet', host: ['*.lync.contoso.com'], pool: 'lync' },
          ],
        },
      ],
    });
    const url = e.url('front');
    expect(await backendOf(`${url}/owa/x`, { host: 'mail.contoso.com' })).toBe('mail');
    expect(await backendOf(`${url}/`, { host: 'meet.lync.contoso.com' })).toBe('lync');
    for (const [path, host] of [
      ['/ecp', 'mail.contoso.com'],
      ['/owa', 'other.example'],
      ['/', 'lync.contoso.com'],
    ] as const) {
      const r = await request(`${url}${path}`, { headers: { host } });
      expect(r.statusCode, `${host}${path}`).toBe(404);
      expect(await r.body.text()).toBe('404 Not Found: no service for this host/path\n');
    }
    // Nothing reached a real server for those, and nobody counts it as an outage.
    expect(mail!.seen.map((q) => q.url)).toEqual(['/owa/x']);
    const svc = e.engine.status().virtualServices[0]!;
    expect(svc.responses['4xx']).toBe(3);
    expect(svc.errors.NO_SERVER).toBe(0);
  });

  it('answers an upgrade no rule matches with 404 on the raw socket and closes', async () => {
    const backend = await startBackend('ws');
    cleanups.push(() => backend.close());
    const e = await engineFor({
      pools: [{ name: 'p', servers: [rs(backend)] }],
      virtualServices: [
        {
          name: 'front',
          listen: await listen(),
          protocol: 'http',
          contentRules: [{ name: 'only', host: ['ws.example'], pool: 'p' }],
        },
      ],
    });
    const socket = connect({ host: '127.0.0.1', port: e.port('front') });
    cleanups.push(() => {
      socket.destroy();
    });
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise((r) => socket.once('close', r));
    socket.write(
      'GET /chat HTTP/1.1\r\nHost: elsewhere.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 404 /);
    expect(text).toContain('no service for this host/path');
    expect(backend.seen).toHaveLength(0);
  });
});
