/**
 * A real HTTP server on 127.0.0.1 for AIA tests: each path answers with a body, a status, a
 * delay, or a body sent without Content-Length — and counts its requests, so a test can tell
 * a library hit (no request) from a download.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AiaRoute {
  status?: number;
  body?: Buffer | string;
  contentType?: string;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  /** Send the body chunked, without Content-Length (a size limit must be counted while reading). */
  chunked?: boolean;
  /** Answer with a redirect to this location. */
  redirect?: string;
}

export interface AiaServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  url(path: string): string;
  route(path: string, route: AiaRoute): void;
  /** Requests per path since start. */
  requests(path: string): number;
  close(): Promise<void>;
}

export async function startAiaServer(): Promise<AiaServer> {
  const routes = new Map<string, AiaRoute>();
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const route = routes.get(path) ?? { status: 404, body: 'not found', contentType: 'text/plain' };
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer(response, route);
    }, route.delayMs ?? 0);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    route: (path, route) => void routes.set(path, route),
    requests: (path) => counts.get(path) ?? 0,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(response: ServerResponse, route: AiaRoute): void {
  if (route.redirect) {
    response.writeHead(302, { location: route.redirect }).end();
    return;
  }
  const body = route.body === undefined ? Buffer.alloc(0) : Buffer.from(route.body);
  const headers: Record<string, string | number> = {
    'content-type': route.contentType ?? 'application/pkix-cert',
  };
  if (!route.chunked) headers['content-length'] = body.length;
  response.writeHead(route.status ?? 200, headers);
  if (!route.chunked) {
    response.end(body);
    return;
  }
  for (let offset = 0; offset < body.length; offset += 64 * 1024)
    response.write(body.subarray(offset, offset + 64 * 1024));
  response.end();
}
