/**
 * Deny-path bypasses against a real agent process. `denyPaths: ["/admin"]` must hold however
 * the path is spelt — absolute form, percent-escapes, case, dot segments, doubled slashes, path
 * parameters — and whatever has no single meaning (an encoded "/" or "\", NUL, a ".." above the
 * root, an absolute form naming another host) is refused with 400. The same canonical path
 * steers content rules, and it is what the back end receives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHealthy, startHostileAgent, type HostileAgent } from '../support/hostile-agent.ts';
import { startRawBackend, type RawBackend } from '../support/raw-backend.ts';
import { exchange } from '../support/raw-client.ts';

let h: HostileAgent;
let main: RawBackend;
let owa: RawBackend;

beforeAll(async () => {
  main = await startRawBackend('main');
  owa = await startRawBackend('owa');
  h = await startHostileAgent(
    [
      {
        config: {
          name: 'paths',
          protocol: 'http',
          denyPaths: ['/admin'],
          realServers: [{ name: 'main', address: '127.0.0.1', port: main.port }],
          contentRules: [
            {
              name: 'owa',
              pathPrefix: '/owa',
              realServers: [{ name: 'owa', address: '127.0.0.1', port: owa.port }],
            },
          ],
        },
      },
    ],
    [main, owa],
  );
});

afterAll(async () => {
  await h?.close();
  await main?.close();
  await owa?.close();
});

interface Row {
  target: string;
  status: number;
  /** Which back end gets the request (none for a refusal) … */
  reaches?: 'main' | 'owa';
  /** … and the target it receives (default: the target as sent). */
  as?: string;
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
  'http://other.test/public',
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
  // Tomcat and Spring read `..;` as `..`.
  '/x/..;/admin',
  '/x/.;a/../admin/',
].map((target) => ({ target, status: 400 }));

const ALLOWED: Row[] = [
  { target: '/administrator', status: 200, reaches: 'main' },
  { target: '/admin-panel', status: 200, reaches: 'main' },
  { target: '/public/../administrator', status: 200, reaches: 'main', as: '/administrator' },
  { target: '/x/../public/%61b?q=%2F..', status: 200, reaches: 'main', as: '/public/ab?q=%2F..' },
  { target: '//public//a', status: 200, reaches: 'main', as: '/public/a' },
  { target: '/public/%7euser', status: 200, reaches: 'main', as: '/public/~user' },
  { target: 'http://paths.test/public?x=1', status: 200, reaches: 'main', as: '/public?x=1' },
];

const CONTENT_RULE: Row[] = [
  { target: '/owa/x', status: 200, reaches: 'owa' },
  { target: '/%6fwa/x', status: 200, reaches: 'owa', as: '/owa/x' },
  { target: '/OWA/x', status: 200, reaches: 'owa' },
  { target: '/x/../owa/y', status: 200, reaches: 'owa', as: '/owa/y' },
  { target: 'http://paths.test/owa/z', status: 200, reaches: 'owa', as: '/owa/z' },
];

async function check(row: Row): Promise<void> {
  const from = { main: main.seen.length, owa: owa.seen.length };
  const bytes = `GET ${row.target} HTTP/1.1\r\nHost: paths.test\r\nConnection: close\r\n\r\n`;
  const answer = await exchange(h.target('paths'), bytes);
  const reached = {
    main: main.seen.slice(from.main).map((r) => r.target),
    owa: owa.seen.slice(from.owa).map((r) => r.target),
  };
  const expected = { main: [] as string[], owa: [] as string[] };
  if (row.reaches) expected[row.reaches] = [row.as ?? row.target];
  expect(
    { status: answer.status, reached },
    `GET ${row.target} answered ${JSON.stringify(answer.text.slice(0, 200))}`,
  ).toEqual({ status: row.status, reached: expected });
  await expectHealthy(h);
}

describe('deny paths and the canonical target', () => {
  it.each(DENIED)('$target → 403, the back end sees nothing', check);
  it.each(REFUSED)('$target → 400, the back end sees nothing', check);
  it.each(ALLOWED)('$target → 200 at $reaches as the canonical path', check);
  it.each(CONTENT_RULE)('$target → the /owa content rule', check);
});
