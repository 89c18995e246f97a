/**
 * The management API: `wss://HOST:PORT/v1`, TLS with the agent's identity certificate only
 * (there is no plain listener to fall back to), JSON-RPC 2.0 over WebSocket.
 *
 * Authentication happens in the HTTP `upgrade` handler, before any WebSocket exists (ws's
 * `noServer` mode): a request without the right Bearer token gets a 401 and its socket is
 * closed, so an unauthenticated peer never reaches frame parsing. Repeated failures from one
 * address are slowed down, then refused with 429 (auth.ts). Each session has a heartbeat
 * (ping; terminate when the pong does not come back) and the number of sessions is capped.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_CODES } from '../../shared/protocol/codes.ts';
import { AuthThrottle, parseBearer, sha256, tokenIdOf, tokenMatches, type ThrottleOptions } from './auth.ts';
import type { Management } from './management.ts';
import { Session } from './session.ts';
import { TopicHub } from './topic-hub.ts';

import { AGENT_HEARTBEAT_MS, API_PATH, MAX_REQUEST_FRAME_BYTES } from '../../shared/protocol/transport.ts';
/** Refusals held back at once by the failure throttle; beyond this they are answered at once. */
const MAX_DELAYED_REFUSALS = 256;

export interface ManagementServerOptions {
  host: string;
  /** 0 picks a free port (tests); the actual one is in the result. */
  port: number;
  /** The identity key and certificate (PEM). */
  tls: { key: string | Buffer; cert: string | Buffer };
  /** The token valid now; called on every upgrade, so a rotated token applies at once. */
  token: () => string;
  /** The methods and event feeds behind the protocol. */
  management: Management;
  log: Logger;
  /** Largest frame accepted (default 4 MiB); a larger one closes that session with 1009. */
  maxPayloadBytes?: number;
  /** Concurrent sessions; upgrades beyond get 503 (default 64). */
  maxSessions?: number;
  /** Ping interval; a session that has not answered the previous ping is terminated (default 30 s). */
  heartbeatMs?: number;
  /** Requests one session may have in flight; more are answered BUSY (default 16). */
  maxInFlight?: number;
  /** Unsent bytes a session may pile up before it is cut off as too slow (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Tuning of the failed-authentication throttle. */
  authThrottle?: ThrottleOptions;
}

export interface ManagementServerCounters {
  /** Sessions open now. */
  sessions: number;
  /** WebSockets created since start: only authenticated upgrades ever get one. */
  sessionsOpened: number;
  /** Upgrade requests refused, by HTTP status. */
  refused: Record<number, number>;
}

export interface ManagementServer {
  port: number;
  /** Stops accepting, closes every session (1001) and the listener. */
  close(): Promise<void>;
  /** After a token rotation: closes (4001) the sessions opened with another token; returns how many. */
  closeSessionsWithOldToken(): number;
  counters(): ManagementServerCounters;
}

export async function startManagementServer(opts: ManagementServerOptions): Promise<ManagementServer> {
  const log = opts.log.child({ component: 'mgmt' });
  const maxSessions = opts.maxSessions ?? 64;
  const heartbeatMs = opts.heartbeatMs ?? AGENT_HEARTBEAT_MS;
  const throttle = new AuthThrottle(opts.authThrottle);
  const hub = new TopicHub(opts.management);
  const handlers = opts.management.handlers;
  const sessions = new Set<Session>();
  const counters: ManagementServerCounters = { sessions: 0, sessionsOpened: 0, refused: {} };
  let closing = false;
  let delayed = 0;

  let lastToken: string | undefined;
  let lastHash: Buffer = Buffer.alloc(32);
  const currentTokenHash = (): Buffer => {
    const token = opts.token();
    if (token !== lastToken) {
      lastToken = token;
      lastHash = sha256(token);
    }
    return lastHash;
  };

  const server: Server = createServer(
    {
      key: opts.tls.key,
      cert: opts.tls.cert,
      minVersion: 'TLSv1.2',
      // An unauthenticated peer must not hold sockets open for long.
      handshakeTimeout: 10_000,
      headersTimeout: 10_000,
      requestTimeout: 15_000,
    },
    (req, res) => {
      // Plain HTTPS requests: nothing here but the WebSocket endpoint.
      const onPath = pathOf(req) === API_PATH;
      res.writeHead(
        onPath ? 426 : 404,
        onPath ? { Upgrade: 'websocket', Connection: 'close' } : { Connection: 'close' },
      );
      res.end();
    },
  );
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxPayloadBytes ?? MAX_REQUEST_FRAME_BYTES,
    // Compression would let a small frame inflate to maxPayload and costs CPU per frame.
    perMessageDeflate: false,
    clientTracking: false,
  });

  const refuse = (socket: Duplex, status: number, headers: Record<string, string> = {}): void => {
    counters.refused[status] = (counters.refused[status] ?? 0) + 1;
    if (socket.destroyed) return;
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
      'Connection: close',
      'Content-Length: 0',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.once('finish', () => socket.destroy());
    socket.end(`${head.join('\r\n')}\r\n\r\n`);
  };

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => socket.destroy());
    const address = req.socket.remoteAddress ?? 'unknown';
    const peer = `${address.includes(':') ? `[${address}]` : address}:${req.socket.remotePort ?? 0}`;
    if (pathOf(req) !== API_PATH) return refuse(socket, 404);
    if (closing) return refuse(socket, 503);

    const gate = throttle.check(address);
    if (gate.blocked) {
      log.warn({ peer }, 'management API: address blocked after repeated authentication failures');
      return refuse(socket, 429, { 'Retry-After': String(Math.ceil(gate.retryAfterMs / 1000)) });
    }
    const bearer = parseBearer(req.headers.authorization);
    if (!bearer.ok || !tokenMatches(bearer.token, opts.token())) {
      const reason = bearer.ok
        ? 'wrong token'
        : bearer.reason === 'missing'
          ? 'no token'
          : 'not a Bearer token';
      const { failures, delayMs } = throttle.failure(address);
      // Never the header or the token: only what kind of failure it was.
      log.warn({ peer, reason, failures, delayMs }, 'management API: authentication refused');
      // The delay slows one guesser down; it must not let many addresses pin sockets open.
      if (delayMs > 0 && delayed < MAX_DELAYED_REFUSALS) {
        delayed++;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayed--;
      }
      return refuse(socket, 401, {
        'WWW-Authenticate': bearer.ok
          ? 'Bearer realm="portico", error="invalid_token"'
          : 'Bearer realm="portico"',
      });
    }
    throttle.success(address);

    if (sessions.size >= maxSessions) {
      log.warn({ peer, maxSessions }, 'management API: session limit reached');
      return refuse(socket, 503, { 'Retry-After': '5' });
    }
    const tokenHash = sha256(bearer.token);
    const tokenId = tokenIdOf(bearer.token);
    // ws completes (or refuses, with a 400) the handshake synchronously, so the session is in
    // the set before the next upgrade is looked at and the cap above holds.
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      counters.sessionsOpened++;
      const session = new Session(ws, { tokenId, peer }, tokenHash, {
        handlers,
        hub,
        log,
        maxInFlight: opts.maxInFlight ?? 16,
        maxBufferedBytes: opts.maxBufferedBytes ?? 8 * 1024 * 1024,
        currentTokenHash,
      });
      sessions.add(session);
      log.info({ peer, tokenId, sessions: sessions.size }, 'management session opened');
      ws.on('close', (code) => {
        sessions.delete(session);
        session.dispose();
        log.info({ peer, code, sessions: sessions.size }, 'management session closed');
      });
    });
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(req, socket, head).catch((err: unknown) => {
      log.error({ err }, 'management API: upgrade failed');
      socket.destroy();
    });
  });
  server.on('tlsClientError', (err) =>
    log.debug({ err: err.message }, 'management API: TLS handshake failed'),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'management API: server error'));

  const heartbeat = setInterval(() => {
    for (const session of sessions) {
      if (!session.alive) {
        log.info({ peer: session.actor.peer }, 'management session did not answer a ping; terminating');
        session.ws.terminate();
        continue;
      }
      session.alive = false;
      session.ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  const port = (server.address() as AddressInfo).port;
  log.info({ host: opts.host, port, path: API_PATH }, 'management API listening');

  return {
    port,
    counters: () => ({ ...counters, sessions: sessions.size, refused: { ...counters.refused } }),
    closeSessionsWithOldToken: () => {
      let closed = 0;
      for (const session of sessions) {
        if (session.tokenIsCurrent()) continue;
        session.ws.close(CLOSE_CODES.TOKEN_ROTATED, 'token rotated');
        closed++;
      }
      if (closed > 0) log.info({ closed }, 'closed management sessions opened with the previous token');
      return closed;
    },
    close: async () => {
      closing = true;
      clearInterval(heartbeat);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const open = [...sessions];
      for (const session of open) session.ws.close(CLOSE_CODES.GOING_AWAY, 'agent stopping');
      // Give clients a moment for the close handshake, then cut whatever is left.
      const deadline = setTimeout(() => {
        for (const session of sessions) session.ws.terminate();
        server.closeAllConnections();
      }, 1_000);
      await Promise.all(
        open.map(
          (s) =>
            new Promise<void>((resolve) =>
              s.ws.readyState === 3 ? resolve() : s.ws.once('close', () => resolve()),
            ),
        ),
      );
      server.closeAllConnections();
      await closed;
      clearTimeout(deadline);
      wss.close();
    },
  };
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
