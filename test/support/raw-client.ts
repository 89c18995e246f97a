/**
 * Raw client sockets for hostile-traffic tests: exact bytes out, the exact answer in, and a
 * reset (RST) on demand. Over plain TCP or TLS to a listener on loopback.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { until } from './engine.ts';

export interface Target {
  port: number;
  /** TLS to the listener: the root that signed its certificate and the name to ask for. */
  tls?: { ca: string; servername: string };
  /** Source address on loopback (127.0.0.x), to look like another client. */
  localAddress?: string;
}

export interface RawConnection {
  readonly socket: Socket;
  /** Everything received so far (latin1). */
  text(): string;
  /** Resolves once the connection is up (after the handshake for TLS). */
  readonly ready: Promise<void>;
  /** Resolves once the connection has closed, whoever closed it. */
  readonly closed: Promise<void>;
  isClosed(): boolean;
  /** The socket error that ended it, if any (ECONNRESET when the peer reset). */
  error(): string | undefined;
  write(bytes: string | Buffer): void;
  /** Waits until the received text satisfies `check`; fails after `ms` with what arrived. */
  waitFor(check: (text: string) => boolean, what: string, ms?: number): Promise<void>;
  /** Sends a TCP RST (SO_LINGER 0) and forgets the socket. */
  reset(): void;
}

export function openRaw(target: Target): RawConnection {
  // TLS runs over a TCP socket of our own: only a TCP handle can be reset.
  const tcp = netConnect({ host: '127.0.0.1', port: target.port, localAddress: target.localAddress });
  const socket = target.tls
    ? tlsConnect({ socket: tcp, ca: target.tls.ca, servername: target.tls.servername })
    : tcp;
  tcp.on('error', () => undefined); // reported through `socket` (the same error for TLS)
  const chunks: Buffer[] = [];
  let closed = false;
  let error: string | undefined;
  socket.on('data', (c: Buffer) => chunks.push(c));
  const closedP = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    socket.once(target.tls ? 'secureConnect' : 'connect', () => resolve());
    socket.once('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
      reject(err);
    });
  });
  ready.catch(() => undefined); // a refused connection is an outcome, read with error()
  socket.on('error', (err: NodeJS.ErrnoException) => (error ??= err.code ?? err.message));
  const text = () => Buffer.concat(chunks).toString('latin1');
  return {
    socket,
    text,
    ready,
    closed: closedP,
    isClosed: () => closed,
    error: () => error,
    write: (bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    },
    waitFor: (check, what, ms = 5_000) =>
      until(() => check(text()), `${what}; received so far: ${JSON.stringify(text().slice(0, 300))}`, ms),
    reset: () => {
      if (!tcp.destroyed) tcp.resetAndDestroy();
    },
  };
}

export interface RawAnswer {
  /** Everything the listener sent (latin1). */
  text: string;
  /** Status of the first response, 0 when none arrived. */
  status: number;
  /** Status of every response found in the text, in order. */
  statuses: number[];
  /** The listener closed the connection within the wait. */
  closed: boolean;
  error: string | undefined;
}

/**
 * Writes `bytes` on a fresh connection and collects the answer until the listener closes the
 * connection or `waitMs` passes (then `closed` is false and we close it).
 */
export async function exchange(target: Target, bytes: string | Buffer, waitMs = 3_000): Promise<RawAnswer> {
  const c = openRaw(target);
  await c.ready.catch(() => undefined);
  c.write(bytes);
  const timer = new Promise<void>((resolve) => setTimeout(resolve, waitMs).unref());
  await Promise.race([c.closed, timer]);
  const closed = c.isClosed();
  if (!closed) c.socket.destroy();
  const text = c.text();
  return { text, status: statusesOf(text)[0] ?? 0, statuses: statusesOf(text), closed, error: c.error() };
}

/** Status codes of every HTTP/1.x status line at a line start. */
export function statusesOf(text: string): number[] {
  return [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}

/** Header values in the first response head of `text`, by case-insensitive name. */
export function responseHeader(text: string, name: string): string[] {
  const head = text.split('\r\n\r\n')[0] ?? '';
  const lower = name.toLowerCase();
  return head
    .split('\r\n')
    .slice(1)
    .filter((l) => l.slice(0, l.indexOf(':')).toLowerCase() === lower)
    .map((l) => l.slice(l.indexOf(':') + 1).trim());
}

/** A GET with Connection: close: the ordinary request every service must keep serving. */
export function plainGet(path: string, host = 'hostile.test', extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`;
}
