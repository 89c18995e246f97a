/**
 * Odd real-server behaviours for hostile-traffic tests, as raw-backend handlers. `byPath` picks
 * one by the request's path so a single back end can play several parts; every other request
 * gets the ordinary JSON echo (the health probes use that).
 */
import { createHash } from 'node:crypto';
import { echoRequest, headerValues, type Handler } from './raw-backend.ts';

/** Routes on the path (the query ignored); anything unlisted goes to `fallback`. */
export function byPath(routes: Record<string, Handler>, fallback: Handler = echoRequest): Handler {
  return (req, conn, b) => {
    const path = req.target.split('?')[0]!;
    (routes[path] ?? fallback)(req, conn, b);
  };
}

/** Reads the request, then never answers (the agent waits for a response). */
export const neverAnswer: Handler = () => undefined;

/** Reads the whole request, then resets the connection: the request certainly arrived. */
export const resetAfterRequest: Handler = (_req, conn) => {
  conn.socket.resetAndDestroy();
};

/**
 * A WebSocket handshake answered with 101, then a greeting and an echo of every byte. The
 * agent pipes bytes after the 101, so the bytes need not be WebSocket frames.
 */
export const websocketEcho: Handler = (req, conn, backend) => {
  const key = headerValues(req, 'sec-websocket-key')[0];
  if (!key || headerValues(req, 'upgrade')[0]?.toLowerCase() !== 'websocket') {
    echoRequest(req, conn, backend);
    return;
  }
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  const early = conn.takeOver();
  const s = conn.socket;
  s.write(
    `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\nhello-from-backend`,
  );
  if (early.length) s.write(early);
  s.on('data', (c: Buffer) => s.write(c));
};

/** An upgrade refused with an ordinary 404; the connection stays open for a next request. */
export const refuseUpgrade: Handler = (_req, conn) => {
  conn.respond(404, [['content-type', 'text/plain']], 'no websocket here');
};

/**
 * A long response body sent as fast as the agent takes it, bounded (16 MiB, 20 s): long enough
 * that a client that reads the first bytes and resets is certainly mid-body.
 */
export const longBody: Handler = (_req, conn) => {
  const s = conn.socket;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const chunks = 256;
  s.write(
    `HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${chunk.length * chunks}\r\n\r\n`,
  );
  let sent = 0;
  const deadline = Date.now() + 20_000;
  const more = () => {
    while (sent < chunks && !s.destroyed && Date.now() < deadline) {
      sent++;
      if (!s.write(chunk)) {
        s.once('drain', more);
        return;
      }
    }
  };
  more();
};

/** Names a private header in its Connection header: a hop-by-hop header the client must not see. */
export function connectionNamedHeader(connection: string, extra: [string, string][]): Handler {
  return (_req, conn) => conn.respond(200, [['connection', connection], ...extra], 'ok');
}
