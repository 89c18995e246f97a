import { connect as tlsConnect } from 'node:tls';
import { request } from 'node:https';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, ERROR_CODES } from '../../shared/protocol/codes.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/agent.ts';
import {
  makeIdentity,
  refusal,
  startTestAgent,
  type Identity,
  type TestAgent,
} from '../../test/support/mgmt-agent.ts';

let identity: Identity;
let agent: TestAgent | undefined;

beforeAll(() => {
  identity = makeIdentity();
});
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const start = async (server: Parameters<typeof startTestAgent>[0] = {}) => {
  agent = await startTestAgent({ identity, ...server });
  return agent;
};

describe('authentication on upgrade', () => {
  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer wrong-token-wrong-token-wrong' }],
    ['the right token with another scheme', { Authorization: 'Basic test-token-0123456789abcdefghijklmnop' }],
    ['the right token without a scheme', { Authorization: 'test-token-0123456789abcdefghijklmnop' }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('refuses %s with 401 before any WebSocket exists', async (_what, headers) => {
    const a = await start();
    const r = await refusal(a.url, { ca: identity.cert, headers });
    expect(r.status).toBe(401);
    expect(String(r.headers?.['www-authenticate'])).toMatch(/^Bearer/);
    expect(a.server.counters()).toMatchObject({ sessions: 0, sessionsOpened: 0 });
  });

  it('accepts the right token, and only on /v1', async () => {
    const a = await start();
    const wrongPath = await refusal(a.url.replace('/v1', '/v2'), {
      ca: identity.cert,
      headers: { Authorization: `Bearer ${a.token}` },
    });
    expect(wrongPath.status).toBe(404);
    const client = await a.connect();
    expect(await client.result('agent.info')).toMatchObject({
      id: 'agent-test',
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(a.server.counters()).toMatchObject({ sessions: 1, sessionsOpened: 1 });
    client.close();
  });

  it('has no plain-text listener: ws:// to the port fails and opens nothing', async () => {
    const a = await start();
    const r = await refusal(`ws://127.0.0.1:${a.server.port}/v1`, {
      headers: { Authorization: `Bearer ${a.token}` },
      handshakeTimeout: 3_000,
    });
    expect(r.status).toBeUndefined();
    expect(r.error).toBeDefined();
    expect(a.server.counters().sessionsOpened).toBe(0);
  });

  it('answers plain HTTPS requests without upgrading', async () => {
    const a = await start();
    const status = (path: string) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port: a.server.port, path, ca: identity.cert }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await status('/v1')).toBe(426);
    expect(await status('/')).toBe(404);
  });

  it('slows down, then blocks, an address that keeps failing (even with the right token)', async () => {
    const a = await start({
      server: { authThrottle: { freeFailures: 1, baseDelayMs: 100, maxDelayMs: 400, blockAfter: 4 } },
    });
    const wrong = { ca: identity.cert, headers: { Authorization: 'Bearer nope-nope-nope-nope-nope-nope' } };
    const timed = async () => {
      const t0 = performance.now();
      const r = await refusal(a.url, wrong);
      return { status: r.status, ms: performance.now() - t0 };
    };
    const first = await timed();
    const second = await timed();
    const third = await timed();
    expect([first.status, second.status, third.status]).toEqual([401, 401, 401]);
    expect(second.ms).toBeGreaterThanOrEqual(95);
    expect(third.ms).toBeGreaterThanOrEqual(195);
    expect((await timed()).status).toBe(401); // the 4th failure blocks from here on
    const blocked = await refusal(a.url, {
      ca: identity.cert,
      headers: { Authorization: `Bearer ${a.token}` },
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers?.['retry-after'])).toBeGreaterThan(0);
    expect(a.server.counters()).toMatchObject({ sessionsOpened: 0, refused: { 401: 4, 429: 1 } });
  });
});

describe('logs', () => {
  it('name failures and sessions, never a token or the Authorization header', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const a = await start({ server: { log: pino({ level: 'debug' }, sink) } });
    const wrongToken = 'wrong-token-that-must-not-be-logged';
    await refusal(a.url, { ca: identity.cert, headers: { Authorization: `Bearer ${wrongToken}` } });
    await refusal(a.url, { ca: identity.cert, headers: { Authorization: `Basic ${a.token}` } });
    const client = await a.connect();
    await client.result('agent.info');
    client.close();
    await client.closed();
    await expect.poll(() => lines.join('')).toContain('management session closed');
    const text = lines.join('');
    expect(text).toContain('authentication refused');
    expect(text).toContain('"reason":"wrong token"');
    expect(text).toContain('"reason":"not a Bearer token"');
    expect(text).not.toContain(wrongToken);
    expect(text).not.toContain(a.token);
    expect(text.toLowerCase()).not.toContain('authorization');
  });
});

describe('sessions', () => {
  it('caps concurrent sessions with 503', async () => {
    const a = await start({ server: { maxSessions: 2 } });
    const one = await a.connect();
    const two = await a.connect();
    const r = await refusal(a.url, { ca: identity.cert, headers: { Authorization: `Bearer ${a.token}` } });
    expect(r.status).toBe(503);
    one.close();
    await one.closed();
    await expect.poll(() => a.server.counters().sessions).toBe(1);
    const three = await a.connect();
    expect(await three.result('agent.info')).toBeDefined();
    two.close();
    three.close();
  });

  it('terminates a session that stops answering pings', async () => {
    const a = await start({ server: { heartbeatMs: 100 } });
    const healthy = await a.connect();
    const silent = await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(a.url, {
        ca: identity.cert,
        headers: { Authorization: `Bearer ${a.token}` },
        autoPong: false,
      });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
    const code = await new Promise<number>((resolve) => silent.once('close', (c) => resolve(c)));
    expect(code).toBe(1006); // terminated: no close handshake
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    expect(await healthy.result('agent.info')).toBeDefined();
    healthy.close();
  });

  it('closes sessions opened with a rotated token, and refuses the old token from then on', async () => {
    const a = await start();
    const old = await a.connect();
    const oldClosed = old.closed();
    a.token = 'rotated-token-rotated-token-rotated';
    // Until the agent sweeps, a request on the old session is refused, not run.
    const refused = await old.call('config.get');
    expect('error' in refused && refused.error.code).toBe(ERROR_CODES.UNAUTHORIZED);
    expect(await oldClosed).toBe(CLOSE_CODES.TOKEN_ROTATED);

    const fresh = await a.connect();
    const stale = await a.connect({ token: 'test-token-0123456789abcdefghijklmnop' }).catch((e: Error) => e);
    expect(stale).toBeInstanceOf(Error);
    expect(a.server.closeSessionsWithOldToken()).toBe(0);
    expect(await fresh.result('agent.info')).toBeDefined();
    fresh.close();
  });

  it('closeSessionsWithOldToken closes exactly the old-token sessions', async () => {
    const a = await start();
    const old = await a.connect();
    a.token = 'rotated-token-rotated-token-rotated';
    const fresh = await a.connect();
    expect(a.server.closeSessionsWithOldToken()).toBe(1);
    expect(await old.closed()).toBe(CLOSE_CODES.TOKEN_ROTATED);
    expect(await fresh.result('agent.info')).toBeDefined();
    fresh.close();
  });

  it('close() says goodbye to every session with 1001', async () => {
    const a = await start();
    const client = await a.connect();
    const code = client.closed();
    await a.server.close();
    expect(await code).toBe(CLOSE_CODES.GOING_AWAY);
    // Closing twice (the afterEach) must be harmless.
  });

  it('speaks TLS 1.2+ with the identity certificate', async () => {
    const a = await start();
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: a.server.port,
      ca: identity.cert,
      servername: undefined,
    });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    expect(socket.getPeerCertificate().subject?.CN).toBe('portico-agent-test');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(socket.getProtocol());
    socket.destroy();
  });
});
