/**
 * Upgrades against a real agent process. Only a real WebSocket handshake (GET, Upgrade:
 * websocket, Connection: Upgrade, Sec-WebSocket-Key) becomes a tunnel; any other Upgrade is an
 * ordinary request with the upgrade headers removed, so an h2c "upgrade" cannot carry a
 * request past the deny rules. In a real upgrade, bytes behind the head wait for the 101; a
 * refused upgrade is relayed and both sides are closed. An upgrade to a service with no
 * server up, reset by the client a moment later, must not take the process down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byPath, refuseUpgrade, websocketEcho } from '../support/backend-behaviours.ts';
import { until } from '../support/engine.ts';
import { expectHealthy, startHostileAgent, type HostileAgent } from '../support/hostile-agent.ts';
import { freePort } from '../support/ports.ts';
import { headerValues, startRawBackend, type RawBackend, type SeenRequest } from '../support/raw-backend.ts';
import { exchange, openRaw, responseHeader } from '../support/raw-client.ts';

let h: HostileAgent;
let ws: RawBackend;

beforeAll(async () => {
  ws = await startRawBackend('ws', byPath({ '/refuse': refuseUpgrade }, websocketEcho));
  const nobody = await freePort(); // nothing listens there: every connect is refused
  h = await startHostileAgent(
    [
      {
        config: {
          name: 'up',
          protocol: 'http',
          denyPaths: ['/admin'],
          realServers: [{ name: 'ws', address: '127.0.0.1', port: ws.port }],
        },
      },
      {
        config: {
          name: 'down',
          protocol: 'http',
          realServers: [{ name: 'gone', address: '127.0.0.1', port: nobody }],
        },
        probe: { status: [502, 503] },
      },
    ],
    [ws],
  );
});

afterAll(async () => {
  await h?.close();
  await ws?.close();
});

const HOST = 'Host: up.test\r\n';
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';
const websocketHead = (path: string) =>
  `GET ${path} HTTP/1.1\r\n${HOST}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\n\r\n`;

/** The upgrade-related headers a back end saw on a request that must have been plain. */
function upgradeTraces(req: SeenRequest): string[] {
  const traces = [
    ...headerValues(req, 'upgrade').map((v) => `upgrade: ${v}`),
    ...headerValues(req, 'http2-settings').map((v) => `http2-settings: ${v}`),
  ];
  for (const v of headerValues(req, 'connection')) if (/upgrade/i.test(v)) traces.push(`connection: ${v}`);
  return traces;
}

const seenSince = (from: number) => ws.seen.slice(from);

describe('upgrades', () => {
  // Node's parser drops whatever was pipelined behind an upgrade it is told not to honour, so
  // the agent answers the first request and closes: the pipelined one is never served by
  // anyone, and above all never reaches a real server unchecked. A client sends it again on a
  // new connection.
  it('h2c with a pipelined GET /admin: the first is a plain request, then the connection closes; /admin reaches nobody', async () => {
    const from = ws.seen.length;
    const answer = await exchange(
      h.target('up'),
      `GET /h2c HTTP/1.1\r\n${HOST}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n` +
        `GET /admin HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`,
    );
    const seen = seenSince(from);
    expect(
      {
        statuses: answer.statuses,
        reached: seen.map((r) => r.target),
        traces: seen.flatMap(upgradeTraces),
        adminBytesReached: ws.rawText().includes('GET /admin'),
      },
      `answered ${JSON.stringify(answer.text)} (closed: ${answer.closed})`,
    ).toEqual({ statuses: [200], reached: ['/h2c'], traces: [], adminBytesReached: false });
    expect(answer.closed).toBe(true);
    expect(answer.text).toMatch(/connection: close/i);
    await expectHealthy(h);
  });

  it.each([
    {
      id: 'Upgrade: foo',
      bytes: `GET /foo HTTP/1.1\r\n${HOST}Connection: Upgrade, close\r\nUpgrade: foo\r\n\r\n`,
      method: 'GET',
      body: '',
    },
    {
      id: 'websocket without Sec-WebSocket-Key',
      bytes: `GET /no-key HTTP/1.1\r\n${HOST}Connection: Upgrade, close\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      method: 'GET',
      body: '',
    },
    {
      id: 'POST with websocket',
      bytes: `POST /post-ws HTTP/1.1\r\n${HOST}Connection: Upgrade, close\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${KEY}\r\nContent-Length: 5\r\n\r\nhello`,
      method: 'POST',
      body: 'hello',
    },
  ])('$id is forwarded as a plain request without the upgrade headers', async ({ bytes, method, body }) => {
    const from = ws.seen.length;
    const answer = await exchange(h.target('up'), bytes);
    const seen = seenSince(from);
    expect({
      status: answer.status,
      reached: seen.map((r) => `${r.method} ${r.body.toString()}`),
      traces: seen.flatMap(upgradeTraces),
    }).toEqual({ status: 200, reached: [`${method} ${body}`], traces: [] });
    await expectHealthy(h);
  });

  it('a real WebSocket upgrade: 101 from the back end, bytes flow both ways', async () => {
    const c = openRaw(h.target('up'));
    await c.ready;
    c.write(websocketHead('/ws'));
    await c.waitFor((t) => t.includes('hello-from-backend'), 'the 101 and the greeting');
    expect(c.text()).toMatch(/^HTTP\/1\.1 101 /);
    expect(responseHeader(c.text(), 'sec-websocket-accept')).toEqual([ACCEPT]);
    c.write('ping-from-client-1');
    await c.waitFor((t) => t.endsWith('ping-from-client-1'), 'the echo');
    c.write('ping-from-client-2');
    await c.waitFor((t) => t.endsWith('ping-from-client-2'), 'the second echo');
    c.socket.end();
    await c.closed;
    await expectHealthy(h);
  });

  it('an upgrade the back end answers with 404: relayed, both sides closed, the pipelined request never sent', async () => {
    const from = ws.seen.length;
    const answer = await exchange(
      h.target('up'),
      websocketHead('/refuse') + `GET /pipelined HTTP/1.1\r\n${HOST}\r\n`,
    );
    const seen = seenSince(from);
    expect({
      status: answer.status,
      closed: answer.closed,
      reached: seen.map((r) => r.target),
      pipelinedBytesReached: ws.rawText().includes('/pipelined'),
    }).toEqual({ status: 404, closed: true, reached: ['/refuse'], pipelinedBytesReached: false });
    await until(() => seen[0]!.connectionClosed, 'the upstream connection of the refused upgrade to close');
    await expectHealthy(h);
  });

  it('50 upgrades to a service with no server up, each reset by the client a few ms later: the process lives', async () => {
    const deadline = Date.now() + 15_000;
    for (let i = 0; i < 50 && Date.now() < deadline; i++) {
      const c = openRaw(h.target('down'));
      await c.ready;
      c.write(websocketHead(`/down-${i}`));
      await new Promise((r) => setTimeout(r, i % 6));
      c.reset();
      if (!h.agent.alive()) break;
    }
    // Give a crash that follows the last reset time to happen before judging.
    await new Promise((r) => setTimeout(r, 200));
    await expectHealthy(h);
  });
});
