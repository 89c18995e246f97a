/**
 * An L7 listener: Node's HTTP/1.1 server (llhttp does the parsing, the 408/431/400 answers and
 * keep-alive) in front of the request passes and the forwarder. The listener holds the current
 * ServiceRuntime; a reload that keeps the listener only swaps that reference.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { ServiceRuntime } from '../service.ts';
import { Exchange } from './forward.ts';
import { pathOf, runPasses } from './passes.ts';
import { clientAddress, readRequestHead } from './request-head.ts';
import { respondRaw, respondText } from './respond.ts';
import { forwardUpgrade } from './upgrade.ts';
import { BaseListener } from '../listener.ts';

/**
 * How long a keep-alive connection of a closing listener may stay quiet before it is closed.
 * A busy connection is never quiet this long: its next request is answered with
 * Connection: close instead.
 */
const RETIRE_QUIET_MS = 250;

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
    const t = svc.config.timeouts;
    const options = {
      maxHeaderSize: svc.config.maxHeaderBytes,
      headersTimeout: t.clientHeaderMs,
      // Uploads may take long; the real server's own timeouts bound them.
      requestTimeout: 0,
      keepAliveTimeout: t.idleMs,
      // Node checks header timeouts on this tick; the default 30 s would let slow clients linger.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(t.clientHeaderMs / 4))),
      noDelay: true,
      requireHostHeader: true,
    };
    this.server = tls ? createHttpsServer({ ...options, ...tls }) : createHttpServer(options);
    this.applyTimeouts();
    this.server.on('request', (req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (err, socket) => this.onClientError(err as NodeJS.ErrnoException, socket));
    this.server.on('connection', (socket: Socket) => this.track(socket));
    this.server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.conns.add(socket);
      socket.once('close', () => this.conns.delete(socket));
    });
  }

  /** Settings that need a new server object when they change. */
  static settingsKey(svc: ServiceRuntime): string {
    const c = svc.config;
    return JSON.stringify([c.protocol, c.maxHeaderBytes, c.timeouts.clientHeaderMs]);
  }

  protected override applyTimeouts(): void {
    const t = this.service.config.timeouts;
    this.server.keepAliveTimeout = t.idleMs;
    this.server.setTimeout(Math.max(t.idleMs, t.serverMs));
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

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (this.retiring) {
      // The client learns not to reuse this connection; a quiet-timer set by closeIdle on a
      // connection that had not sent a request yet must not cut this one.
      res.shouldKeepAlive = false;
      req.socket.setTimeout(this.server.timeout);
    }
    const svc = this.service;
    svc.stats.requests++;
    const clientIp = clientAddress(req.socket.remoteAddress);
    const head = readRequestHead(req.rawHeaders, {
      clientIp,
      proto: this.proto,
      forwarded: svc.config.forwardedHeaders,
      cookieName: svc.cookieName,
    });
    const url = req.url ?? '/';
    const verdict = runPasses(svc, url, head.host);
    if (verdict) return respondText(res, verdict.status, verdict.message, verdict.headers);
    const group = svc.route(head.host ?? sniOf(req), pathOf(req.url ?? '/'));
    new Exchange(svc, group, req, res, head, clientIp, this.log).start();
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, firstBytes: Buffer): void {
    this.conns.delete(socket as Socket); // a tunnel now: it drains like an L4 connection
    const svc = this.service;
    svc.stats.requests++;
    const clientIp = clientAddress(req.socket.remoteAddress);
    const head = readRequestHead(req.rawHeaders, {
      clientIp,
      proto: this.proto,
      forwarded: svc.config.forwardedHeaders,
      cookieName: svc.cookieName,
    });
    const verdict = runPasses(svc, req.url ?? '/', head.host);
    if (verdict) return respondRaw(socket, verdict.status, verdict.message, verdict.headers);
    const group = svc.route(head.host ?? sniOf(req), pathOf(req.url ?? '/'));
    (socket as Socket).setTimeout(svc.config.timeouts.idleMs, () => socket.destroy());
    forwardUpgrade(svc, group, req, socket, firstBytes, head, clientIp, this.log);
  }

  /** Node's own answers, kept, plus a log line; never written over a response in progress. */
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
      this.log.info({ vs: this.service.name, status, code }, 'client request refused');
      respondRaw(socket, status, CLIENT_ERRORS[status] ?? 'bad request');
    } else socket.destroy();
  }
}

const CLIENT_ERRORS: Record<number, string> = {
  400: 'the request is not valid HTTP/1.1',
  408: 'the request headers did not arrive in time',
  431: 'the request headers are larger than this service accepts',
};

function sniOf(req: IncomingMessage): string | undefined {
  const s = (req.socket as Socket & { servername?: string | false }).servername;
  return typeof s === 'string' ? s : undefined;
}
