/**
 * What the forwarding code and the upstream client say to each other about one request: the
 * request as it goes to the real server, the handler that hears the response, and the
 * controller that steers it. The handler is an object the caller already has (one per request),
 * so nothing is allocated per request to listen.
 */
import type { Readable } from 'node:stream';

export interface UpstreamRequest {
  method: string;
  /** The request target as the real server gets it (already canonical). */
  path: string;
  /** Flat [name, value, …], hop-by-hop headers already dropped. */
  headers: readonly string[];
  /** A Host header is among them; without one (HTTP/1.0) the server's address is named. */
  hasHost: boolean;
  /** The client's body, or null. */
  body: Readable | null;
  /** The headers give the body's length (Content-Length); otherwise a body goes chunked. */
  hasLength: boolean;
}

export interface UpstreamHandler {
  /** A connection is ready and the request is about to be written; abort() here leaves it unused. */
  onRequestStart(controller: UpstreamController): void;
  /** The final response head (1xx answers are not passed on), hop-by-hop headers included. */
  onResponseStart(
    controller: UpstreamController,
    statusCode: number,
    headers: string[],
    statusMessage: string,
  ): void;
  onResponseData(controller: UpstreamController, chunk: Buffer): void;
  /** @param last the body's final bytes, held back so they can go out with the end in one write */
  onResponseEnd(controller: UpstreamController, last: Buffer | undefined): void;
  /** The request failed (connect, TLS, timeout, reset, invalid response) or was aborted. */
  onResponseError(controller: UpstreamController, err: Error): void;
}

/**
 * Steers one request. Every call names its handler: a late call for a request that already
 * ended does nothing to the next request on the same connection.
 */
export interface UpstreamController {
  /** Ends the request now; the handler hears onResponseError(reason) before this returns. */
  abort(handler: UpstreamHandler, reason: Error): void;
  /** Stops reading the response (the client is slow); no server timeout runs meanwhile. */
  pause(handler: UpstreamHandler): void;
  resume(handler: UpstreamHandler): void;
}
