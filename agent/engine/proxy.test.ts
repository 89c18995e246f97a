/**
 * L7 behaviour through a real engine and real back ends on loopback: scheduling, persistence,
 * headers, content rules and the request passes, on version-2 configs (a pool named by its
 * service; content rules naming pools of their own).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { Agent, request } from 'undici';
import { startBackends, type Backend } from '../../test/support/backends.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';
import type { AgentConfigInput, PoolInput, VirtualServiceInput } from '../../shared/model/config.ts';

let backends: Backend[];
let engine: TestEngine | undefined;
const client = new Agent({ keepAliveTimeout: 10_000, connections: 8 });

beforeAll(async () => {
  backends = await startBackends(['a', 'b', 'c']);
});
afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.close()));
});
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

const rs = (b: Backend, extra: Record<string, unknown> = {}) => ({
  name: b.name,
  address: '127.0.0.1',
  port: b.port,
  ...extra,
});

type HttpServiceInput = Extract<VirtualServiceInput, { protocol: 'http' }>;

/**
 * One http service "web" on a free port whose default pool "web" is `pool`, plus `extraPools`
 * for its content rules.
 */
async function web(
  pool: Omit<PoolInput, 'name'>,
  vs: Partial<HttpServiceInput> = {},
  extraPools: PoolInput[] = [],
): Promise<TestEngine> {
  const port = await freePort();
  const config: AgentConfigInput = {
    pools: [{ name: 'web', ...pool }, ...extraPools],
    virtualServices: [
      { name: 'web', listen: { address: '127.0.0.1', port }, protocol: 'http', pool: 'web', ...vs },
    ],
  };
  engine = await startEngine(config);
  return engine;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { dispatcher: client, headers });
  const text = await res.body.text();
  let json: { backend: string; headers: Record<string, string>; url: string } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

async function backendsFor(url: string, n: number, headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await get(url, headers)).json!.backend);
  return out;
}

const count = (list: string[]) =>
  list.reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {});

describe('schedulers through the proxy', () => {
  it('round-robin shares requests evenly', async () => {
    const e = await web({ servers: backends.map((b) => rs(b)) });
    expect(count(await backendsFor(`${e.url('web')}/`, 30))).toEqual({ a: 10, b: 10, c: 10 });
  });

  it('weighted round-robin follows the weights', async () => {
    const e = await web({
      scheduler: 'weighted-round-robin',
      servers: [rs(backends[0]!, { weight: 3 }), rs(backends[1]!, { weight: 1 })],
    });
    expect(count(await backendsFor(`${e.url('web')}/`, 40))).toEqual({ a: 30, b: 10 });
  });

  it('least-connections sends new requests away from a busy server', async () => {
    const e = await web({
      scheduler: 'least-connections',
      servers: [rs(backends[0]!), rs(backends[1]!)],
    });
    // Occupy one server with a slow request; the quick ones must all go to the other.
    const slow = get(`${e.url('web')}/slow?ms=400`);
    await new Promise((r) => setTimeout(r, 100));
    const quick = await backendsFor(`${e.url('web')}/`, 6);
    const busy = (await slow).json!.backend;
    expect(quick).toHaveLength(6);
    expect(quick).not.toContain(busy);
  });

  it('source-ip hash keeps one client on one server', async () => {
    const e = await web({ scheduler: 'source-ip-hash', servers: backends.map((b) => rs(b)) });
    expect(new Set(await backendsFor(`${e.url('web')}/`, 12)).size).toBe(1);
  });
});

describe('persistence', () => {
  it('an inserted cookie keeps a client on its server, across connections', async () => {
    const e = await web({
      persistence: { mode: 'cookie', cookieName: 'MS-WSMAN', timeoutSeconds: 600 },
      servers: backends.map((b) => rs(b)),
    });
    const first = await get(`${e.url('web')}/`);
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/^MS-WSMAN=[0-9a-f]{16}; Path=\/; HttpOnly; Max-Age=600$/);
    const cookie = setCookie.split(';')[0]!;
    // A fresh connection per request: stickiness must come from the cookie alone.
    for (let i = 0; i < 6; i++) {
      const res = await request(`${e.url('web')}/`, {
        headers: { cookie: `other=1; ${cookie}` },
        reset: true,
      });
      const body = (await res.body.json()) as { backend: string };
      expect(body.backend).toBe(first.json!.backend);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // Without the cookie the client is spread like anyone else.
    expect(new Set(await backendsFor(`${e.url('web')}/`, 6)).size).toBe(3);
  });

  it('a cookie naming a server that is gone falls back to the scheduler and re-binds', async () => {
    const e = await web({
      persistence: { mode: 'cookie' },
      servers: [rs(backends[0]!), rs(backends[1]!)],
    });
    const first = await get(`${e.url('web')}/`);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const staying = backends.find((b) => b.name !== first.json!.backend)!;
    await e.apply({
      pools: [{ ...e.engine.config.pools[0]!, servers: [rs(staying)] }],
      virtualServices: e.engine.config.virtualServices,
    });
    const again = await get(`${e.url('web')}/`, { cookie });
    expect(again.json!.backend).toBe(staying.name);
    expect(String(again.headers['set-cookie'])).toMatch(/^PORTICO=/);
  });

  it('source-ip persistence binds a client to the server it first got', async () => {
    const e = await web({
      persistence: { mode: 'source-ip', timeoutSeconds: 60 },
      servers: backends.map((b) => rs(b)),
    });
    expect(new Set(await backendsFor(`${e.url('web')}/`, 9)).size).toBe(1);
    expect(e.engine.pool('web')!.sourceIp!.size).toBe(1);
  });
});

describe('headers', () => {
  it('adds X-Forwarded-*, keeps Host, drops hop-by-hop headers both ways', async () => {
    const e = await web({ servers: [rs(backends[0]!)] });
    // node:http, because undici refuses to send hop-by-hop headers at all.
    const res = await new Promise<{
      json: { url: string; headers: Record<string, string> };
      headers: Record<string, unknown>;
    }>((resolve, reject) => {
      const req = httpRequest(`${e.url('web')}/p?q=1`, {
        headers: {
          host: 'mail.contoso.com',
          'x-forwarded-for': '203.0.113.9',
          'x-forwarded-proto': 'https',
          'keep-alive': 'timeout=5',
          'x-private': 'secret',
          connection: 'keep-alive, x-private',
        },
      });
      req.on('response', (r) => {
        let text = '';
        r.on('data', (c) => (text += c));
        r.on('end', () => resolve({ json: JSON.parse(text), headers: r.headers }));
      });
      req.on('error', reject);
      req.end();
    });
    const h = res.json.headers;
    expect(res.json.url).toBe('/p?q=1');
    expect(h.host).toBe('mail.contoso.com');
    // replace (the default): what the client said of itself is gone, ours is set.
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-host']).toBe('mail.contoso.com');
    expect(h['keep-alive']).toBeUndefined();
    expect(h['x-private']).toBeUndefined();
    expect(res.headers['x-backend']).toBe('a');
  });

  const claims = {
    'x-forwarded-for': '203.0.113.9',
    'x-forwarded-proto': 'https',
    forwarded: 'for=203.0.113.9',
    'x-real-ip': '203.0.113.9',
  };

  it.each([
    ['replace', { xff: '127.0.0.1', proto: 'http', forwarded: undefined, realIp: undefined }],
    [
      'append',
      { xff: '203.0.113.9, 127.0.0.1', proto: 'http', forwarded: 'for=203.0.113.9', realIp: '203.0.113.9' },
    ],
    ['off', { xff: '203.0.113.9', proto: 'https', forwarded: 'for=203.0.113.9', realIp: '203.0.113.9' }],
  ] as const)('forwardedHeaders %s', async (mode, want) => {
    const e = await web({ servers: [rs(backends[0]!)] }, { forwardedHeaders: mode });
    const h = (await get(`${e.url('web')}/`, claims)).json!.headers;
    expect(h['x-forwarded-for']).toBe(want.xff);
    expect(h['x-forwarded-proto']).toBe(want.proto);
    expect(h.forwarded).toBe(want.forwarded);
    expect(h['x-real-ip']).toBe(want.realIp);
  });

  it('streams a request body to the real server and the answer back', async () => {
    const e = await web({ servers: [rs(backends[0]!)] });
    const body = Buffer.alloc(3 * 1024 * 1024, 'x');
    const res = await request(`${e.url('web')}/upload`, { method: 'POST', body, dispatcher: client });
    const back = Buffer.from(await res.body.arrayBuffer());
    expect(res.statusCode).toBe(200);
    expect(back.equals(body)).toBe(true);
  });
});

describe('content rules', () => {
  it('routes by Host and path prefix, with the default pool as fallback', async () => {
    const e = await web(
      { servers: [rs(backends[2]!)] },
      {
        contentRules: [
          { name: 'owa', host: ['mail.contoso.com'], pathPrefix: '/owa', pool: 'owa' },
          { name: 'lync', host: ['*.lync.contoso.com'], pool: 'lync' },
        ],
      },
      [
        { name: 'owa', servers: [rs(backends[0]!, { name: 'a1' })] },
        { name: 'lync', servers: [rs(backends[1]!, { name: 'b1' })] },
      ],
    );
    const u = e.url('web');
    expect((await get(`${u}/owa/x`, { host: 'MAIL.contoso.com:80' })).json!.backend).toBe('a');
    expect((await get(`${u}/ecp`, { host: 'mail.contoso.com' })).json!.backend).toBe('c');
    expect((await get(`${u}/`, { host: 'meet.lync.contoso.com' })).json!.backend).toBe('b');
    expect((await get(`${u}/`, { host: 'lync.contoso.com' })).json!.backend).toBe('c');
  });

  it('a rule whose servers are all disabled answers 503 rather than leaking to another pool', async () => {
    const e = await web(
      { servers: [rs(backends[2]!)] },
      { contentRules: [{ name: 'owa', pathPrefix: '/owa', pool: 'owa' }] },
      [{ name: 'owa', servers: [rs(backends[0]!, { name: 'a1', enabled: false })] }],
    );
    const res = await get(`${e.url('web')}/owa/`);
    expect(res.status).toBe(503);
    expect(res.text).toContain('NO_SERVER');
  });
});

describe('request passes', () => {
  it('the port 80 redirector sends every request to HTTPS with path and query kept', async () => {
    const redirector = async (fields: { toPort?: number; status?: 301 | 302 | 307 | 308 }) => {
      engine = await startEngine({
        virtualServices: [
          {
            name: 'web',
            listen: { address: '127.0.0.1', port: await freePort() },
            protocol: 'redirect',
            ...fields,
          },
        ],
      } satisfies AgentConfigInput);
      return engine;
    };
    const e = await redirector({ toPort: 443, status: 308 });
    const res = await get(`${e.url('web')}/owa/?a=1&b=2`, { host: 'mail.contoso.com:80' });
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('https://mail.contoso.com/owa/?a=1&b=2');
    await e.stop();
    const other = await redirector({ toPort: 8443 });
    const res2 = await get(`${other.url('web')}/x`, { host: 'a.example' });
    expect(res2.status).toBe(301);
    expect(res2.headers.location).toBe('https://a.example:8443/x');
  });

  it.each([['/admin'], ['/Admin/x'], ['/%61dmin'], ['/x/../admin'], ['//admin']])(
    'denyPaths refuses %s with 403',
    async (path) => {
      const e = await web({ servers: [rs(backends[0]!)] }, { denyPaths: ['/admin'] });
      const res = await get(`${e.url('web')}${path}`);
      expect(res.status).toBe(403);
      expect(res.text).toContain('/admin');
    },
  );

  it('denyPaths lets other paths through', async () => {
    const e = await web({ servers: [rs(backends[0]!)] }, { denyPaths: ['/admin'] });
    // Prefixes end on a segment boundary: /admin is not /administrator-guide.
    expect((await get(`${e.url('web')}/administrator-guide`)).status).toBe(200);
    expect((await get(`${e.url('web')}/owa`)).status).toBe(200);
  });
});

describe('health', () => {
  it('a failing health check takes a server out and a passing one brings it back', async () => {
    const [a, b] = backends;
    const e = await web({
      healthCheck: { type: 'http', path: '/health', intervalMs: 100, timeoutMs: 500, rise: 1, fall: 1 },
      servers: [rs(a!), rs(b!)],
    });
    a!.healthStatus = 500;
    try {
      await until(() => e.engine.healthSnapshot().find((h) => h.key === 'web/a')?.state === 'down', 'a down');
      expect(new Set(await backendsFor(`${e.url('web')}/`, 6))).toEqual(new Set(['b']));
      a!.healthStatus = 200;
      await until(() => e.engine.healthSnapshot().find((h) => h.key === 'web/a')?.state === 'up', 'a up');
      expect(new Set(await backendsFor(`${e.url('web')}/`, 6))).toEqual(new Set(['a', 'b']));
    } finally {
      a!.healthStatus = 200;
    }
  });
});
