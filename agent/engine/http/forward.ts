/**
 * Forwarding one request to a real server and its response back: the hot path. One Exchange
 * object per request is the upstream client's handler itself, so no closures or streams are
 * made per request; body chunks go straight from the upstream connection to the client socket
 * with back-pressure both ways.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { RealServerRuntime } from '../real-server.ts';
import type { PoolRuntime } from '../pool.ts';
import type { ServiceRuntime } from '../service.ts';
import { classify, isConnectFailure, STATUS_FOR, type ProxyErrorCode } from '../errors.ts';
import type { RefusalLog } from '../refusal-log.ts';
import type { Traffic } from '../traffic.ts';
import type { Admitted } from './passes.ts';
import { respondText } from './respond.ts';
import { responseHeaders } from './response-head.ts';
import { settleBytes } from './accounting.ts';
import type { RequestHead } from './request-head.ts';
import type { UpstreamController, UpstreamHandler } from '../upstream/handler.ts';

/**
 * Methods a request may be sent again with after the server that had it failed (RFC 9110
 * §9.2.2): sending them twice means what sending them once does.
 */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

const MESSAGES: Record<ProxyErrorCode, string> = {
  NO_SERVER: 'no real server is available (NO_SERVER)',
  CONNECT_FAILED: 'could not connect to a real server (CONNECT_FAILED)',
  CONNECT_TIMEOUT: 'connecting to the real server timed out (CONNECT_TIMEOUT)',
  RESPONSE_TIMEOUT: 'the real server did not answer in time (RESPONSE_TIMEOUT)',
  UPSTREAM_RESET: 'the real server closed the connection (UPSTREAM_RESET)',
  UPSTREAM_TLS: 'TLS to the real server failed (UPSTREAM_TLS)',
  UPSTREAM_PROTOCOL: 'the real server sent an invalid response (UPSTREAM_PROTOCOL)',
};

const EXCHANGE = Symbol('exchange');
type ResponseWithExchange = ServerResponse & { [EXCHANGE]?: Exchange };

function onClientClose(this: ResponseWithExchange): void {
  this[EXCHANGE]?.clientClosed();
}

function onBodyDeadline(exchange: Exchange): void {
  exchange.checkBody();
}

export class Exchange implements UpstreamHandler {
  private readonly svc: ServiceRuntime;
  private readonly pool: PoolRuntime;
  /** When the request reached the front end (performance.now()), for the latency histogram. */
  private readonly started: number;
  private readonly req: IncomingMessage;
  /**
   * The client connection, kept: Node sets req.socket to null once a response to a request
   * with a body has ended, and the bytes are read off the connection after that.
   */
  private readonly socket: Socket;
  private readonly res: ServerResponse;
  private readonly head: RequestHead;
  /** The canonical target (http/target.ts): what the real server is asked for. */
  private readonly path: string;
  private readonly clientIp: string;
  private readonly log: Logger;
  private readonly refusals: RefusalLog;
  /** Watches a request body's progress (timeouts.clientBodyMs, limits.minBodyRate). */
  private bodyTimer: NodeJS.Timeout | undefined;
  private bodyStartedAt = 0;
  private bodyBytesBefore = 0;
  private server: RealServerRuntime | undefined;
  private setCookie: string | undefined;
  private tried: Set<RealServerRuntime> | undefined;
  /** Why the last server tried failed: what the client is told when none is left. */
  private lastError: ProxyErrorCode | undefined;
  private controller: UpstreamController | undefined;
  private responded = false;
  private done = false;
  /** Its latency and bytes are counted (once, whichever way the exchange ends). */
  private accounted = false;
  /**
   * The client closed while the upstream connection was being opened: abort as soon as it is
   * ready (the unused connection goes back to the pool).
   */
  private clientGone = false;

  constructor(
    svc: ServiceRuntime,
    admitted: Admitted,
    req: IncomingMessage,
    res: ServerResponse,
    clientIp: string,
    log: Logger,
    refusals: RefusalLog,
  ) {
    this.svc = svc;
    this.pool = admitted.pool;
    this.started = performance.now();
    this.req = req;
    this.socket = req.socket;
    this.res = res;
    this.head = admitted.head;
    this.path = admitted.target.forward;
    this.clientIp = clientIp;
    this.log = log;
    this.refusals = refusals;
  }

  start(): void {
    // A client that goes away stops the upstream request too. One shared listener function
    // (no closure per request) finds its exchange on the response.
    (this.res as ResponseWithExchange)[EXCHANGE] = this;
    this.res.on('close', onClientClose);
    if (this.head.hasBody) {
      this.bodyStartedAt = Date.now();
      this.bodyBytesBefore = this.socket.bytesRead;
      this.bodyTimer = setTimeout(onBodyDeadline, this.svc.front.clientBodyMs, this);
    }
    this.attempt(this.head.cookies);
  }

  /**
   * A body must start within clientBodyMs and then keep up limits.minBodyRate: every that
   * many bytes earn another second (Apache's mod_reqtimeout rule). A client trickling a byte
   * now and then would otherwise hold a connection to a real server for ever.
   */
  checkBody(): void {
    this.bodyTimer = undefined;
    if (this.req.complete || this.res.writableEnded || this.res.destroyed) return;
    const rate = this.svc.front.minBodyRate;
    const bytes = this.socket.bytesRead - this.bodyBytesBefore;
    const allowed = this.svc.front.clientBodyMs + (rate > 0 ? (bytes * 1000) / rate : 0);
    const elapsed = Date.now() - this.bodyStartedAt;
    if (elapsed < allowed) {
      this.bodyTimer = setTimeout(onBodyDeadline, Math.ceil(allowed - elapsed), this);
      return;
    }
    this.refusals.note(this.svc, 'bodyTimeout', { client: this.clientIp, bytes, elapsedMs: elapsed });
    this.clientGone = true;
    // The answer first: aborting the upstream request below reports an error synchronously,
    // and an exchange whose client has its answer tells nobody about it.
    if (this.res.headersSent) this.res.destroy();
    else {
      // As nginx answers client_body_timeout; the connection cannot be reused mid-body.
      this.res.shouldKeepAlive = false;
      this.svc.stats.traffic.response(408);
      respondText(this.res, 408, 'the request body did not arrive in time');
      this.account(undefined);
    }
    if (!this.done) this.controller?.abort(this, new Error('the request body did not arrive in time'));
  }

  /** The client went away: stop the upstream request unless it already ended. */
  clientClosed(): void {
    this.settle();
    this.clientGone = true;
    if (this.done) return;
    this.controller?.abort(this, new Error('client closed the connection'));
    // Still connecting (no controller yet): the connect runs to success or connectMs (HAProxy
    // does the same without abortonclose) and onRequestStart aborts then, keeping the new
    // connection for the next request; the server's slot is free now.
    this.finish();
  }

  private attempt(cookies: string | undefined): void {
    const pool = this.pool;
    const pick = pool.choose(this.clientIp, cookies, this.tried);
    if (!pick) {
      this.fail(this.lastError ?? 'NO_SERVER');
      return;
    }
    const server = pick.server;
    this.server = server;
    this.setCookie =
      pool.cookieName !== undefined && !pick.byCookie
        ? pool.persistenceCookie(server, this.svc.secure)
        : undefined;
    server.active++;
    const req = this.req;
    const head = this.head;
    const method = req.method!;
    server.httpPool().dispatch(
      {
        method,
        path: this.path,
        headers: head.upstream,
        hasHost: head.host !== undefined,
        body: head.hasBody ? req : null,
        hasLength: head.hasLength,
      },
      this,
    );
  }

  /** Connected, and the request is being written: now it is sent to the server. */
  onRequestStart(controller: UpstreamController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(this, new Error('client closed the connection'));
    else this.server!.traffic.requests++;
  }

  onResponseStart(
    controller: UpstreamController,
    statusCode: number,
    raw: string[],
    statusMessage: string,
  ): void {
    this.responded = true;
    if (this.res.writableEnded) {
      controller.abort(this, new Error('the client was answered already'));
      return;
    }
    this.server!.traffic.response(statusCode);
    this.svc.stats.traffic.response(statusCode);
    const res = this.res;
    const headers = responseHeaders(raw, this.setCookie);
    if (statusMessage) res.writeHead(statusCode, statusMessage, headers);
    else res.writeHead(statusCode, headers);
  }

  onResponseData(controller: UpstreamController, chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      // A destroyed response never drains: pausing would hold the upstream request forever.
      if (this.res.destroyed) {
        controller.abort(this, new Error('client closed the connection'));
        return;
      }
      controller.pause(this);
      this.res.once('drain', () => controller.resume(this));
    }
  }

  /** The body's last bytes come with the end: end(chunk) writes them with the head at once. */
  onResponseEnd(_controller: UpstreamController, last: Buffer | undefined): void {
    this.finish();
    this.settle();
    if (last) this.res.end(last);
    else this.res.end();
    this.account(this.server!.traffic);
  }

  /**
   * The request is over: its latency and bytes go to the service, and to the server when it
   * answered (one that failed before answering has its error counted, not a latency).
   */
  private account(server: Traffic | undefined): void {
    if (this.accounted) return;
    this.accounted = true;
    const ms = performance.now() - this.started;
    const svc = this.svc.stats.traffic;
    svc.latency(ms);
    server?.latency(ms);
    settleBytes(this.socket, svc, server);
  }

  onResponseError(_controller: UpstreamController, err: Error): void {
    const server = this.server!;
    this.finish();
    // The client left, or was answered already (a body timeout): nothing to tell anyone. An
    // answer the client left in the middle of still counts as that server's answer.
    if (this.res.destroyed || this.res.writableEnded) {
      this.settle();
      if (this.responded) this.account(server.traffic);
      return;
    }
    const code = classify(err);
    server.traffic.error(code);
    // Another server may take the request when this one certainly never saw it (RFC 9110
    // §9.2.2: a failed connect), or when it failed before answering a request that is
    // idempotent and has no body to send again. A POST that may have run is never repeated.
    const retryable =
      !this.responded &&
      (isConnectFailure(code) ||
        (code === 'UPSTREAM_RESET' && !this.head.hasBody && IDEMPOTENT.has(this.req.method!)));
    if (retryable) {
      this.lastError = code;
      const tried = (this.tried ??= new Set());
      tried.add(server);
      if (tried.size < this.pool.maxAttempts) {
        this.log.warn(
          { vs: this.svc.name, rs: server.name, code, err: err.message },
          'real server failed, trying another',
        );
        this.done = false;
        this.attempt(undefined);
        return;
      }
    }
    this.log.warn({ vs: this.svc.name, rs: server.name, code, err: err.message }, 'request failed');
    this.fail(code);
  }

  /** The exchange is over for good: the body deadline no longer matters. */
  private settle(): void {
    if (this.bodyTimer) {
      clearTimeout(this.bodyTimer);
      this.bodyTimer = undefined;
    }
  }

  /** Gives the server's slot back (once per attempt). */
  private finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.server) this.server.active--;
  }

  private fail(code: ProxyErrorCode): void {
    this.done = true;
    this.settle();
    const svc = this.svc.stats.traffic;
    svc.error(code);
    if (this.responded || this.res.headersSent) {
      // Part of the response is out: the only honest signal left is an aborted connection.
      this.res.destroy();
    } else {
      svc.response(STATUS_FOR[code]);
      respondText(this.res, STATUS_FOR[code], MESSAGES[code]);
    }
    this.account(this.responded ? this.server?.traffic : undefined);
  }
}
