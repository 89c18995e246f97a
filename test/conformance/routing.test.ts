/**
 * Conformance, what a request means and where it goes: content rules by Host (exact and
 * wildcard) and path prefix, deny paths on the one canonical path whatever the spelling (the
 * hostile vectors of test/hostile/paths.test.ts), the 404 of a service without a default pool,
 * and the redirect service. Raw sockets both ways, so the exact bytes are compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, differs, startEngine, type EngineUnderTest } from '../support/conformance.ts';
import { freePort } from '../support/ports.ts';
import { startRawBackend, type RawBackend } from '../support/raw-backend.ts';
import { exchange, responseHeader } from '../support/raw-client.ts';

let main: RawBackend;
let owa: RawBackend;
let api: RawBackend;
beforeAll(async () => {
  [main, owa, api] = await Promise.all([
    startRawBackend('main'),
    startRawBackend('owa'),
    startRawBackend('api'),
  ]);
});
afterAll(async () => {
  await Promise.all([main, owa, api].map((b) => b?.close()));
});

interface Row {
  target: string;
  status: number;
  reaches?: 'main' | 'owa' | 'api';
  as?: string;
  host?: string;
}

const DENIED: Row[] = [
  '/admin',
  '/admin/',
  '/admin/x',
  '/admin;x',
  '/admin?x=1',
  '/ADMIN',
  '/Admin/x',
  '/%61dmin',
  '/adm%69n',
  '/%41DMIN',
  '/x/../admin',
  '/./admin',
  '/x/%2e%2e/admin',
  '/x/%2E%2E/admin/y',
  '//admin',
  '///admin/x',
  'http://paths.test/admin',
  'http://PATHS.test/admin/x',
].map((target) => ({ target, status: 403 }));

const REFUSED: Row[] = [
  'http://other.test/admin',
  '/%2fadmin',
  '/x/..%2fadmin',
  '/admin%2fx',
  '/%5cadmin',
  '/x%5c..%5cadmin',
  '/\\admin',
  '/admin%00',
  '/%00/admin',
  '/../admin',
  '/%2e%2e/admin',
  '/x/../../admin',
  '/x/..;/admin',
  '/x/.;a/../admin/',
  '/a%zzb',
].map((target) => ({ target, status: 400 }));

const ALLOWED: Row[] = [
  { target: '/administrator', status: 200, reaches: 'main' },
  { target: '/admin-panel', status: 200, reaches: 'main' },
  { target: '/public/../administrator', status: 200, reaches: 'main', as: '/administrator' },
  { target: '/x/../public/%61b?q=%2F..', status: 200, reaches: 'main', as: '/public/ab?q=%2F..' },
  { target: '/q?x=%61%7e', status: 200, reaches: 'main', as: '/q?x=%61%7e' },
  { target: '//public//a', status: 200, reaches: 'main', as: '/public/a' },
  { target: '/public/%7euser', status: 200, reaches: 'main', as: '/public/~user' },
  { target: 'http://paths.test/public?x=1', status: 200, reaches: 'main', as: '/public?x=1' },
];

const RULES: Row[] = [
  { target: '/owa/x', status: 200, reaches: 'owa' },
  { target: '/%6fwa/x', status: 200, reaches: 'owa', as: '/owa/x' },
  { target: '/OWA/x', status: 200, reaches: 'owa' },
  { target: '/owa;jsessionid=1', status: 200, reaches: 'owa' },
  { target: '/owa', status: 200, reaches: 'owa' },
  { target: '/owasp', status: 200, reaches: 'main' },
  { target: '/x/../owa/y', status: 200, reaches: 'owa', as: '/owa/y' },
  { target: '/anything', status: 200, reaches: 'api', host: 'API.example.com' },
  { target: '/anything', status: 200, reaches: 'api', host: 'api.example.com.:8080' },
  { target: '/anything', status: 200, reaches: 'api', host: 'v2.svc.example.org' },
  { target: '/anything', status: 200, reaches: 'main', host: 'svc.example.org' },
  { target: '/anything', status: 200, reaches: 'main', host: 'other.example.com' },
];

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  let port: number;
  let redirectPort: number;
  let bare: number;
  beforeAll(async () => {
    e = await startEngine(kind);
    [port, redirectPort, bare] = [await freePort(), await freePort(), await freePort()];
    const p = (name: string, b: RawBackend) => ({
      name,
      servers: [{ name, address: '127.0.0.1', port: b.port }],
    });
    await e.apply({
      pools: [p('main', main), p('owa', owa), p('api', api)],
      virtualServices: [
        {
          name: 'paths',
          protocol: 'http',
          listen: { address: '127.0.0.1', port },
          pool: 'main',
          denyPaths: ['/admin'],
          contentRules: [
            { name: 'owa', pathPrefix: '/owa/', pool: 'owa' },
            { name: 'api', host: ['api.example.com', '*.svc.example.org'], pool: 'api' },
          ],
        },
        {
          name: 'bare',
          protocol: 'http',
          listen: { address: '127.0.0.1', port: bare },
          contentRules: [{ name: 'x', pathPrefix: '/x', pool: 'main' }],
        },
        {
          name: 'redir',
          protocol: 'redirect',
          listen: { address: '127.0.0.1', port: redirectPort },
          toPort: 8443,
          status: 308,
        },
      ],
    });
  });
  afterAll(() => e?.stop());

  async function check(row: Row): Promise<string> {
    const from = { main: main.seen.length, owa: owa.seen.length, api: api.seen.length };
    const host = row.host ?? 'paths.test';
    const answer = await exchange(
      { port },
      `GET ${row.target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    const reached = {
      main: main.seen.slice(from.main).map((r) => r.target),
      owa: owa.seen.slice(from.owa).map((r) => r.target),
      api: api.seen.slice(from.api).map((r) => r.target),
    };
    const expected = { main: [] as string[], owa: [] as string[], api: [] as string[] };
    if (row.reaches) expected[row.reaches] = [row.as ?? row.target.replace(/^http:\/\/[^/]+/i, '')];
    expect({ status: answer.status, reached }, `GET ${row.target}: ${answer.text.slice(0, 160)}`).toEqual({
      status: row.status,
      reached: expected,
    });
    return answer.text;
  }

  it.each(DENIED)('$target → 403, the back end sees nothing', async (row) => {
    expect(await check(row)).toMatch(
      /403 Forbidden: access to \/admin is not allowed on this service; use HTTPS\n$/,
    );
  });
  it.each(REFUSED)('$target → 400, the back end sees nothing', async (row) => {
    const text = await check(row);
    // Where HAProxy refuses before any rule runs (an absolute form naming another host, a
    // malformed escape) the 400 is HAProxy's own page; every other refusal has the built-in text.
    const ownPage = row.target.startsWith('http://other') || row.target.includes('%zz');
    expect(text).toMatch(
      differs(
        kind,
        { builtin: /400 Bad Request: /, haproxy: ownPage ? /400 Bad request/i : /400 Bad Request: / },
        "HAProxy's parser answers some 400s itself",
      ),
    );
  });
  it.each(ALLOWED)('$target → 200 at $reaches as the canonical path', async (row) => {
    await check(row);
  });
  it.each(RULES)('$target (Host $host) → $reaches', async (row) => {
    await check(row);
  });

  it('a service without a default pool answers 404 to what no rule matches', async () => {
    const a = await exchange({ port: bare }, 'GET /y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(a.status).toBe(404);
    expect(a.text).toMatch(/404 Not Found: no service for this host\/path\n$/);
    expect(
      (await exchange({ port: bare }, 'GET /x/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status,
    ).toBe(200);
  });

  it('redirect: the same URL over https, the status and body of the built-in engine', async () => {
    const a = await exchange(
      { port: redirectPort },
      'GET /owa/?a=1&b=%2F HTTP/1.1\r\nHost: mail.example.com:80\r\nConnection: close\r\n\r\n',
    );
    expect(a.status).toBe(308);
    expect(responseHeader(a.text, 'location')).toEqual(['https://mail.example.com:8443/owa/?a=1&b=%2F']);
    expect(a.text).toMatch(
      /308 Permanent Redirect: moved to https:\/\/mail\.example\.com:8443\/owa\/\?a=1&b=%2F\n$/,
    );
    // The canonical path, as everywhere.
    const b = await exchange(
      { port: redirectPort },
      'GET /x/../%61 HTTP/1.1\r\nHost: mail.example.com\r\nConnection: close\r\n\r\n',
    );
    expect(responseHeader(b.text, 'location')).toEqual(['https://mail.example.com:8443/a']);
    const c = await exchange({ port: redirectPort }, 'GET / HTTP/1.0\r\n\r\n');
    expect(c.status).toBe(400);
    expect(c.text).toMatch(/a Host header is needed to redirect to HTTPS/);
  });
});
