/**
 * A real server for hostile-traffic tests, on a raw `net` socket: it records the exact bytes the
 * agent sent it and every request it could frame in them, so a test can prove what did — and
 * what did not — reach a back end. Node's own HTTP server cannot do this: llhttp consumes the
 * socket in C++ (no byte reaches JavaScript) and would itself refuse what we want to see.
 *
 * Framing is deliberately plain HTTP/1.1 (CRLF lines, Content-Length or chunked): anything it
 * cannot frame is recorded as `malformed` and the connection is dropped. A behaviour (`Handler`)
 * decides how each request is answered: normally, never, with a reset, a 101 and an echo, a
 * long body, or headers of its choosing.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  /** The request target exactly as the agent sent it. */
  target: string;
  /** Header lines as sent, in order: [name, value]. */
  headers: [string, string][];
  body: Buffer;
  /** The whole body arrived (false while it streams, or when it never completed). */
  complete: boolean;
  /** The connection it came on has closed. */
  connectionClosed: boolean;
}

export interface BackendConnection {
  readonly socket: Socket;
  /** A response with Content-Length; the connection stays open for the next request. */
  respond(status: number, headers?: [string, string][], body?: string | Buffer): void;
  /** Stops HTTP framing and returns what the agent already sent after this request's head. */
  takeOver(): Buffer;
}

/**
 * Answers one request. Called once the body is complete; for a request that asks for an
 * Upgrade, as soon as its head is read (what follows may be tunnel bytes).
 */
export type Handler = (req: SeenRequest, conn: BackendConnection, backend: RawBackend) => void;

export interface RawBackend {
  readonly name: string;
  readonly port: number;
  readonly server: Server;
  /** Requests framed so far, in order, across all connections. */
  readonly seen: SeenRequest[];
  /** Requests that could not be framed: the bytes that broke the framing. */
  readonly malformed: string[];
  /** Every byte received, across connections (latin1), for "was it ever sent" checks. */
  rawText(): string;
  /** Connections from the agent open now (each is one descriptor in the agent). */
  openConnections(): number;
  /** Connections accepted since start. */
  readonly accepted: { count: number };
  close(): Promise<void>;
}

/** The header's values, by case-insensitive name. */
export function headerValues(req: SeenRequest, name: string): string[] {
  const lower = name.toLowerCase();
  return req.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Default behaviour: 200 with a JSON account of what arrived. */
export const echoRequest: Handler = (req, conn, b) => {
  conn.respond(
    200,
    [['content-type', 'application/json']],
    JSON.stringify({ backend: b.name, method: req.method, target: req.target, headers: req.headers }),
  );
};

const HEAD_END = '\r\n\r\n';
/** A head longer than this is not something the agent should ever send. */
const MAX_HEAD = 64 * 1024;

export async function startRawBackend(name: string, handler: Handler = echoRequest): Promise<RawBackend> {
  const sockets = new Set<Socket>();
  const raw: Buffer[] = [];
  const seen: SeenRequest[] = [];
  const malformed: string[] = [];
  const accepted = { count: 0 };
  const server = createServer((socket) => {
    accepted.count++;
    sockets.add(socket);
    socket.on('error', () => undefined); // the agent may reset us; that is part of the test
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, backend, handler, raw, seen, malformed);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const backend: RawBackend = {
    name,
    port: (server.address() as { port: number }).port,
    server,
    seen,
    malformed,
    accepted,
    rawText: () => Buffer.concat(raw).toString('latin1'),
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return backend;
}

function serveConnection(
  socket: Socket,
  backend: RawBackend,
  handler: Handler,
  raw: Buffer[],
  seen: SeenRequest[],
  malformed: string[],
): void {
  let buf = Buffer.alloc(0);
  let current: SeenRequest | undefined;
  let pending: { chunked: boolean; length: number } | undefined;
  let busy = false; // a request is being answered: the next waits (HTTP/1.1 order)
  let tunnel = false;
  let answering: SeenRequest | undefined;
  const mine: SeenRequest[] = [];

  const conn: BackendConnection = {
    socket,
    respond(status, headers = [], body = '') {
      const b = typeof body === 'string' ? Buffer.from(body) : body;
      let head = `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}\r\n`;
      for (const [n, v] of headers) head += `${n}: ${v}\r\n`;
      head += `content-length: ${b.length}\r\n\r\n`;
      if (!socket.destroyed && !socket.writableEnded)
        socket.write(Buffer.concat([Buffer.from(head, 'latin1'), b]));
      // A client that asked to close gets its close (an L4 probe waits for it).
      if (answering && /\bclose\b/i.test(headerValues(answering, 'connection').join(','))) socket.end();
      busy = false;
      setImmediate(pump);
    },
    takeOver() {
      tunnel = true;
      const rest = buf;
      buf = Buffer.alloc(0);
      return rest;
    },
  };

  const fail = (why: string) => {
    malformed.push(`${why}: ${JSON.stringify(buf.subarray(0, 200).toString('latin1'))}`);
    socket.destroy();
  };

  const pump = (): void => {
    while (!tunnel && !busy && !socket.destroyed && !socket.writableEnded) {
      if (!current) {
        const end = buf.indexOf(HEAD_END);
        if (end < 0) {
          if (buf.length > MAX_HEAD) fail('head too large');
          return;
        }
        const parsed = parseHead(buf.subarray(0, end).toString('latin1'));
        if (typeof parsed === 'string') return fail(parsed);
        buf = buf.subarray(end + HEAD_END.length);
        current = { ...parsed, body: Buffer.alloc(0), complete: false, connectionClosed: false };
        seen.push(current);
        mine.push(current);
        const framing = framingOf(current);
        if (typeof framing === 'string') return fail(framing);
        pending = framing;
        if (headerValues(current, 'upgrade').length > 0 && !pending.chunked && pending.length === 0) {
          current.complete = true;
          const req = current;
          current = undefined;
          busy = true;
          answering = req;
          handler(req, conn, backend);
          continue;
        }
      }
      const req = current!;
      const body = takeBody(buf, pending!);
      if (body === 'malformed') return fail('bad chunked body');
      if (body === undefined) {
        // Keep what streamed in so far visible to tests (a slow or cut upload).
        if (!pending!.chunked) req.body = buf.subarray(0, Math.min(buf.length, pending!.length));
        return;
      }
      req.body = body.body;
      req.complete = true;
      buf = buf.subarray(body.used);
      current = undefined;
      busy = true;
      answering = req;
      handler(req, conn, backend);
    }
  };

  socket.on('data', (chunk: Buffer) => {
    raw.push(chunk);
    if (tunnel) return;
    buf = Buffer.concat([buf, chunk]);
    pump();
  });
  socket.once('close', () => {
    for (const r of mine) r.connectionClosed = true;
  });
}

function parseHead(text: string): Omit<SeenRequest, 'body' | 'complete' | 'connectionClosed'> | string {
  const lines = text.split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!m) return 'bad request line';
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /[\s]/.test(line.slice(0, colon))) return `bad header line ${JSON.stringify(line)}`;
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return { method: m[1]!, target: m[2]!, headers };
}

function framingOf(req: SeenRequest): { chunked: boolean; length: number } | string {
  const te = headerValues(req, 'transfer-encoding');
  const cl = headerValues(req, 'content-length');
  if (te.length && cl.length) return 'both Transfer-Encoding and Content-Length';
  if (te.length) {
    if (te.length !== 1 || te[0]!.toLowerCase() !== 'chunked') return `odd Transfer-Encoding ${te.join('|')}`;
    return { chunked: true, length: 0 };
  }
  if (cl.length > 1 || (cl.length === 1 && !/^\d+$/.test(cl[0]!)))
    return `odd Content-Length ${cl.join('|')}`;
  return { chunked: false, length: cl.length ? Number(cl[0]) : 0 };
}

/** A complete body at the start of `buf`, undefined if more bytes are needed. */
function takeBody(
  buf: Buffer,
  f: { chunked: boolean; length: number },
): { body: Buffer; used: number } | undefined | 'malformed' {
  if (!f.chunked)
    return buf.length >= f.length ? { body: buf.subarray(0, f.length), used: f.length } : undefined;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const sizeText = buf.subarray(at, eol).toString('latin1').split(';')[0]!;
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return 'malformed';
    const size = parseInt(sizeText, 16);
    at = eol + 2;
    if (size === 0) {
      // Trailers (none expected) end with an empty line.
      const end = buf.indexOf('\r\n', at);
      if (end < 0) return undefined;
      if (end !== at) return 'malformed';
      return { body: Buffer.concat(parts), used: end + 2 };
    }
    if (buf.length < at + size + 2) return undefined;
    parts.push(buf.subarray(at, at + size));
    if (buf[at + size] !== 13 || buf[at + size + 1] !== 10) return 'malformed';
    at += size + 2;
  }
}
