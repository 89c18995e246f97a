/**
 * The answers HAProxy gives on the agent's behalf, with the built-in engine's statuses and
 * bodies (agent/engine/http/respond.ts: `<status> <reason>: <message>\n`, text/plain), so a
 * client, a monitoring probe or an admin grepping logs sees the same thing whichever engine
 * runs. The conformance suite (test/conformance) compares them between the engines.
 */
import { STATUS_CODES } from 'node:http';
import { quote } from './quote.ts';

export function body(status: number, message: string): string {
  return `${status} ${STATUS_CODES[status] ?? ''}: ${message}\n`;
}

/** `status <n> content-type … string "…"`: the tail of http-request return/deny, http-error. */
export function answer(status: number, message: string): string {
  return `status ${status} content-type ${quote('text/plain; charset=utf-8')} string ${quote(body(status, message))}`;
}

/** What the built-in engine's request passes say (agent/engine/http/passes.ts, target.ts). */
export const PASS = {
  hostCount: 'the request has more than one Host header',
  hostInvalid: 'the Host header is not a valid host name',
  userInfo: 'the request target must not carry a user name',
  encodedSeparator: 'an encoded "/", "\\" or NUL in the path is refused: send it unencoded',
  backslash: 'a "\\" in the path is refused: use "/"',
  dotSemicolon: 'a "." or ".." segment with a ";" parameter is refused',
  aboveRoot: 'the path climbs above the root with ".."',
  noHostForRedirect: 'a Host header is needed to redirect to HTTPS',
  notFound: 'no service for this host/path',
  misdirected: 'the Host of this request is not the name (SNI) its TLS connection was made for',
} as const;

export function denied(written: string, protocol: 'http' | 'https'): string {
  return `access to ${written} is not allowed on this service${protocol === 'http' ? '; use HTTPS' : ''}`;
}

/** The forwarder's messages (agent/engine/http/forward.ts), by the code HAProxy's status stands for. */
export const UPSTREAM = {
  NO_SERVER: 'no real server is available (NO_SERVER)',
  CONNECT_FAILED: 'could not connect to a real server (CONNECT_FAILED)',
  RESPONSE_TIMEOUT: 'the real server did not answer in time (RESPONSE_TIMEOUT)',
  UPSTREAM_RESET: 'the real server closed the connection (UPSTREAM_RESET)',
} as const;

/** Node's own answers to what it cannot parse (agent/engine/http/listener.ts). */
export const CLIENT = {
  400: 'the request is not valid HTTP/1.1',
  408: 'the request headers did not arrive in time',
} as const;

/**
 * A whole HTTP response for `errorfile`. HAProxy answers 503 when it could not connect to any
 * server it tried; the built-in engine answers 502 CONNECT_FAILED there (503 means no server
 * was up, which the backends answer themselves before connecting), so the file HAProxy sends
 * for its 503 carries the built-in engine's 502.
 */
export function errorFile(status: number, message: string): string {
  const text = body(status, message);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    'content-type: text/plain; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(text)}\r\n` +
    'cache-control: no-cache\r\n' +
    'connection: close\r\n\r\n' +
    text
  );
}
