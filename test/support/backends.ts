/**
 * Real HTTP servers on loopback that stand in for real servers: each answers with its name,
 * counts requests, can hold a request open, answer with a chosen status, or be killed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface Backend {
  name: string;
  port: number;
  server: Server;
  /** Requests seen, in order. */
  seen: IncomingMessage[];
  /** Status the health path answers with (change it to fail health checks). */
  healthStatus: number;
  /** Stops listening and cuts every connection, like a crashed server. */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  revive(): Promise<void>;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, backend: Backend) => void | Promise<void>;

/** Default behaviour: `/health` → healthStatus; `/slow?ms=N` waits; anything else echoes. */
const defaultHandler: Handler = (req, res, b) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/health') {
    res.writeHead(b.healthStatus).end();
    return;
  }
  const reply = () => {
    res.setHeader('x-backend', b.name);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ backend: b.name, url: req.url, method: req.method, headers: req.headers }));
  };
  const ms = Number(url.searchParams.get('ms') ?? 0);
  if (url.pathname === '/slow' && ms > 0) setTimeout(reply, ms);
  else if (req.method === 'POST' || req.method === 'PUT') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('x-backend', b.name);
      res.end(Buffer.concat(chunks));
    });
  } else reply();
};

export async function startBackend(
  name: string,
  handler: Handler = defaultHandler,
  port = 0,
): Promise<Backend> {
  const sockets = new Set<Socket>();
  const backend: Backend = {
    name,
    port,
    server: undefined as unknown as Server,
    seen: [],
    healthStatus: 200,
    kill: async () => {
      await new Promise<void>((done) => {
        backend.server.close(() => done());
        for (const s of sockets) s.destroy();
      });
    },
    revive: () => listen(),
    close: () => backend.kill(),
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
        backend.seen.push(req);
        void handler(req, res, backend);
      });
      server.on('connection', (s: Socket) => {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
      });
      server.once('error', reject);
      server.listen(backend.port, '127.0.0.1', () => {
        backend.port = (server.address() as { port: number }).port;
        backend.server = server;
        resolve();
      });
    });
  await listen();
  return backend;
}

export async function startBackends(names: string[], handler?: Handler): Promise<Backend[]> {
  return Promise.all(names.map((n) => startBackend(n, handler)));
}
