/**
 * Headers a client or a back end could abuse, against a real agent process. At the edge
 * (`forwardedHeaders: "replace"`, the default) a client cannot forge who it is: whatever
 * X-Forwarded-*, Forwarded or X-Real-IP it sends never reaches the back end, and
 * X-Forwarded-For is exactly its address. "append" keeps a trusted proxy's list and adds the
 * client; "off" adds nothing. A back end's Connection-named headers stay on its hop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byPath, connectionNamedHeader } from '../support/backend-behaviours.ts';
import { expectHealthy, startHostileAgent, type HostileAgent } from '../support/hostile-agent.ts';
import { headerValues, startRawBackend, type RawBackend, type SeenRequest } from '../support/raw-backend.ts';
import { exchange, responseHeader } from '../support/raw-client.ts';

let h: HostileAgent;
let b: RawBackend;

/** A second loopback address: X-Forwarded-For must carry the real peer, not a constant. */
const CLIENT = '127.0.0.2';

beforeAll(async () => {
  b = await startRawBackend(
    'rs',
    byPath({
      '/secret': connectionNamedHeader('x-secret', [['X-Secret', '1']]),
      '/secret-list': connectionNamedHeader('keep-alive, X-Secret, x-other', [
        ['x-secret', '1'],
        ['X-Other', '2'],
      ]),
      '/secret-twice': (_req, conn) =>
        conn.respond(
          200,
          [
            ['Connection', 'keep-alive'],
            ['Connection', 'X-Secret'],
            ['X-Secret', '1'],
          ],
          'ok',
        ),
    }),
  );
  const rs = [{ name: 'rs', address: '127.0.0.1', port: b.port }];
  h = await startHostileAgent(
    [
      { config: { name: 'replace', protocol: 'http', realServers: rs } },
      { config: { name: 'append', protocol: 'http', forwardedHeaders: 'append', realServers: rs } },
      { config: { name: 'off', protocol: 'http', forwardedHeaders: 'off', realServers: rs } },
    ],
    [b],
  );
});

afterAll(async () => {
  await h?.close();
  await b?.close();
});

const FORGED =
  'X-Forwarded-For: 6.6.6.6\r\n' +
  'x-forwarded-for: 7.7.7.7\r\n' +
  'Forwarded: for=6.6.6.6;proto=https;host=evil.test\r\n' +
  'X-Real-IP: 6.6.6.6\r\n' +
  'X-Forwarded-Proto: https\r\n' +
  'X-Forwarded-Host: evil.test\r\n';

/** Sends one GET from CLIENT and returns what the back end received. */
async function forward(service: string, headers: string): Promise<SeenRequest> {
  const from = b.seen.length;
  const path = `/fwd-${service}-${from}`;
  const answer = await exchange(
    h.target(service, { localAddress: CLIENT }),
    `GET ${path} HTTP/1.1\r\nHost: fwd.test\r\n${headers}Connection: close\r\n\r\n`,
  );
  expect(answer.status, answer.text.slice(0, 200)).toBe(200);
  const req = b.seen.slice(from).find((r) => r.target === path);
  expect(req, `the back end never saw ${path}`).toBeDefined();
  return req!;
}

const forwardedView = (req: SeenRequest) => ({
  'x-forwarded-for': headerValues(req, 'x-forwarded-for').join(', '),
  forwarded: headerValues(req, 'forwarded'),
  'x-real-ip': headerValues(req, 'x-real-ip'),
  'x-forwarded-proto': headerValues(req, 'x-forwarded-proto'),
  'x-forwarded-host': headerValues(req, 'x-forwarded-host'),
});

describe('forwarded headers', () => {
  it.each([
    { id: 'forged in every spelling', headers: FORGED },
    {
      id: 'forged, and named in Connection to strip ours',
      headers: `${FORGED}Connection: X-Forwarded-For, X-Forwarded-Proto\r\n`,
    },
    { id: 'none sent', headers: '' },
  ])('replace (the default), $id: the back end sees only ours', async ({ headers }) => {
    expect(forwardedView(await forward('replace', headers))).toEqual({
      'x-forwarded-for': CLIENT,
      forwarded: [],
      'x-real-ip': [],
      'x-forwarded-proto': ['http'],
      'x-forwarded-host': ['fwd.test'],
    });
    await expectHealthy(h);
  });

  it.each([
    { headers: 'X-Forwarded-For: 6.6.6.6\r\n', want: `6.6.6.6, ${CLIENT}` },
    {
      headers: 'X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 7.7.7.7\r\n',
      want: `6.6.6.6, 7.7.7.7, ${CLIENT}`,
    },
    { headers: '', want: CLIENT },
  ])('append: $want', async ({ headers, want }) => {
    expect(headerValues(await forward('append', headers), 'x-forwarded-for').join(', ')).toBe(want);
    await expectHealthy(h);
  });

  it('off: nothing is added, and what the client sent passes untouched', async () => {
    expect(forwardedView(await forward('off', ''))).toEqual({
      'x-forwarded-for': '',
      forwarded: [],
      'x-real-ip': [],
      'x-forwarded-proto': [],
      'x-forwarded-host': [],
    });
    expect(headerValues(await forward('off', 'X-Forwarded-For: 6.6.6.6\r\n'), 'x-forwarded-for')).toEqual([
      '6.6.6.6',
    ]);
    await expectHealthy(h);
  });
});

describe('response headers the back end names in Connection', () => {
  it.each([
    { path: '/secret', hidden: ['x-secret'] },
    { path: '/secret-list', hidden: ['x-secret', 'x-other'] },
    { path: '/secret-twice', hidden: ['x-secret'] },
  ])('$path: the client never sees $hidden', async ({ path, hidden }) => {
    const answer = await exchange(
      h.target('replace'),
      `GET ${path} HTTP/1.1\r\nHost: fwd.test\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text.endsWith('\r\n\r\nok')).toBe(true);
    const leaked = hidden.filter((name) => responseHeader(answer.text, name).length > 0);
    expect(leaked, answer.text).toEqual([]);
    await expectHealthy(h);
  });
});
