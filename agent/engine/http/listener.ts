/**
 * An L7 listener: Node's HTTP/1.1 server (llhttp does the parsing, the 408/431/400 answers and
 * keep-alive) in front of the request passes and the forwarder. The listener holds the current
 * ServiceRuntime; a reload that keeps the listener only swaps that reference.
 *
 * Every socket has an error handler from the moment it is ours: Node's own until it hands a
 * socket over (upgrade, CONNECT), ours from the first line of those handlers on.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { ServiceRuntime } from '../service.ts';
import { Exchange } from './forward.ts';
import { admit } from './passes.ts';
import { clientAddress } from './request-head.ts';
import { respondRaw, respondText, type Verdict } from './respond.ts';
import { forwardUpgrade, isWebSocketUpgrade } from './upgrade.ts';
import { settleBytes } from './accounting.ts';
import { BaseListener } from '../listener.ts';
import { sniChooses } from '../tls.ts';

/**
 * How long a keep-alive connection of a closing listener may stay quiet before it is closed.
 * A busy connection is never quiet this long: its next request is answered with
 * Connection: close instead.
 */
const RETIRE_QUIET_MS = 250;

/** Marks a request that asked for an upgrade the proxy does not honour. */
const REFUSED_UPGRADE = Symbol('refusedUpgrade');
type MarkedRequest = IncomingMessage & { [REFUSED_UPGRADE]?: true };

export class HttpListener extends BaseListener {
  readonly server: Server;
  private readonly proto: 'http' | 'https';
  /** HTTP connections (TLS sockets for https) not upgraded, for a graceful close. */
  private readonly conns = new Set<Socket>();
  /** Set once the listener closes: every later response ends its connection. */
  private retiring = false;

  /** @param tls options for an https listener (certificates chosen by its SNICallback). */
  constructor(svc: ServiceRuntime, log: Logger, tls?: HttpsOptions) {
    super(svc, log);
    this.proto = tls ? 'https' : 'http';
    const t = svc.front;
    const options: ServerOptions = {
      maxHeaderSize: t.maxHeaderBytes,
      headersTimeout: t.clientHeaderMs,
      // Bodies have their own deadline (Exchange: clientBodyMs and minBodyRate).
      requestTimeout: 0,
      keepAliveTimeout: t.idleMs,
      // Node checks header timeouts on this tick; the default 30 s would let slow clients linger.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(t.clientHeaderMs / 4))),
      noDelay: true,
      requireHostHeader: true,
      shouldUpgradeCallback: (req: IncomingMessage) => {
        if (isWebSocketUpgrade(req)) return true;
        (req as MarkedRequest)[REFUSED_UPGRADE] = true;
        return false;
      },
    };
    this.server = tls
      ? createHttpsServer({ ...options, ...tls, handshakeTimeout: t.tlsHandshakeMs })
      : createHttpServer(options);
    this.applySettings();
    this.watchDrops();
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('connect', (req, socket) => this.onConnect(req, socket));
    this.server.on('clientError', (err, socket) => this.onClientError(err as NodeJS.ErrnoException, socket));
    this.server.on('connection', (socket: Socket) => this.onConnection(socket));
    if (tls) {
      this.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: Socket) =>
        this.onTlsError(err, socket),
      );
      this.server.on('secureConnection', (socket: Socket) => this.keep(socket));
    }
  }

  /** Settings that need a new server object when they change. */
  static settingsKey(svc: ServiceRuntime): string {
    const f = svc.front;
    const vs = svc.config;
    const sni = vs.protocol === 'https' && sniChooses(vs.tls);
    return JSON.stringify([vs.protocol, f.maxHeaderBytes, f.clientHeaderMs, f.tlsHandshakeMs, sni]);
  }

  protected override applySettings(): void {
    super.applySettings();
    const t = this.service.front;
    this.server.keepAliveTimeout = t.idleMs;
    // A request waiting for a slow real server is not idle: the pools' serverMs bounds it.
    this.server.setTimeout(Math.max(t.idleMs, this.service.longestServerMs));
  }

  /**
   * Node's http Server.close() also destroys every idle keep-alive connection at once, and under
   * load a client has often sent its next request on one already: it gets a reset (a reload that
   * replaced a listener failed requests). So only the listening socket closes here; the
   * connections go gracefully (closeIdle, onRequest) and the base class cuts what is left.
   */
  protected override stopAccepting(done: () => void): void {
    this.retiring = true;
    NetServer.prototype.close.call(this.server, () => {
      this.server.close(); // nothing is left to cut: this only stops Node's header-timeout timer
      done();
    });
  }

  /** A connection with nothing in flight is closed once it has been quiet for a moment. */
  protected override closeIdle(): void {
    this.server.keepAliveTimeout = RETIRE_QUIET_MS; // for connections whose response ends later
    this.server.keepAliveTimeoutBuffer = 0;
    for (const socket of this.conns) {
      if (!(socket as Socket & { _httpMessage?: unknown })._httpMessage) socket.setTimeout(RETIRE_QUIET_MS);
    }
  }

  /** A TCP connection accepted (under TLS for https: the raw socket). */
  private onConnection(socket: Socket): void {
    if (!this.track(socket)) return;
    if (this.proto === 'http') this.keep(socket);
  }

  private keep(socket: Socket): void {
    this.conns.add(socket);
    socket.once('close', () => {
      // What no answer settled (a request cut short, Node's own 400/408/431) counts now; a
      // connection that became a tunnel left this set, and its tunnel counts its own bytes.
      if (this.conns.delete(socket)) settleBytes(socket, this.service.stats.traffic);
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (this.retiring || (req as MarkedRequest)[REFUSED_UPGRADE]) {
      // The client learns not to reuse this connection; a quiet-timer set by closeIdle on a
      // connection that had not sent a request yet must not cut this one. After a refused
      // upgrade Node drops whatever was pipelined behind it, so the connection must end too.
      res.shouldKeepAlive = false;
      req.socket.setTimeout(this.server.timeout);
    }
    const started = performance.now();
    const svc = this.service;
    svc.stats.traffic.requests++;
    const clientIp = clientAddress(req.socket.remoteAddress);
    const admitted = admit(svc, req, this.proto, clientIp);
    if ('status' in admitted) return this.answer(req, res, admitted, clientIp, started);
    new Exchange(svc, admitted, req, res, clientIp, this.log, this.refusals).start();
  }

  /** The service's own answer (a pass's verdict): counted as every answer is, latency too. */
  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    verdict: Verdict,
    clientIp: string,
    started: number,
  ): void {
    const svc = this.service;
    if (verdict.status === 400) {
      // As nginx does: a request this malformed ends its connection.
      this.refusals.note(svc, 'badRequest', { client: clientIp, why: verdict.message });
      res.shouldKeepAlive = false;
    }
    svc.stats.traffic.response(verdict.status);
    // Read before answering: once the answer to a request with a body ends, req.socket is null.
    const socket = req.socket;
    respondText(res, verdict.status, verdict.message, verdict.headers);
    svc.stats.traffic.latency(performance.now() - started);
    settleBytes(socket, svc.stats.traffic);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, firstBytes: Buffer): void {
    socket.on('error', () => socket.destroy());
    const started = performance.now();
    this.conns.delete(socket as Socket); // a tunnel now: it drains like an L4 connection
    const svc = this.service;
    svc.stats.traffic.requests++;
    const clientIp = clientAddress(req.socket.remoteAddress);
    const admitted = admit(svc, req, this.proto, clientIp);
    const refuse = (status: number, message: string, headers?: string[]) => {
      svc.stats.traffic.response(status);
      respondRaw(socket, status, message, headers);
      svc.stats.traffic.latency(performance.now() - started);
      settleBytes(socket as Socket, svc.stats.traffic);
    };
    if ('status' in admitted) {
      if (admitted.status === 400)
        this.refusals.note(svc, 'badRequest', { client: clientIp, why: admitted.message });
      return refuse(admitted.status, admitted.message, admitted.headers);
    }
    const limit = svc.front.maxTunnels;
    if (svc.stats.tunnels >= limit) {
      this.refusals.note(svc, 'tunnels', { client: clientIp, limit });
      return refuse(503, 'too many WebSocket connections are open on this service');
    }
    svc.stats.tunnels++;
    socket.once('close', () => svc.stats.tunnels--);
    (socket as Socket).setTimeout(svc.front.idleMs, () => socket.destroy());
    forwardUpgrade(svc, admitted, socket, firstBytes, clientIp, this.log, started);
  }

  /** CONNECT asks a forward proxy for a tunnel; a reverse proxy has none to give. */
  private onConnect(_req: IncomingMessage, socket: Duplex): void {
    socket.on('error', () => socket.destroy());
    respondRaw(socket, 405, 'CONNECT is not supported: this is a reverse proxy', [
      'allow',
      'GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH',
    ]);
  }

  /** Node's own answers, kept, plus a count and a log line; never written over a response in progress. */
  private onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    const code = err.code ?? '';
    const status =
      code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : code.startsWith('HPE_')
            ? 400
            : 0;
    const busy = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage?.headersSent;
    if (status && !busy) {
      const client = clientAddress((socket as Socket).remoteAddress);
      this.refusals.note(this.service, status === 408 ? 'headerTimeout' : 'badRequest', {
        client,
        status,
        code,
      });
      respondRaw(socket, status, CLIENT_ERRORS[status] ?? 'bad request');
    } else socket.destroy();
  }

  /** A handshake that failed or took longer than timeouts.tlsHandshakeMs. */
  private onTlsError(err: NodeJS.ErrnoException, socket: Socket): void {
    if (err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') {
      this.refusals.note(this.service, 'handshakeTimeout', {
        client: clientAddress(socket.remoteAddress),
        limitMs: this.service.front.tlsHandshakeMs,
      });
    }
    socket.destroy();
  }
}

const CLIENT_ERRORS: Record<number, string> = {
  400: 'the request is not valid HTTP/1.1',
  408: 'the request headers did not arrive in time',
  431: 'the request headers are larger than this service accepts',
};
