/**
 * A real server that answers wrongly, against a real agent process: whatever it sends, no byte
 * of it reaches a client it was not meant for. The agent keeps its upstream connections alive,
 * so a second response queued behind the first (response splitting, a desynchronised server)
 * would be handed to the next client on that connection unless the agent closes it. Bad framing
 * and an unasked protocol switch are answered 502 and cost only that connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byPath } from '../support/backend-behaviours.ts';
import { expectHealthy, startHostileAgent, type HostileAgent } from '../support/hostile-agent.ts';
import { startRawBackend, type Handler, type RawBackend } from '../support/raw-backend.ts';
import { exchange } from '../support/raw-client.ts';

const EXTRA = 'HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\nnot-for-you!';
const write =
  (bytes: string): Handler =>
  (_req, conn) =>
    conn.socket.write(bytes);

let h: HostileAgent;
let b: RawBackend;

beforeAll(async () => {
  b = await startRawBackend(
    'liar',
    byPath({
      // Its own answer and a whole second one in the same write.
      '/double': write(`HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nfirst${EXTRA}`),
      // A second answer with no body framing issue at all: only its start gives it away.
      '/double-204': write(
        'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nfirstHTTP/1.1 204 No Content\r\n\r\n',
      ),
      // Its answer, then later, while the connection waits in the pool, another.
      '/late': (req, conn, backend) => {
        write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nfirst')(req, conn, backend);
        setTimeout(() => conn.socket.write(EXTRA), 50);
      },
      '/both-framings': write(
        'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      ),
      '/switch': write(
        'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n',
      ),
    }),
  );
  h = await startHostileAgent(
    [
      {
        config: {
          name: 'web',
          protocol: 'http',
          realServers: [{ name: 'liar', address: '127.0.0.1', port: b.port }],
        },
      },
    ],
    [b],
  );
});

afterAll(async () => {
  await h?.close();
  await b?.close();
});

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: responses.test\r\nConnection: close\r\n\r\n`;

describe('a real server that sends more than it was asked for', () => {
  it.each(['/double', '/double-204', '/late'])(
    '%s: the asking client gets its answer, the next clients never the extra one',
    async (path) => {
      const first = await exchange(h.target('web'), get(path));
      expect(first.status).toBe(200);
      expect(first.text).toMatch(/first$/);
      await new Promise((resolve) => setTimeout(resolve, 100)); // '/late' speaks meanwhile
      for (let i = 0; i < 3; i++) {
        const next = await exchange(h.target('web'), get(`/echo-${i}`));
        expect(next.status).toBe(200);
        expect(next.text).not.toContain('not-for-you');
        expect(next.text).toContain(`/echo-${i}`);
      }
      await expectHealthy(h);
    },
  );
});

describe('a real server that frames its answer badly', () => {
  it.each(['/both-framings', '/switch'])(
    '%s → 502 UPSTREAM_PROTOCOL, the next client served',
    async (path) => {
      const answer = await exchange(h.target('web'), get(path));
      expect(answer.status).toBe(502);
      expect(answer.text).toContain('UPSTREAM_PROTOCOL');
      const next = await exchange(h.target('web'), get('/after'));
      expect(next.status).toBe(200);
      expect(next.text).toContain('/after');
      await expectHealthy(h);
    },
  );
});
