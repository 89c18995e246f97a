/**
 * `--metrics HOST:PORT`: GET /metrics in the Prometheus text format; every other path is 404.
 * It takes one snapshot per scrape from `collect`. It has no authentication, so bind it to
 * loopback or a management address.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';
import { createMetricsRegistry, latencyHistogramText } from './registry.ts';

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port; the one chosen is returned. */
  port: number;
  /** The one status, read once per scrape (the engine's status()). */
  collect: () => StatsSnapshot;
  /** More metrics in the text format, appended to each scrape (the HA pair's, agent/ha). */
  extraText?: (() => string) | undefined;
  /** Called when collecting fails (the scrape gets a 500). */
  onError?: ((error: unknown) => void) | undefined;
}

export interface MetricsServer {
  port: number;
  /** Stops listening and closes open (keep-alive) connections. */
  close(): Promise<void>;
}

const EMPTY: StatsSnapshot = {
  at: new Date(0).toISOString(),
  pools: [],
  virtualServices: [],
  unexpectedErrors: 0,
};

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  let snapshot = EMPTY;
  const registry = createMetricsRegistry(() => snapshot);
  // Scrapes are served one at a time, so a slow one never sees the next one's snapshot.
  let queue: Promise<unknown> = Promise.resolve();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    let body: string;
    try {
      snapshot = opts.collect();
      body = (await registry.metrics()) + latencyHistogramText(snapshot) + (opts.extraText?.() ?? '');
    } catch (error) {
      opts.onError?.(error);
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('cannot collect metrics\n');
      return;
    } finally {
      snapshot = EMPTY;
    }
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer({ headersTimeout: 10_000, requestTimeout: 10_000 }, (req, res) => {
    queue = queue.then(() => handle(req, res)).catch((error: unknown) => opts.onError?.(error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `metrics: cannot listen on ${opts.host}:${opts.port}: ${error.code === 'EADDRINUSE' ? 'the address is already in use' : error.message}`,
          { cause: error },
        ),
      ),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  let closed: Promise<void> | undefined;
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
