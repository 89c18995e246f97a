/**
 * WebSocket passthrough on an `http` virtual service: a `ws` server as the real server and a
 * `ws` client in front of the engine, over real loopback sockets.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { AgentConfigInput } from '../../shared/model/config.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
});

interface WsBackend {
  name: string;
  port: number;
  http: Server;
  wss: WebSocketServer;
  /** Upgrade requests seen, with their headers. */
  upgrades: IncomingMessage[];
  /** Close codes and reasons the server saw from its clients. */
  closes: { code: number; reason: string }[];
  /** Plain (non-upgrade) requests seen. */
  plain: number;
}

/** A real server that greets each WebSocket with its name and echoes every message back. */
async function wsBackend(name: string): Promise<WsBackend> {
  const http = createServer((_req, res) => {
    b.plain++;
    res.end(`plain ${name}`);
  });
  const wss = new WebSocketServer({ server: http });
  const b: WsBackend = { name, port: 0, http, wss, upgrades: [], closes: [], plain: 0 };
  wss.on('connection', (ws, req) => {
    b.upgrades.push(req);
    ws.send(`hello from ${name}`);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const text = isBinary ? undefined : data.toString();
      if (text === 'close-please') ws.close(4001, 'server says bye');
      else ws.send(data, { binary: isBinary });
    });
    ws.on('close', (code, reason) => b.closes.push({ code, reason: reason.toString() }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  b.port = (http.address() as { port: number }).port;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => r());
      }),
  );
  return b;
}

/** The http service "ws" sending to the pool "ws" of these servers on loopback. */
async function engineFor(servers: { name: string; port: number; enabled?: boolean }[]): Promise<TestEngine> {
  const input: AgentConfigInput = {
    pools: [{ name: 'ws', servers: servers.map((r) => ({ address: '127.0.0.1', ...r })) }],
    virtualServices: [
      { name: 'ws', listen: { address: '127.0.0.1', port: await freePort() }, protocol: 'http', pool: 'ws' },
    ],
  };
  const e = await startEngine(input);
  cleanups.push(() => e.stop());
  return e;
}

/** Opens a client and collects its messages; resolves once the connection is open. */
async function open(url: string) {
  const ws = new WebSocket(url);
  cleanups.push(() => ws.terminate());
  const messages: { data: Buffer; binary: boolean }[] = [];
  ws.on('message', (data: RawData, binary: boolean) => messages.push({ data: toBuffer(data), binary }));
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected ${res.statusCode}`)));
  });
  return {
    ws,
    messages,
    closed,
    texts: () => messages.filter((m) => !m.binary).map((m) => m.data.toString()),
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

describe('WebSocket passthrough', () => {
  it('upgrades, echoes both ways, forwards X-Forwarded-For and closes cleanly', async () => {
    const b = await wsBackend('a');
    const e = await engineFor([{ name: 'a', port: b.port }]);
    const c = await open(`ws://127.0.0.1:${e.port('ws')}/chat?room=1`);

    // Server → client, unprompted.
    await until(() => c.texts().includes('hello from a'), 'the greeting');
    // Client → server → client, text and binary, in order.
    for (let i = 0; i < 20; i++) c.ws.send(`msg-${i}`);
    const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    c.ws.send(bin);
    const large = Buffer.alloc(1024 * 1024, 7);
    large.writeUInt32BE(0xdeadbeef, 0);
    c.ws.send(large);
    await until(() => c.messages.length >= 1 + 20 + 2, 'every echo', 5_000);
    expect(c.texts()).toEqual(['hello from a', ...Array.from({ length: 20 }, (_, i) => `msg-${i}`)]);
    const binaries = c.messages.filter((m) => m.binary).map((m) => m.data);
    expect(binaries).toHaveLength(2);
    expect(binaries[0]!.equals(bin)).toBe(true);
    expect(binaries[1]!.equals(large)).toBe(true);

    // What the real server saw of the upgrade request.
    expect(b.upgrades).toHaveLength(1);
    const req = b.upgrades[0]!;
    expect(req.url).toBe('/chat?room=1');
    expect(req.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(req.headers['x-forwarded-proto']).toBe('http');
    expect(req.headers.host).toBe(`127.0.0.1:${e.port('ws')}`);
    expect(req.headers.upgrade?.toLowerCase()).toBe('websocket');

    // The client closes: the server sees the client's code and reason, the client its echo.
    c.ws.close(1000, 'done here');
    const closed = await c.closed;
    expect(closed.code).toBe(1000);
    await until(() => b.closes.length === 1, 'the server seeing the close');
    expect(b.closes[0]).toEqual({ code: 1000, reason: 'done here' });
    const rs = e.engine.pool('ws')!.servers[0]!;
    await until(() => rs.active === 0, 'the real server released');
    await until(() => e.engine.service('ws')!.stats.tunnels === 0, 'the tunnel counted closed');
  });

  it('passes a close started by the real server to the client', async () => {
    const b = await wsBackend('a');
    const e = await engineFor([{ name: 'a', port: b.port }]);
    const c = await open(`ws://127.0.0.1:${e.port('ws')}/`);
    c.ws.send('close-please');
    const closed = await c.closed;
    expect(closed).toEqual({ code: 4001, reason: 'server says bye' });
  });

  it('keeps plain requests and upgrades on the same listener apart', async () => {
    const b = await wsBackend('a');
    const e = await engineFor([{ name: 'a', port: b.port }]);
    const plain = await fetch(`http://127.0.0.1:${e.port('ws')}/page`);
    expect(await plain.text()).toBe('plain a');
    const c = await open(`ws://127.0.0.1:${e.port('ws')}/`);
    await until(() => c.texts().includes('hello from a'), 'the greeting');
    expect(b.plain).toBe(1);
    expect(b.upgrades).toHaveLength(1);
  });

  it('retries an upgrade refused by one real server on another', async () => {
    const b = await wsBackend('live');
    const e = await engineFor([
      { name: 'dead', port: await freePort() },
      { name: 'live', port: b.port },
    ]);
    for (let i = 0; i < 4; i++) {
      const c = await open(`ws://127.0.0.1:${e.port('ws')}/`);
      await until(() => c.texts().includes('hello from live'), 'the greeting');
      c.ws.close();
      await c.closed;
    }
    expect(b.upgrades).toHaveLength(4);
  });

  it('answers an upgrade with 503 naming NO_SERVER when no real server is available', async () => {
    const b = await wsBackend('off');
    const e = await engineFor([{ name: 'off', port: b.port, enabled: false }]);
    const ws = new WebSocket(`ws://127.0.0.1:${e.port('ws')}/`);
    cleanups.push(() => ws.terminate());
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      ws.once('open', () => reject(new Error('the upgrade should have been refused')));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.once('error', () => undefined);
    });
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('NO_SERVER');
    expect(b.upgrades).toHaveLength(0);
  });
});
