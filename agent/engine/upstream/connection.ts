/**
 * One keep-alive connection to a real server, carrying one request at a time: writes the request
 * head and body, parses the answer with llhttp and hands its head and body to the request's
 * handler, then goes back to its pool when the exchange ended cleanly and both sides may go on.
 * Anything else (bytes nobody asked for, a cut body, an answer before the request was sent in
 * full) closes it: a connection in doubt is never reused.
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { proxyError } from '../errors.ts';
import type { UpstreamController, UpstreamHandler, UpstreamRequest } from './handler.ts';
import { responseParser, type HTTPParser, type ResponseEvents } from './llhttp.ts';

/** What a connection needs from the pool that owns it. */
export interface ConnectionOwner {
  readonly connectMs: number;
  readonly serverMs: number;
  /** The Host named when the client sent none. */
  readonly authority: string;
  connected(): void;
  /** The connection is idle and reusable. */
  release(conn: UpstreamConnection): void;
  /** The connection closed. */
  forget(conn: UpstreamConnection): void;
}

/** How long an idle connection is kept: the server's Keep-Alive timeout hint can shorten it. */
export const KEEP_ALIVE_MS = 30_000;

export class UpstreamConnection implements UpstreamController, ResponseEvents {
  readonly socket: Socket;
  private readonly owner: ConnectionOwner;
  private readonly parser: HTTPParser;
  private handler: UpstreamHandler | undefined;
  private request: UpstreamRequest | undefined;
  private connected = false;
  /** The request head went out: from here an abort costs the connection. */
  private written = false;
  /** The body is still being sent. */
  private body: Readable | undefined;
  private chunked = false;
  private bodyPaused = false;
  /** Reading stopped for the client's sake (pause()); undone before the connection is reused. */
  private paused = false;
  /** An answer is due: a message starting at any other time was never asked for. */
  private awaiting = false;
  private informational = false;
  private responding = false;
  private skipBody = false;
  private keepAlive = false;
  /** The final answer is complete: the connection is settled once the parser returns. */
  private ended = false;
  /** Bytes beyond the answer, or a protocol switch: the connection goes. */
  private broken = false;
  /** Header lines of a long head, delivered before the rest. */
  private partial: string[] | undefined;
  /** The last body chunk of a parse, held so the final one can go out with the end. */
  private pending: Buffer | undefined;
  private error: Error | undefined;
  private closed = false;
  /** How long it may wait in the pool: the server's Keep-Alive hint can shorten it. */
  private idleMs = KEEP_ALIVE_MS;

  constructor(owner: ConnectionOwner, socket: Socket, request: UpstreamRequest, handler: UpstreamHandler) {
    this.owner = owner;
    this.socket = socket;
    this.request = request;
    this.handler = handler;
    this.parser = responseParser(this);
    socket.setTimeout(owner.connectMs);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('timeout', this.onTimeout);
    socket.on('drain', this.onDrain);
  }

  /** The socket connected (TLS: the handshake is done). */
  ready(): void {
    this.connected = true;
    this.owner.connected();
    if (this.handler) this.begin(this.request!, this.handler);
  }

  /** Carries a request on this (idle) connection. */
  carry(request: UpstreamRequest, handler: UpstreamHandler): void {
    this.request = request;
    this.handler = handler;
    this.begin(request, handler);
  }

  private begin(request: UpstreamRequest, handler: UpstreamHandler): void {
    handler.onRequestStart(this);
    if (this.handler !== handler) return; // aborted before a byte was written
    this.written = true;
    this.awaiting = true;
    this.skipBody = request.method === 'HEAD';
    const socket = this.socket;
    socket.setTimeout(this.owner.serverMs);
    const body = request.body;
    const chunked = body !== null && !request.hasLength;
    socket.write(head(request, this.owner.authority, chunked), 'latin1');
    if (body) {
      this.body = body;
      this.chunked = chunked;
      body.on('data', this.onBodyData);
      body.on('end', this.onBodyEnd);
      body.on('close', this.onBodyClose);
    }
  }

  // --- the controller -----------------------------------------------------------------------

  abort(handler: UpstreamHandler, reason: Error): void {
    if (handler !== this.handler) return;
    if (!this.written && this.connected) {
      // Nothing was sent: the connection is as good as before.
      this.detach();
      this.idle();
      handler.onResponseError(this, reason);
      return;
    }
    this.fail(reason);
  }

  pause(handler: UpstreamHandler): void {
    if (handler !== this.handler) return;
    this.paused = true;
    this.socket.pause();
    // The client is the slow side now; its own timeouts govern.
    this.socket.setTimeout(0);
  }

  resume(handler: UpstreamHandler): void {
    if (handler !== this.handler || !this.paused) return;
    this.paused = false;
    this.socket.setTimeout(this.owner.serverMs);
    this.socket.resume();
  }

  // --- the socket --------------------------------------------------------------------------

  private readonly onData = (chunk: Buffer): void => {
    if (!this.awaiting) {
      this.destroy(); // the server speaks unasked: nothing it says after can be trusted
      return;
    }
    const result = this.parser.execute(chunk);
    if (typeof result === 'object') {
      this.fail(
        proxyError(
          'UPSTREAM_PROTOCOL',
          `the real server sent an invalid response: ${result.reason ?? result.code}`,
        ),
      );
      return;
    }
    this.afterParse();
  };

  /** What a parse left to do: pass on the held chunk, or settle a finished exchange. */
  private afterParse(): void {
    if (this.ended) {
      this.ended = false;
      this.settle();
      return;
    }
    const pending = this.pending;
    if (pending !== undefined && this.handler) {
      this.pending = undefined;
      this.handler.onResponseData(this, pending);
    }
  }

  private readonly onEnd = (): void => {
    if (!this.handler || !this.written) return;
    // A body read until the close ends here; any other answer was cut short.
    const result = this.parser.finish();
    if (result === undefined && this.ended) {
      this.afterParse();
      return;
    }
    this.failIfCarrying(proxyError('UPSTREAM_RESET', 'the real server closed the connection'));
  };

  private readonly onError = (err: Error): void => {
    this.error = err;
    this.failIfCarrying(err);
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.owner.forget(this);
    this.failIfCarrying(this.error ?? proxyError('UPSTREAM_RESET', 'the real server closed the connection'));
    // Freed once the stack that may still hold it has unwound (as node:http frees its parsers).
    setImmediate(closeParser, this.parser);
  };

  private readonly onTimeout = (): void => {
    if (!this.handler)
      this.destroy(); // idle for idleMs
    else if (!this.connected)
      this.fail(proxyError('CONNECT_TIMEOUT', 'connecting to the real server timed out'));
    else this.fail(proxyError('RESPONSE_TIMEOUT', 'the real server did not answer in time'));
  };

  private readonly onDrain = (): void => {
    if (this.bodyPaused && this.body) {
      this.bodyPaused = false;
      this.body.resume();
    }
  };

  // --- the request body --------------------------------------------------------------------

  private readonly onBodyData = (chunk: Buffer): void => {
    const socket = this.socket;
    let flushed: boolean;
    if (this.chunked) {
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      flushed = socket.write('\r\n', 'latin1');
      socket.uncork();
    } else flushed = socket.write(chunk);
    if (!flushed) {
      this.bodyPaused = true;
      this.body!.pause();
    }
  };

  private readonly onBodyEnd = (): void => {
    if (this.chunked) this.socket.write('0\r\n\r\n', 'latin1');
    this.stopBody();
  };

  private readonly onBodyClose = (): void => {
    if (this.body)
      this.fail(proxyError('UPSTREAM_RESET', 'the client closed the connection during its request body'));
  };

  private stopBody(): void {
    const body = this.body;
    if (!body) return;
    this.body = undefined;
    this.bodyPaused = false;
    body.off('data', this.onBodyData);
    body.off('end', this.onBodyEnd);
    body.off('close', this.onBodyClose);
  }

  // --- the parser --------------------------------------------------------------------------

  onMessageBegin(): void {
    if (!this.awaiting) this.broken = true;
  }

  onHeaders(headers: string[]): void {
    if (this.partial) this.partial.push(...headers);
    else this.partial = headers;
  }

  onHeadersComplete(
    list: string[] | undefined,
    statusCode: number,
    statusMessage: string,
    upgrade: boolean,
    shouldKeepAlive: boolean,
  ): number {
    let headers = list ?? [];
    if (this.partial) {
      headers = list ? this.partial.concat(list) : this.partial;
      this.partial = undefined;
    }
    const handler = this.handler;
    if (!handler || this.broken) return 1;
    if (upgrade || statusCode === 101) {
      this.broken = true;
      this.fail(proxyError('UPSTREAM_PROTOCOL', 'the real server switched protocols unasked'));
      return 1;
    }
    if (statusCode < 200) {
      this.informational = true; // 100, 102, 103: the final answer follows
      return 0;
    }
    this.responding = true;
    this.keepAlive = shouldKeepAlive;
    if (shouldKeepAlive) this.idleMs = idleHint(headers);
    handler.onResponseStart(this, statusCode, headers, statusMessage);
    return this.skipBody ? 1 : 0;
  }

  onBody(chunk: Buffer): void {
    const handler = this.handler;
    if (!handler || !this.responding) return;
    const pending = this.pending;
    this.pending = chunk;
    if (pending !== undefined) handler.onResponseData(this, pending);
  }

  onMessageComplete(): void {
    if (this.informational) {
      this.informational = false;
      return;
    }
    const handler = this.handler;
    if (!handler || !this.responding) return;
    const last = this.pending;
    this.pending = undefined;
    this.awaiting = false;
    this.ended = true;
    this.handler = undefined;
    handler.onResponseEnd(this, last);
  }

  // --- ending ------------------------------------------------------------------------------

  /** The answer is complete: back to the pool if both sides may go on, else closed. */
  private settle(): void {
    const reusable =
      this.keepAlive && !this.broken && this.body === undefined && !this.closed && this.idleMs > 0;
    this.detach();
    if (reusable) this.idle();
    else this.destroy();
  }

  private idle(): void {
    this.socket.setTimeout(this.idleMs);
    this.owner.release(this);
  }

  /** The connection ended under a request: the request failed. */
  private failIfCarrying(err: Error): void {
    if (this.handler) this.fail(err);
  }

  private fail(err: Error): void {
    const handler = this.handler;
    this.detach();
    this.destroy();
    handler?.onResponseError(this, err);
  }

  /** The connection carries no request any more. */
  private detach(): void {
    this.stopBody();
    // The answer may have ended in the read that made the client pause it: an idle connection
    // must read again, or it would hear neither the server's close nor the next answer.
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    this.handler = undefined;
    this.request = undefined;
    this.pending = undefined;
    this.partial = undefined;
    this.written = false;
    this.awaiting = false;
    this.informational = false;
    this.responding = false;
    this.ended = false;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function closeParser(parser: HTTPParser): void {
  parser.close();
}

/** The request head in one string: one write, one packet for a request without a body. */
function head(request: UpstreamRequest, authority: string, chunked: boolean): string {
  let text = `${request.method} ${request.path} HTTP/1.1\r\n`;
  const h = request.headers;
  for (let i = 0; i < h.length; i += 2) text += `${h[i]}: ${h[i + 1]}\r\n`;
  if (!request.hasHost) text += `host: ${authority}\r\n`;
  if (chunked) text += 'transfer-encoding: chunked\r\n';
  return `${text}\r\n`;
}

/**
 * How long to keep the connection idle: a second less than the server's own Keep-Alive
 * timeout when it announces one (Apache closes idle connections after 5 s), else KEEP_ALIVE_MS.
 * Reusing a connection the server is closing at that moment costs the request.
 */
function idleHint(headers: readonly string[]): number {
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length !== 10 || name.toLowerCase() !== 'keep-alive') continue;
    const m = /timeout\s*=\s*(\d+)/i.exec(headers[i + 1]!);
    if (m) return Math.max(0, Math.min(KEEP_ALIVE_MS, Number(m[1]) * 1000 - 1000));
  }
  return KEEP_ALIVE_MS;
}
