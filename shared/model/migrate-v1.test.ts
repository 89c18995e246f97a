/**
 * Version-1 configs (Portico 0.1), all in one place: how a document converts, that the
 * converted config serves the same traffic on a real Engine, and what the agent process does
 * with a version-1 config.json and a version-1 `config.apply`. Every other test speaks
 * version 2.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startAgentProcess, type AgentProcess } from '../../test/support/agent-process.ts';
import { startBackends, type Backend } from '../../test/support/backends.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';
import { AgentConfig } from './config.ts';
import { isVersion1, migrateV1 } from './migrate-v1.ts';
import { parseAgentConfig } from './validate.ts';

const repo = new URL('../..', import.meta.url).pathname;

/** The persistence cookie 0.1 gave a server: its service and name, hashed. */
const v1Cookie = (service: string, server: string) =>
  createHash('sha256').update(`${service}/${server}`).digest('hex').slice(0, 16);

/**
 * The example of 0.1's docs/config.md (a "web" service with an http check and two servers),
 * grown into what admins wrote with it: cookie persistence, a content rule, a deny path, the
 * boolean forwardedHeaders, a port-80 redirect and an L4 service.
 */
function v1Example(
  ports = { web: 8080, http: 80, db: 5432 },
  servers = { web1: 80, web2: 80, api1: 8080, db1: 5432 },
) {
  return {
    revision: 3,
    virtualServices: [
      {
        name: 'web',
        listen: { address: '127.0.0.1', port: ports.web },
        protocol: 'http',
        persistence: { mode: 'cookie', cookieName: 'PORTICO' },
        healthCheck: { type: 'http', path: '/health', intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 2 },
        timeouts: { connectMs: 2000, serverMs: 5000, clientHeaderMs: 4000, idleMs: 30000 },
        forwardedHeaders: true,
        denyPaths: ['/admin'],
        realServers: [
          { name: 'web1', address: '127.0.0.1', port: servers.web1 },
          { name: 'web2', address: '127.0.0.1', port: servers.web2 },
        ],
        contentRules: [
          {
            name: 'api',
            pathPrefix: '/v1',
            realServers: [{ name: 'api1', address: '127.0.0.1', port: servers.api1 }],
          },
        ],
      },
      {
        name: 'web-http',
        listen: { address: '127.0.0.1', port: ports.http },
        protocol: 'http',
        redirect: { toPort: ports.web, status: 308 },
        timeouts: { clientHeaderMs: 3000, serverMs: 100 },
      },
      {
        name: 'db',
        listen: { address: '127.0.0.1', port: ports.db },
        protocol: 'tcp',
        scheduler: 'least-connections',
        persistence: { mode: 'source-ip', timeoutSeconds: 600 },
        timeouts: { idleMs: 600000, connectMs: 1000 },
        limits: { maxConnections: 500, maxTunnels: 3 },
        realServers: [{ name: 'db1', address: '127.0.0.1', port: servers.db1 }],
      },
    ],
  };
}

describe('isVersion1', () => {
  it.each([
    ['says version 1', { version: 1, virtualServices: [] }, true],
    [
      'says nothing and has no pools (the 0.1 shape)',
      { virtualServices: [{ name: 'a', realServers: [] }] },
      true,
    ],
    ['is empty', {}, true],
    ['says version 2', { version: 2 }, false],
    ['has pools', { pools: [] }, false],
    ['forgot its version but a service names a pool', { virtualServices: [{ name: 'a', pool: 'p' }] }, false],
    ['forgot its version but has a redirect service', { virtualServices: [{ protocol: 'redirect' }] }, false],
    ['is not an object', [], false],
  ])('a document that %s → %s', (_what, doc, v1) => {
    expect(isVersion1(doc)).toBe(v1);
  });
});

describe('conversion', () => {
  it('turns each service into a pool of its name and a service naming it, each rule into a pool of its own', () => {
    expect(migrateV1(v1Example())).toEqual({
      version: 2,
      revision: 3,
      pools: [
        {
          name: 'web',
          servers: [
            { name: 'web1', address: '127.0.0.1', port: 80 },
            { name: 'web2', address: '127.0.0.1', port: 80 },
          ],
          persistence: { mode: 'cookie', cookieName: 'PORTICO' },
          healthCheck: { type: 'http', path: '/health', intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 2 },
          timeouts: { connectMs: 2000, serverMs: 5000 },
        },
        {
          name: 'web-api',
          servers: [{ name: 'api1', address: '127.0.0.1', port: 8080 }],
          persistence: { mode: 'cookie', cookieName: 'PORTICO' },
          healthCheck: { type: 'http', path: '/health', intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 2 },
          timeouts: { connectMs: 2000, serverMs: 5000 },
        },
        {
          name: 'db',
          servers: [{ name: 'db1', address: '127.0.0.1', port: 5432 }],
          scheduler: 'least-connections',
          persistence: { mode: 'source-ip', timeoutSeconds: 600 },
          timeouts: { connectMs: 1000 },
        },
      ],
      virtualServices: [
        {
          name: 'web',
          listen: { address: '127.0.0.1', port: 8080 },
          protocol: 'http',
          pool: 'web',
          contentRules: [{ name: 'api', pathPrefix: '/v1', pool: 'web-api' }],
          denyPaths: ['/admin'],
          forwardedHeaders: 'append',
          timeouts: { clientHeaderMs: 4000, idleMs: 30000 },
        },
        {
          name: 'web-http',
          listen: { address: '127.0.0.1', port: 80 },
          protocol: 'redirect',
          toPort: 8080,
          status: 308,
          timeouts: { clientHeaderMs: 3000 },
        },
        {
          name: 'db',
          listen: { address: '127.0.0.1', port: 5432 },
          protocol: 'tcp',
          pool: 'db',
          timeouts: { idleMs: 600000 },
          limits: { maxConnections: 500 },
        },
      ],
    });
  });

  it('is what parseAgentConfig runs, saying it converted', () => {
    const parsed = parseAgentConfig(v1Example());
    expect(parsed).toMatchObject({ ok: true, convertedFrom: 1 });
    if (!parsed.ok) return;
    expect(parsed.value).toEqual(AgentConfig.parse(migrateV1(v1Example())));
  });

  it('names a rule pool that would take a service name apart', () => {
    const doc = {
      virtualServices: [
        {
          name: 'web',
          listen: { port: 80 },
          protocol: 'http',
          contentRules: [{ name: 'api', pathPrefix: '/api', realServers: [] }],
        },
        { name: 'web-api', listen: { port: 81 }, protocol: 'http' },
      ],
    };
    const converted = migrateV1(doc) as { pools: { name: string }[]; virtualServices: unknown[] };
    expect(converted.pools.map((p) => p.name)).toEqual(['web', 'web-api-2', 'web-api']);
    expect(converted.virtualServices[0]).toMatchObject({ contentRules: [{ pool: 'web-api-2' }] });
    expect(AgentConfig.safeParse(converted).success).toBe(true);
  });

  it('reports the problems of a version-1 document in the terms its author wrote', () => {
    const doc = v1Example();
    doc.virtualServices[0]!.realServers![0]!.port = 70000;
    const parsed = parseAgentConfig(doc);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.path)).toEqual(['virtualServices[0].realServers[0].port']);
  });
});

describe('a converted config on a real engine', () => {
  let backends: Backend[];
  let db: Server;
  let engine: TestEngine | undefined;

  beforeAll(async () => {
    backends = await startBackends(['web1', 'web2', 'api1']);
    db = createServer((s) => {
      s.on('error', () => undefined);
      s.pipe(s);
    });
    await new Promise<void>((r) => db.listen(0, '127.0.0.1', r));
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
    await new Promise((r) => db.close(r));
  });

  async function start() {
    const [web1, web2, api1] = backends as [Backend, Backend, Backend];
    const ports = { web: await freePort(), http: await freePort(), db: await freePort() };
    const doc = v1Example(ports, {
      web1: web1.port,
      web2: web2.port,
      api1: api1.port,
      db1: (db.address() as { port: number }).port,
    });
    // No health checks here: every server counts as up at once.
    for (const vs of doc.virtualServices) delete (vs as { healthCheck?: unknown }).healthCheck;
    engine = await startEngine(doc);
    return { e: engine, ports };
  }

  async function get(url: string, headers: Record<string, string> = {}) {
    const res = await request(url, { headers, reset: true });
    const text = await res.body.text();
    const json =
      res.statusCode === 200
        ? (JSON.parse(text) as { backend: string; headers: Record<string, string> })
        : undefined;
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  it('sends requests to the same back ends, and keeps the default pool servers on their 0.1 cookies', async () => {
    const { e } = await start();
    const url = e.url('web');
    const first = [await get(`${url}/`), await get(`${url}/`)];
    expect(first.map((r) => r.json!.backend).sort()).toEqual(['web1', 'web2']);
    for (const r of first) {
      // The cookie a client got from 0.1 for that server is the one it gets now.
      expect(String(r.headers['set-cookie'])).toMatch(
        new RegExp(`^PORTICO=${v1Cookie('web', r.json!.backend)};`),
      );
    }
    // A client holding a cookie from 0.1 stays on its server, without a new cookie.
    for (const server of ['web1', 'web2']) {
      for (let i = 0; i < 3; i++) {
        const r = await get(`${url}/`, { cookie: `PORTICO=${v1Cookie('web', server)}` });
        expect(r.json!.backend).toBe(server);
        expect(r.headers['set-cookie']).toBeUndefined();
      }
    }
    // Health, stats and events name the default pool's servers as 0.1 did: service/server.
    expect(
      e.engine
        .healthSnapshot()
        .map((h) => h.key)
        .sort(),
    ).toEqual(['db/db1', 'web-api/api1', 'web/web1', 'web/web2']);
  });

  it('routes content rules alike; their servers get new cookies (clients re-balanced once)', async () => {
    const { e } = await start();
    const r = await get(`${e.url('web')}/v1/orders`);
    expect(r.json!.backend).toBe('api1');
    const cookie = String(r.headers['set-cookie']).split(';')[0]!;
    expect(cookie).not.toBe(`PORTICO=${v1Cookie('web', 'api1')}`);
    expect(cookie).toBe(`PORTICO=${v1Cookie('web-api', 'api1')}`);
    expect((await get(`${e.url('web')}/v1x`)).json!.backend).not.toBe('api1');
  });

  it('refuses the same deny paths', async () => {
    const { e } = await start();
    for (const path of ['/admin', '/Admin/x', '/%61dmin']) {
      const r = await get(`${e.url('web')}${path}`);
      expect(r.status, path).toBe(403);
    }
    expect((await get(`${e.url('web')}/administrator`)).status).toBe(200);
  });

  it('redirects as the 0.1 redirect service did', async () => {
    const { e, ports } = await start();
    const r = await get(`${e.url('web-http')}/owa/?a=1`, { host: 'mail.contoso.com' });
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe(`https://mail.contoso.com:${ports.web}/owa/?a=1`);
  });

  it('pipes the L4 service to its server', async () => {
    const { e } = await start();
    const s = connect({ host: '127.0.0.1', port: e.port('db') });
    let got = '';
    s.on('data', (c: Buffer) => (got += c.toString()));
    s.write('ping over the converted tcp service');
    await until(() => got === 'ping over the converted tcp service', 'the echo');
    s.destroy();
  });

  // 0.1 wrote a boolean: true did what append does, false what off does.
  it.each([
    [true, { xff: '203.0.113.9, 127.0.0.1', proto: 'http', forwarded: 'for=203.0.113.9' }],
    [false, { xff: '203.0.113.9', proto: 'https', forwarded: 'for=203.0.113.9' }],
  ] as const)('forwardedHeaders %s', async (mode, want) => {
    const [web1] = backends as [Backend];
    engine = await startEngine({
      virtualServices: [
        {
          name: 'web',
          listen: { address: '127.0.0.1', port: await freePort() },
          protocol: 'http',
          forwardedHeaders: mode,
          realServers: [{ name: 'web1', address: '127.0.0.1', port: web1.port }],
        },
      ],
    });
    const h = (
      await get(`${engine.url('web')}/`, {
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-proto': 'https',
        forwarded: 'for=203.0.113.9',
      })
    ).json!.headers;
    expect(h['x-forwarded-for']).toBe(want.xff);
    expect(h['x-forwarded-proto']).toBe(want.proto);
    expect(h.forwarded).toBe(want.forwarded);
  });
});

describe('the agent process and a version-1 config', () => {
  let backends: Backend[];
  let agent: AgentProcess | undefined;
  beforeAll(async () => {
    backends = await startBackends(['rs1', 'rs2']);
  });
  afterEach(async () => {
    await agent?.cleanup();
    agent = undefined;
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  /** A 0.1 config.json as an admin wrote it: two-space indents, no trailing newline. */
  const v1File = (port: number, name = 'web') =>
    JSON.stringify(
      {
        virtualServices: [
          {
            name,
            listen: { address: '127.0.0.1', port },
            protocol: 'http',
            realServers: backends.map((b) => ({ name: b.name, address: '127.0.0.1', port: b.port })),
          },
        ],
      },
      null,
      2,
    );

  it('converts config.json at start, keeps the original byte for byte as config.v1.json, and serves it', async () => {
    const port = await freePort();
    const text = v1File(port);
    agent = await startAgentProcess({ files: { 'config.json': text } });
    const dir = agent.dataDir;
    expect(readFileSync(join(dir, 'config.v1.json')).equals(Buffer.from(text))).toBe(true);
    const written = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({ ...AgentConfig.parse(migrateV1(JSON.parse(text))), revision: 0 });
    expect(written).toMatchObject({
      version: 2,
      pools: [{ name: 'web', servers: [{ name: 'rs1' }, { name: 'rs2' }] }],
      virtualServices: [{ name: 'web', pool: 'web' }],
    });
    expect(agent.logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        original: 'config.v1.json',
        msg: expect.stringContaining('version 1'),
      }),
    );
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await request(`http://127.0.0.1:${port}/`);
      seen.add(((await r.body.json()) as { backend: string }).backend);
    }
    expect(seen).toEqual(new Set(['rs1', 'rs2']));

    // A version-1 file put back by hand and reloaded: converted again, the first copy kept.
    const again = v1File(port, 'web2');
    writeFileSync(join(dir, 'config.json'), again);
    agent.child.kill('SIGHUP');
    await until(
      () =>
        existsSync(join(dir, 'config.json')) &&
        readFileSync(join(dir, 'config.json'), 'utf8').includes('"pools"'),
      'the reload to convert the file',
    );
    expect(readFileSync(join(dir, 'config.v1.json'), 'utf8')).toBe(text);
    const copies = readdirSync(dir).filter((f) => /^config\.v1\..+\.json$/.test(f));
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(dir, copies[0]!), 'utf8')).toBe(again);
    const client = await agent.client();
    try {
      expect(await client.result('config.get')).toMatchObject({
        revision: 1,
        config: { pools: [{ name: 'web2' }], virtualServices: [{ name: 'web2', pool: 'web2' }] },
      });
    } finally {
      client.close();
    }
  });

  it('accepts a version-1 document in config.apply and runs its conversion', async () => {
    agent = await startAgentProcess({ config: { version: 2, pools: [], virtualServices: [] } });
    const port = await freePort();
    const client = await agent.client();
    try {
      expect(
        await client.result('config.apply', { config: JSON.parse(v1File(port)), expectRevision: 0 }),
      ).toEqual({
        revision: 1,
      });
      expect(await client.result('config.get')).toMatchObject({
        revision: 1,
        config: { version: 2, pools: [{ name: 'web' }], virtualServices: [{ name: 'web', pool: 'web' }] },
      });
      const r = await request(`http://127.0.0.1:${port}/`);
      expect(r.statusCode).toBe(200);
      await r.body.dump();
      // A document applied over the API has no original to keep.
      expect(existsSync(join(agent.dataDir, 'config.v1.json'))).toBe(false);
    } finally {
      client.close();
    }
  });
});

describe('portico-agent check', () => {
  const run = promisify(execFile);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portico-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the converted form of a version-1 config.json and writes nothing', async () => {
    const text = JSON.stringify(v1Example());
    writeFileSync(join(dir, 'config.json'), text);
    const { stdout } = await run(process.execPath, [join(repo, 'agent/cli.ts'), 'check', '--data-dir', dir]);
    const [summary, ...rest] = stdout.split('\n');
    expect(summary).toBe('ok: 3 pools, 3 virtual services');
    expect(stdout).toContain('version 1 format');
    const shown = JSON.parse(stdout.slice(stdout.indexOf('\n{') + 1)) as unknown;
    expect(shown).toEqual(AgentConfig.parse(migrateV1(v1Example())));
    expect(rest.length).toBeGreaterThan(10);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('prints only the summary for a version-2 config.json', async () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(migrateV1(v1Example())));
    const { stdout } = await run(process.execPath, [join(repo, 'agent/cli.ts'), 'check', '--data-dir', dir]);
    expect(stdout).toBe('ok: 3 pools, 3 virtual services\n');
  });
});
