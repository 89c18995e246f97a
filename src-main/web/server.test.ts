/**
 * Browser mode over a real HTTP server on 127.0.0.1:0, called with the real web client and
 * with raw requests for what a hostile page or process would send. The core is an in-memory
 * one: the transport is what is under test here.
 */
import { request } from 'node:http';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { createWebClient, secretFromFragment, type FetchLike } from '../../shared/ipc/web-client.ts';
import { createMemoryCore, type MemoryCore } from '../../test/support/memory-core.ts';
import { CONTENT_SECURITY_POLICY } from '../shell/policy.ts';
import { startWebServer, type WebServer } from './server.ts';

const silent = pino({ level: 'silent' });
let core: MemoryCore;
let server: WebServer;
let dir: string;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request exactly as written: node:http lets us set Host and Origin as an attacker would. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path,
        headers: { host: `127.0.0.1:${server.port}`, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const auth = (): Record<string, string> => ({ authorization: `Bearer ${server.secret}` });
const json = { 'content-type': 'application/json' };

beforeEach(async () => {
  core = createMemoryCore();
  dir = await mkdtemp(join(tmpdir(), 'portico-web-'));
});

afterEach(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(options: { staticDir?: string; maxBodyBytes?: number } = {}): Promise<void> {
  server = await startWebServer({
    core,
    staticDir: options.staticDir ?? join(dir, 'missing'),
    log: silent,
    maxBodyBytes: options.maxBodyBytes,
    heartbeatMs: 50,
  });
}

describe('startWebServer', () => {
  it('listens on 127.0.0.1 only, with a ≥128-bit secret in the URL fragment', async () => {
    await start();
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#secret=[A-Za-z0-9_-]+$`));
    expect(secretFromFragment(new URL(server.url).hash)).toBe(server.secret);
    expect(Buffer.from(server.secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });

  it('makes a new secret per start', async () => {
    await start();
    const first = server.secret;
    await server.close();
    await start();
    expect(server.secret).not.toBe(first);
  });
});

describe('API calls', () => {
  beforeEach(() => start());

  it('runs channels through the web client: {result} and {error} as in Electron', async () => {
    const api = createWebClient({ secret: server.secret, baseUrl: `http://127.0.0.1:${server.port}` });
    const paired = await api.pairAgent({ address: 'lb1', port: 9443, token: 'x'.repeat(40) });
    expect(paired).toMatchObject({ result: { agent: { id: 'agent-1', address: 'lb1', port: 9443 } } });
    await expect(api.listAgents()).resolves.toMatchObject({ result: { sites: [{ site: 'lab' }] } });
    await expect(
      api.upsertPool({ agentId: 'agent-1', pool: { name: 'cas' }, expectRevision: 1 }),
    ).resolves.toEqual({
      error: { code: 'CONFLICT', message: 'the configuration changed', details: { currentRevision: 3 } },
    });
    await expect(api.removePool({ agentId: 'agent-1', name: 'cas', expectRevision: 3 })).resolves.toEqual({
      error: { code: 'IN_USE', message: 'pool "cas" is used by "web"', details: { usedBy: ['web'] } },
    });
  });

  it('sends certificate bytes as base64 and the core gets them back as bytes', async () => {
    const api = createWebClient({ secret: server.secret, baseUrl: `http://127.0.0.1:${server.port}` });
    const bytes = new Uint8Array([0x30, 0x82, 0x01, 0xff, 0x00]);
    const reply = await api.inspectCertificates({ files: [{ name: 'www.pfx', bytes, password: 'pw' }] });
    expect(reply).toMatchObject({ result: { inspectionId: 'insp-1' } });
    const call = core.calls.find((c) => c.method === 'certs.inspect');
    expect((call?.params as { files: { bytes: Uint8Array }[] }).files[0]?.bytes).toEqual(bytes);
  });

  it('validates params exactly as IPC does', async () => {
    const res = await raw('POST', '/api/removeAgent', { ...auth(), ...json }, JSON.stringify({ agentId: 5 }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'INVALID_PARAMS' } });
    expect(core.calls).toEqual([]);
  });

  it('hides internal errors behind a log reference', async () => {
    const api = createWebClient({ secret: server.secret, baseUrl: `http://127.0.0.1:${server.port}` });
    const reply = await api.inspectCertificates({ files: [{ name: 'crash.pfx', bytes: 'AAAA' }] });
    expect(reply).toMatchObject({ error: { code: 'INTERNAL' } });
    expect(JSON.stringify(reply)).not.toContain('/secret/path');
  });

  it.each([
    ['no secret', {}],
    ['a wrong secret', { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    ['the secret as a cookie', { cookie: 'secret=SECRET' }],
    ['a Basic header', { authorization: 'Basic SECRET' }],
  ])('refuses %s with 401', async (_what, headers) => {
    const withSecret = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v.replace('SECRET', server.secret)]),
    );
    const res = await raw('POST', '/api/listAgents', { ...json, ...withSecret }, '{}');
    expect(res.status).toBe(401);
    expect(core.calls).toEqual([]);
  });

  it.each([
    ['a rebinding name', { host: 'attacker.example:PORT' }],
    ['localhost instead of 127.0.0.1', { host: 'localhost:PORT' }],
    ['another port', { host: '127.0.0.1:1' }],
    ['a foreign Origin', { origin: 'https://attacker.example' }],
    ['Origin null (sandboxed frame, file:)', { origin: 'null' }],
  ])('refuses %s with 403, secret or not', async (_what, headers) => {
    const h = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v.replace('PORT', String(server.port))]),
    );
    const res = await raw('POST', '/api/listAgents', { ...auth(), ...json, ...h }, '{}');
    expect(res.status).toBe(403);
    expect(core.calls).toEqual([]);
  });

  it('accepts its own Origin', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    const res = await raw('POST', '/api/listAgents', { ...auth(), ...json, origin }, '{}');
    expect(res.status).toBe(200);
  });

  it.each([
    ['an unknown channel', 'POST', '/api/evalAnything', json, '{}', 404],
    ['a prototype key as channel', 'POST', '/api/__proto__', json, '{}', 404],
    ['GET on a channel', 'GET', '/api/listAgents', {}, undefined, 405],
    ['a form post', 'POST', '/api/listAgents', { 'content-type': 'text/plain' }, '{}', 415],
    ['a body that is not JSON', 'POST', '/api/listAgents', json, '{', 400],
  ])('answers %s with %#', async (_what, method, path, headers, body, status) => {
    const res = await raw(method, path, { ...auth(), ...headers }, body);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toHaveProperty('error.code');
  });
});

describe('body size limit', () => {
  beforeEach(() => start({ maxBodyBytes: 1024 }));

  it('refuses a declared oversize body before reading it', async () => {
    const body = JSON.stringify({ files: [{ name: 'big.pfx', bytes: 'A'.repeat(4000) }] });
    const res = await raw('POST', '/api/inspectCertificates', { ...auth(), ...json }, body);
    expect(res.status).toBe(413);
    expect(core.calls).toEqual([]);
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/inspectCertificates',
          headers: { host: `127.0.0.1:${server.port}`, ...auth(), ...json, 'transfer-encoding': 'chunked' },
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write('x'.repeat(512));
      req.end();
    });
    expect(res).toBe(413);
    expect(core.calls).toEqual([]);
  });

  it('accepts a body under the limit', async () => {
    const res = await raw('POST', '/api/listAgents', { ...auth(), ...json }, '{}');
    expect(res.status).toBe(200);
  });
});

describe('events (SSE)', () => {
  beforeEach(() => start());

  it('refuses the stream without the secret', async () => {
    const res = await raw('GET', '/api/events');
    expect(res.status).toBe(401);
    expect(core.subscribers()).toBe(0);
  });

  it('delivers core events to the web client in order, and unsubscribes', async () => {
    const api = createWebClient({ secret: server.secret, baseUrl: `http://127.0.0.1:${server.port}` });
    const seen: ConsoleEvent[] = [];
    const unsubscribe = api.onEvent((e) => seen.push(e));
    await expect.poll(() => core.subscribers()).toBe(1);
    const events: ConsoleEvent[] = [
      {
        type: 'health',
        changes: [
          {
            agentId: 'a1',
            server: {
              key: 'cas/cas1',
              pool: 'cas',
              server: 'cas1',
              state: 'down',
              since: '2025-01-01T00:00:00.000Z',
            },
          },
        ],
      },
      { type: 'config', agentId: 'a1', revision: 8 },
      { type: 'progress', operationId: 'op-12345678', agentId: 'a1', status: 'ok' },
    ];
    events.forEach((e) => core.emit(e));
    await expect.poll(() => seen).toEqual(events);
    unsubscribe();
    await expect.poll(() => core.subscribers()).toBe(0);
  });

  it('pushes a pairing made over HTTP to a listening client', async () => {
    const api = createWebClient({ secret: server.secret, baseUrl: `http://127.0.0.1:${server.port}` });
    const seen: ConsoleEvent[] = [];
    const unsubscribe = api.onEvent((e) => seen.push(e));
    await expect.poll(() => core.subscribers()).toBe(1);
    await api.pairAgent({ address: 'lb2', token: 'y'.repeat(40) });
    await expect.poll(() => seen.map((e) => e.type)).toEqual(['agent']);
    unsubscribe();
  });

  it('reconnects after the stream drops and tells the app to resync', async () => {
    let dropped = false;
    // The first stream ends at once, as a network blip would end it; later ones are real.
    const flaky: FetchLike = async (url, init) => {
      if (url.endsWith('/api/events') && !dropped) {
        dropped = true;
        const body = { getReader: () => ({ read: async () => ({ done: true }), cancel: async () => {} }) };
        return { status: 200, ok: true, json: async () => undefined, body };
      }
      return fetch(url, init);
    };
    const api = createWebClient({
      secret: server.secret,
      baseUrl: `http://127.0.0.1:${server.port}`,
      fetch: flaky,
      retryMs: 10,
    });
    const seen: ConsoleEvent[] = [];
    const unsubscribe = api.onEvent((e) => seen.push(e));
    await expect.poll(() => core.subscribers()).toBe(1);
    core.emit({ type: 'config', agentId: 'a1', revision: 9 });
    await expect
      .poll(() => seen)
      .toEqual([{ type: 'resync' }, { type: 'config', agentId: 'a1', revision: 9 }]);
    unsubscribe();
  });

  it('stops reconnecting when the secret is refused (a restarted server has a new one)', async () => {
    let streamRequests = 0;
    const counting: FetchLike = (url, init) => {
      if (url.endsWith('/api/events')) streamRequests++;
      return fetch(url, init);
    };
    const api = createWebClient({
      secret: server.secret,
      baseUrl: `http://127.0.0.1:${server.port}`,
      fetch: counting,
      retryMs: 10,
    });
    const seen: ConsoleEvent[] = [];
    const unsubscribe = api.onEvent((e) => seen.push(e));
    await expect.poll(() => core.subscribers()).toBe(1);
    const port = server.port;
    await server.close();
    server = await startWebServer({ core, staticDir: join(dir, 'missing'), log: silent, port });
    await expect.poll(() => streamRequests).toBe(2);
    await new Promise((r) => setTimeout(r, 150));
    expect(streamRequests).toBe(2);
    expect(core.subscribers()).toBe(0);
    expect(seen).toEqual([]);
    unsubscribe();
  });

  it('sends heartbeats, and the server closes streams on close()', async () => {
    const chunks: string[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/events',
          headers: { host: `127.0.0.1:${server.port}`, ...auth() },
        },
        (res) => {
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          res.setEncoding('utf8');
          res.on('data', (c: string) => chunks.push(c));
          res.on('end', resolve);
          res.on('error', resolve);
          res.on('close', resolve);
        },
      );
      req.on('error', reject);
      req.end();
    });
    await expect.poll(() => chunks.join('')).toContain(': ping');
    await server.close();
    await ended;
    expect(core.subscribers()).toBe(0);
  });
});

describe('static files', () => {
  it('serves a placeholder page when the renderer is not built, under the CSP', async () => {
    await start();
    const res = await raw('GET', '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('renderer has not been built');
    expect(res.body).not.toContain('<script');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('serves the build, routes without extension to index.html, and nothing outside it', async () => {
    const web = join(dir, 'renderer');
    await mkdir(join(web, 'assets'), { recursive: true });
    await writeFile(join(web, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(web, 'assets', 'main.js'), 'console.log(1)');
    await writeFile(join(dir, 'outside.txt'), 'secret file');
    await symlink(join(dir, 'outside.txt'), join(web, 'link.txt'));
    await start({ staticDir: web });

    const index = await raw('GET', '/');
    expect([index.status, index.body]).toEqual([200, '<!doctype html><title>app</title>']);
    const js = await raw('GET', '/assets/main.js');
    expect([js.status, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await raw('GET', '/agents/a1')).body).toContain('<title>app</title>');
    for (const path of [
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/link.txt',
      '/missing.js',
    ]) {
      const res = await raw('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('secret file');
    }
  });

  it('checks Host on static files too (a rebinding page must not load the app)', async () => {
    await start();
    const res = await raw('GET', '/', { host: 'attacker.example' });
    expect(res.status).toBe(403);
  });
});
