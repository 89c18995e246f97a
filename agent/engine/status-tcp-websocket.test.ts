/**
 * The one status contract for exchanges that are byte streams: an L4 (tcp) connection and a
 * WebSocket tunnel, through a real engine on loopback; every counter of the pool member and of
 * the service, while open and after.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AgentConfigInput, RealServer } from '../../shared/model/config.ts';
import type { PoolMemberStatus, VirtualServiceStatus } from '../../shared/protocol/stats.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { freePort } from '../../test/support/ports.ts';
import { answered, errorsOf, refusedOf, responsesOf } from '../../test/support/stats.ts';

let echo: Server;
let echoPort: number;
let wsHttp: HttpServer;
let wsPort: number;
let engine: TestEngine | undefined;
const sockets: { destroy(): void }[] = [];

beforeAll(async () => {
  echo = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
  // Echoes every message; /refuse answers the upgrade with 404 instead.
  wsHttp = createHttpServer((_req, res) => res.end('plain'));
  const wss = new WebSocketServer({ noServer: true });
  wsHttp.on('upgrade', (req, socket, head) => {
    if (req.url === '/refuse') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nno socket');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (d, binary) => ws.send(d, { binary })));
  });
  await new Promise<void>((r) => wsHttp.listen(0, '127.0.0.1', r));
  wsPort = (wsHttp.address() as { port: number }).port;
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await engine?.stop();
  engine = undefined;
});
afterAll(async () => {
  await new Promise((r) => echo.close(r));
  wsHttp.closeAllConnections();
  await new Promise((r) => wsHttp.close(r));
});

type ServerInput = Partial<RealServer> & { name: string; port: number };

async function run(protocol: 'tcp' | 'http', servers: ServerInput[], limits = {}): Promise<TestEngine> {
  const config: AgentConfigInput = {
    pools: [{ name: 'p', servers: servers.map((s) => ({ address: '127.0.0.1', ...s })) }],
    virtualServices: [
      { name: 's', listen: { address: '127.0.0.1', port: await freePort() }, protocol, pool: 'p', limits },
    ],
  };
  engine = await startEngine(config);
  return engine;
}

const member = (e: TestEngine, name: string): PoolMemberStatus =>
  e.engine.status().pools[0]!.servers.find((s) => s.name === name)!;
const service = (e: TestEngine): VirtualServiceStatus => e.engine.status().virtualServices[0]!;

/** A client connection to the tcp service, collecting what comes back. */
function tcpClient(e: TestEngine) {
  const socket = connect({ host: '127.0.0.1', port: e.port('s') });
  sockets.push(socket);
  let got = 0;
  socket.on('data', (c: Buffer) => (got += c.length));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return { socket, received: () => got, closed };
}

describe('the status of a tcp service', () => {
  it('counts the connection, its bytes exactly, and active while it is open', async () => {
    const e = await run('tcp', [{ name: 'echo', port: echoPort }]);
    const c = tcpClient(e);
    const payload = Buffer.alloc(3000, 'b');
    c.socket.write(payload);
    await until(() => c.received() === payload.length, 'the echo');
    // Open: one connection in flight on each side.
    expect(member(e, 'echo').active).toBe(1);
    expect(service(e).activeConnections).toBe(1);
    c.socket.end();
    await c.closed;
    await until(() => member(e, 'echo').active === 0 && service(e).activeConnections === 0, 'released');

    const m = member(e, 'echo');
    const s = service(e);
    // L4 has no requests, answers or latency: connections and bytes are its traffic.
    expect(m).toMatchObject({
      connections: 1,
      requests: 0,
      responses: responsesOf(),
      bytesIn: 3000,
      bytesOut: 3000,
      errors: errorsOf(),
      active: 0,
    });
    expect(s).toMatchObject({
      protocol: 'tcp',
      connections: 1,
      requests: 0,
      responses: responsesOf(),
      bytesIn: 3000,
      bytesOut: 3000,
      errors: errorsOf(),
      activeConnections: 0,
      tunnels: 0,
      refused: refusedOf(),
    });
    expect([answered(m.latency), answered(s.latency)]).toEqual([0, 0]);
  });

  it('CONNECT_FAILED: counted on the member that refused, and once on the service when none is left', async () => {
    const e = await run('tcp', [{ name: 'dead', port: await freePort() }]);
    await tcpClient(e).closed;
    expect(member(e, 'dead')).toMatchObject({
      connections: 0,
      errors: errorsOf({ CONNECT_FAILED: 1 }),
      active: 0,
    });
    expect(service(e)).toMatchObject({ connections: 1, errors: errorsOf({ CONNECT_FAILED: 1 }) });
  });

  it('a refused server tried first costs the service nothing when another takes the connection', async () => {
    const e = await run('tcp', [
      { name: 'dead', port: await freePort() },
      { name: 'echo', port: echoPort },
    ]);
    for (let i = 0; i < 2; i++) {
      const c = tcpClient(e);
      c.socket.write('hi');
      await until(() => c.received() === 2, 'the echo');
      c.socket.end();
      await c.closed;
    }
    await until(() => service(e).activeConnections === 0, 'released');
    // Round-robin may pick it for both: each time it failed, another server took the connection.
    const dead = member(e, 'dead');
    expect(dead).toMatchObject({ connections: 0, bytesIn: 0, bytesOut: 0 });
    expect(dead.errors.CONNECT_FAILED).toBeGreaterThanOrEqual(1);
    expect(member(e, 'echo')).toMatchObject({ connections: 2, bytesIn: 4, bytesOut: 4, errors: errorsOf() });
    expect(service(e)).toMatchObject({ connections: 2, bytesIn: 4, bytesOut: 4, errors: errorsOf() });
  });

  it('NO_SERVER: every server drained; the connection is closed and counted once', async () => {
    const e = await run('tcp', [{ name: 'echo', port: echoPort, enabled: false }]);
    await tcpClient(e).closed;
    expect(member(e, 'echo')).toMatchObject({ state: 'disabled', connections: 0, errors: errorsOf() });
    expect(service(e)).toMatchObject({ connections: 1, errors: errorsOf({ NO_SERVER: 1 }) });
  });
});

describe('the status of a WebSocket tunnel', () => {
  async function open(e: TestEngine, path = '/') {
    const ws = new WebSocket(`ws://127.0.0.1:${e.port('s')}${path}`);
    sockets.push({ destroy: () => ws.terminate() });
    let received = 0;
    ws.on('message', (d: Buffer) => (received += d.length));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return { ws, received: () => received };
  }

  it('counts the upgrade as a request answered 101, the tunnel while open, and its bytes', async () => {
    const e = await run('http', [{ name: 'ws', port: wsPort }]);
    const c = await open(e);
    const message = Buffer.alloc(2000, 'm');
    for (let i = 0; i < 3; i++) c.ws.send(message);
    await until(() => c.received() === 3 * message.length, 'the echoes');
    expect(service(e).tunnels).toBe(1);
    expect(member(e, 'ws').active).toBe(1);
    // Live: a tunnel's bytes show while it is open.
    expect(member(e, 'ws').bytesIn).toBeGreaterThanOrEqual(3 * message.length);
    c.ws.close();
    await until(() => service(e).tunnels === 0 && member(e, 'ws').active === 0, 'the tunnel closed');
    await until(() => service(e).activeConnections === 0, 'the client connection closed');

    const m = member(e, 'ws');
    const s = service(e);
    expect(m).toMatchObject({
      connections: 1,
      requests: 1,
      responses: responsesOf({ '1xx': 1 }),
      errors: errorsOf(),
    });
    expect(s).toMatchObject({
      connections: 1,
      requests: 1,
      responses: responsesOf({ '1xx': 1 }),
      errors: errorsOf(),
      tunnels: 0,
      activeConnections: 0,
    });
    // Frames are masked from the client and carry a few bytes of header each way.
    for (const t of [m, s]) {
      expect(t.bytesIn).toBeGreaterThanOrEqual(3 * message.length);
      expect(t.bytesIn).toBeLessThan(3 * message.length + 2048);
      expect(t.bytesOut).toBeGreaterThanOrEqual(3 * message.length);
      expect(t.bytesOut).toBeLessThan(3 * message.length + 2048);
    }
    expect(m.bytesIn).toBe(s.bytesIn);
    expect(m.bytesOut).toBe(s.bytesOut);
    // The time to the 101 is the tunnel's latency, once.
    expect([answered(m.latency), answered(s.latency)]).toEqual([1, 1]);
  });

  it('an upgrade the real server refuses is its answer (4xx), and no tunnel', async () => {
    const e = await run('http', [{ name: 'ws', port: wsPort }]);
    await expect(open(e, '/refuse')).rejects.toThrow(/404/);
    // The slot a pending upgrade holds against maxTunnels is given back with its connection.
    await until(() => member(e, 'ws').active === 0 && service(e).tunnels === 0, 'released');
    expect(member(e, 'ws')).toMatchObject({
      connections: 1,
      requests: 1,
      responses: responsesOf({ '4xx': 1 }),
    });
    expect(service(e)).toMatchObject({ requests: 1, responses: responsesOf({ '4xx': 1 }), tunnels: 0 });
    expect([answered(member(e, 'ws').latency), answered(service(e).latency)]).toEqual([1, 1]);
  });

  it('NO_SERVER and CONNECT_FAILED for upgrades: the service answers and counts each once', async () => {
    const drained = await run('http', [{ name: 'ws', port: wsPort, enabled: false }]);
    await expect(open(drained, '/')).rejects.toThrow(/503/);
    expect(service(drained)).toMatchObject({
      requests: 1,
      responses: responsesOf({ '5xx': 1 }),
      errors: errorsOf({ NO_SERVER: 1 }),
    });
    expect(answered(service(drained).latency)).toBe(1);
    await drained.stop();

    const dead = await run('http', [{ name: 'dead', port: await freePort() }]);
    await expect(open(dead, '/')).rejects.toThrow(/502/);
    expect(member(dead, 'dead')).toMatchObject({
      connections: 0,
      requests: 0,
      errors: errorsOf({ CONNECT_FAILED: 1 }),
    });
    expect(service(dead)).toMatchObject({
      responses: responsesOf({ '5xx': 1 }),
      errors: errorsOf({ CONNECT_FAILED: 1 }),
    });
  });
});
