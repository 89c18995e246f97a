/**
 * Real servers on 127.0.0.1 for the health tests: they count what reaches them so tests can
 * prove a probe happened, did not happen, or let go of its socket.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { selfSigned as makeSelfSigned } from './pki.ts';

export interface Counted {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Connections currently open on the server side. */
  open: number;
  /** Most connections ever open at once. */
  peak: number;
  close(): Promise<void>;
}

/** Wraps a server so every accepted socket is counted and `close` ends them all. */
export async function counted(
  server: net.Server,
  onConnection?: (socket: net.Socket, count: number) => void,
): Promise<Counted> {
  const sockets = new Set<net.Socket>();
  const state: Counted = {
    port: 0,
    connections: 0,
    open: 0,
    peak: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  // TLS servers hand out TLSSockets on 'secureConnection'; the raw TCP socket is what a probe opens.
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    state.connections++;
    state.open++;
    state.peak = Math.max(state.peak, state.open);
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      state.open--;
    });
    onConnection?.(socket, state.connections);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as net.AddressInfo).port;
  return state;
}

/** Accepts connections, reads and discards what arrives, and never says a word. */
export function silentServer(onConnection?: (socket: net.Socket, count: number) => void): Promise<Counted> {
  return counted(net.createServer(), (socket, count) => {
    // Unread request bytes would hold back the peer's FIN, and the test could not see the probe let go.
    socket.resume();
    onConnection?.(socket, count);
  });
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface HttpTestServer extends Counted {
  requests: SeenRequest[];
  /** Status the next requests are answered with. */
  status: number;
}

export async function httpServer(options: { tls?: SelfSigned } = {}): Promise<HttpTestServer> {
  const requests: SeenRequest[] = [];
  const handler: http.RequestListener = (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.statusCode = target.status;
    res.end('ok\n');
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  const base = await counted(server);
  const target: HttpTestServer = Object.assign(base, { requests, status: 200 });
  return target;
}

/** A port nothing listens on: bound once to learn a free number, then released. */
export async function closedPort(): Promise<number> {
  const server = await counted(net.createServer());
  await server.close();
  return server.port;
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface SelfSigned {
  key: string;
  cert: string;
}

/** A fresh P-256 certificate for `localhost`. */
export function selfSigned(): SelfSigned {
  return makeSelfSigned('localhost', ['DNS:localhost']);
}
