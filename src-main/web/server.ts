/**
 * Browser mode: the same DesktopApi, handlers and validation as the Electron shell, served to
 * a browser on 127.0.0.1 for headless hosts and end-to-end tests.
 *
 *   POST /api/<channel>  JSON params → `{result}|{error}` (200; transport refusals use 4xx)
 *   GET  /api/events     Server-Sent Events, one ConsoleEvent per message
 *   GET  /…              the renderer's files (a placeholder page until it is built)
 *
 * The printed URL carries a random 256-bit session secret in its fragment, which browsers never
 * send to a server or put in a Referer; the page moves it into an Authorization header.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { IPC_ERROR_CODES, type IpcError } from '../../shared/ipc/errors.ts';
import type { ConsoleCore } from '../core/types.ts';
import { dispatch } from '../ipc/dispatch.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { CONTENT_SECURITY_POLICY } from '../shell/policy.ts';
import { openEventStream } from './event-stream.ts';
import { BodyError, readJsonBody } from './json-body.ts';
import { checkHostAndOrigin, checkSecret } from './request-guards.ts';
import { serveStatic, staticRoot } from './static-files.ts';

export interface WebServerOptions {
  core: ConsoleCore;
  /** The renderer's build output; when missing a placeholder page is served (and logged). */
  staticDir: string;
  /** 0 or omitted: a free port chosen by the OS. */
  port?: number;
  log: Logger;
  /** Largest request body: certificate uploads are the big ones (16 files of ≤ 1 MiB, base64). */
  maxBodyBytes?: number;
  /** Tests shorten it; a few seconds notices a dead browser tab soon enough. */
  heartbeatMs?: number;
}

export interface WebServer {
  /** `http://127.0.0.1:PORT/#secret=…`: open this in a browser. */
  url: string;
  port: number;
  /** The session secret (also in `url`), for clients that are not a browser (tests, E2E). */
  secret: string;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 24 * 1024 * 1024;

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};
const PAGE_HEADERS = {
  ...COMMON_HEADERS,
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const handlers = createHandlers(options.core);
  const secret = randomBytes(32).toString('base64url');
  const root = await staticRoot(options.staticDir);
  if (root === undefined) {
    log.warn(
      { staticDir: options.staticDir },
      'browser mode: no renderer build there; serving a placeholder',
    );
  }
  const streams = new Set<() => void>();
  let port = 0;

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      log.error({ err, path: pathOf(req) }, 'browser mode: request failed');
      if (!res.headersSent) reply(res, 500, { code: IPC_ERROR_CODES.INTERNAL, message: 'internal error' });
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = checkHostAndOrigin(req, port);
    if (refused)
      return reply(res, refused.status, { code: IPC_ERROR_CODES.FORBIDDEN, message: refused.message });
    const path = pathOf(req);
    if (path !== '/api' && !path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      return serveStatic(path, root, res, PAGE_HEADERS, req.method === 'HEAD');
    }
    const unauthorized = checkSecret(req, secret);
    if (unauthorized) {
      return reply(res, 401, { code: IPC_ERROR_CODES.FORBIDDEN, message: unauthorized.message });
    }
    if (path === '/api/events') {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      const end = openEventStream(req, res, {
        subscribe: (listener) => options.core.subscribe(listener),
        heartbeatMs: options.heartbeatMs ?? 15_000,
        maxBacklogBytes: 1024 * 1024,
      });
      streams.add(end);
      req.on('close', () => streams.delete(end));
      return;
    }
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    let params: unknown;
    try {
      params = await readJsonBody(req, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      // An oversized body is not read to its end: answer, then close the connection.
      if (err.status !== 400) res.setHeader('connection', 'close');
      const code = err.status === 413 || err.status === 400 ? 'INVALID_PARAMS' : 'TRANSPORT';
      return reply(res, err.status, { code: IPC_ERROR_CODES[code], message: err.message });
    }
    const answer = await dispatch(handlers, path.slice('/api/'.length), params, log);
    const unknown = 'error' in answer && answer.error.code === IPC_ERROR_CODES.UNKNOWN_CHANNEL;
    send(res, unknown ? 404 : 200, answer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/#secret=${secret}`;

  return {
    url,
    port,
    secret,
    close: () =>
      new Promise<void>((resolve) => {
        for (const end of streams) end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function pathOf(req: IncomingMessage): string {
  // Only the path: the query never matters here and is not logged.
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function reply(res: ServerResponse, status: number, error: IpcError): void {
  send(res, status, { error });
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  reply(res, 405, { code: IPC_ERROR_CODES.TRANSPORT, message: `use ${allow}` });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
