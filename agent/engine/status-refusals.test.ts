/**
 * The status contract's `refused` counters, one reason per test: a real engine on loopback,
 * clients that break one limit or rule, and the service's counters afterwards — that reason
 * once, every other reason zero.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AgentConfigInput, VirtualServiceInput } from '../../shared/model/config.ts';
import type { VirtualServiceStatus } from '../../shared/protocol/stats.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { MemoryCerts } from '../../test/support/memory-certs.ts';
import { TestPki } from '../../test/support/pki.ts';
import { freePort } from '../../test/support/ports.ts';
import { answered, refusedOf, responsesOf } from '../../test/support/stats.ts';

let backend: HttpServer;
let backendPort: number;
let pki: TestPki;
let certs: MemoryCerts;
let engine: TestEngine | undefined;
const open: { destroy(): void }[] = [];

beforeAll(async () => {
  // Reads bodies to the end and answers; takes WebSocket upgrades and echoes.
  backend = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const wss = new WebSocketServer({ server: backend });
  wss.on('connection', (ws) => ws.on('message', (d) => ws.send(d)));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendPort = (backend.address() as { port: number }).port;
  pki = new TestPki();
  const leaf = pki.issue(pki.root('Refusals Root'), { cn: 'www.contoso.com' });
  certs = new MemoryCerts();
  certs.certs.set('www', { key: leaf.key, chain: leaf.chain });
});
afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  await engine?.stop();
  engine = undefined;
});
afterAll(async () => {
  backend.closeAllConnections();
  await new Promise((r) => backend.close(r));
  pki.cleanup();
});

type Extra = Partial<Extract<VirtualServiceInput, { protocol: 'http' }>>;

/** Service "s" (http, or https with the www certificate) on the pool "p" of the back end. */
async function run(extra: Extra = {}, protocol: 'http' | 'https' = 'http'): Promise<TestEngine> {
  const listen = { address: '127.0.0.1', port: await freePort() };
  const service = (
    protocol === 'https'
      ? { name: 's', listen, protocol, tls: { certificates: ['www'] }, pool: 'p', ...extra }
      : { name: 's', listen, protocol, pool: 'p', ...extra }
  ) as VirtualServiceInput;
  const config: AgentConfigInput = {
    pools: [{ name: 'p', servers: [{ name: 'rs', address: '127.0.0.1', port: backendPort }] }],
    virtualServices: [service],
  };
  engine = await startEngine(config, { certs });
  return engine;
}

const service = (e: TestEngine): VirtualServiceStatus => e.engine.status().virtualServices[0]!;

/** A raw connection: what it is sent, what comes back, and when it closes. */
function raw(e: TestEngine, ...writes: string[]) {
  const socket: Socket = connect({ host: '127.0.0.1', port: e.port('s') });
  open.push(socket);
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  for (const w of writes) socket.write(w);
  return { socket, text: () => text, closed };
}

/** Opens a raw connection and waits until the service has counted it. */
async function held(e: TestEngine) {
  const before = service(e).connections;
  const c = raw(e);
  await until(() => service(e).connections > before, 'the connection to be accepted');
  return c;
}

describe('refused, by reason', () => {
  it('connections: one over limits.maxConnections is closed at once', async () => {
    const e = await run({ limits: { maxConnections: 1 } });
    await held(e);
    const over = raw(e);
    await over.closed;
    await until(() => service(e).refused.connections === 1, 'the refusal counted');
    expect(service(e)).toMatchObject({ connections: 1, refused: refusedOf({ connections: 1 }) });
  });

  it('connectionsPerSource: a second connection from the same address is closed at once', async () => {
    const e = await run({ limits: { maxConnectionsPerSource: 1 } });
    await held(e);
    await raw(e).closed;
    expect(service(e)).toMatchObject({ connections: 1, refused: refusedOf({ connectionsPerSource: 1 }) });
  });

  it('headerTimeout: a head not complete within clientHeaderMs gets 408', async () => {
    const e = await run({ timeouts: { clientHeaderMs: 200 } });
    const c = raw(e, 'GET / HTTP/1.1\r\nHost: x\r\nX-Half: ');
    await c.closed;
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    // Refused before it was a request: not among the requests, but its bytes are counted.
    expect(service(e)).toMatchObject({ requests: 0, refused: refusedOf({ headerTimeout: 1 }) });
    expect(service(e).bytesOut).toBeGreaterThanOrEqual('HTTP/1.1 408'.length);
  });

  it('bodyTimeout: a body that stops arriving gets 408, an answer with its latency', async () => {
    const e = await run({ timeouts: { clientBodyMs: 200 }, limits: { minBodyRate: 0 } });
    const c = raw(e, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789');
    await until(() => c.text().length > 0, 'an answer');
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    const s = service(e);
    expect(s).toMatchObject({
      requests: 1,
      responses: responsesOf({ '4xx': 1 }),
      refused: refusedOf({ bodyTimeout: 1 }),
    });
    expect(answered(s.latency)).toBe(1);
    expect(s.bytesIn).toBeGreaterThanOrEqual(10);
  });

  it('handshakeTimeout: a TLS client silent past tlsHandshakeMs is closed', async () => {
    const e = await run({ timeouts: { tlsHandshakeMs: 200 } } as Extra, 'https');
    await raw(e).closed;
    expect(service(e)).toMatchObject({ connections: 1, refused: refusedOf({ handshakeTimeout: 1 }) });
  });

  it('tunnels: an upgrade over limits.maxTunnels gets 503', async () => {
    const e = await run({ limits: { maxTunnels: 1 } });
    const first = new WebSocket(`ws://127.0.0.1:${e.port('s')}/`);
    open.push({ destroy: () => first.terminate() });
    await new Promise((r, j) => first.once('open', r).once('error', j));
    const second = new WebSocket(`ws://127.0.0.1:${e.port('s')}/`);
    open.push({ destroy: () => second.terminate() });
    const status = await new Promise<number>((resolve) => {
      second.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      second.once('error', () => undefined);
    });
    expect(status).toBe(503);
    expect(service(e)).toMatchObject({
      requests: 2,
      tunnels: 1,
      responses: responsesOf({ '1xx': 1, '5xx': 1 }),
      refused: refusedOf({ tunnels: 1 }),
    });
  });

  it('badRequest: a request Node cannot parse, and one the passes refuse, get 400', async () => {
    const e = await run();
    const garbage = raw(e, 'GARBAGE / NOT-HTTP\r\n\r\n');
    await garbage.closed;
    expect(garbage.text()).toMatch(/^HTTP\/1\.1 400 /);
    const twoHosts = raw(e, 'GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n');
    await twoHosts.closed;
    expect(twoHosts.text()).toMatch(/^HTTP\/1\.1 400 /);
    // Node's refusal is no request; the passes' 400 answers one.
    expect(service(e)).toMatchObject({
      requests: 1,
      responses: responsesOf({ '4xx': 1 }),
      refused: refusedOf({ badRequest: 2 }),
    });
  });
});
