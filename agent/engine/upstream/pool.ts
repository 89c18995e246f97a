/**
 * The keep-alive connections to one real server. A request takes the most recently used idle
 * connection (the warmest; the others age out) or opens a new one. There is no queue: the
 * balancer hands a server no more requests than its maxConnections (RealServerRuntime.active),
 * and each connection carries one request at a time. TLS sessions are resumed across
 * connections, so re-encrypting to a server costs a full handshake once.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { UpstreamConnection, type ConnectionOwner } from './connection.ts';
import type { UpstreamHandler, UpstreamRequest } from './handler.ts';

export interface UpstreamTarget {
  address: string;
  port: number;
  connectMs: number;
  serverMs: number;
  tls?: { ca?: string | undefined; rejectUnauthorized: boolean } | undefined;
  /** The name sent as SNI and checked in the server's certificate; undefined for an IP. */
  sni: string | undefined;
  /** Called once per connection opened (the server's connection count). */
  onConnect: () => void;
}

export class UpstreamPool implements ConnectionOwner {
  readonly connectMs: number;
  readonly serverMs: number;
  readonly authority: string;
  private readonly target: UpstreamTarget;
  private readonly idle: UpstreamConnection[] = [];
  private readonly live = new Set<UpstreamConnection>();
  private session: Buffer | undefined;
  private closing: (() => void) | undefined;

  constructor(target: UpstreamTarget) {
    this.target = target;
    this.connectMs = target.connectMs;
    this.serverMs = target.serverMs;
    const host = target.address.includes(':') ? `[${target.address}]` : target.address;
    this.authority = `${host}:${target.port}`;
  }

  /** Connections carrying a request now (or opening for one). */
  get running(): number {
    return this.live.size - this.idle.length;
  }

  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
    let conn: UpstreamConnection | undefined;
    // One the server ended in this very tick has not heard its 'close' yet: not that one.
    while ((conn = this.idle.pop()) && !conn.socket.writable) conn.destroy();
    if (conn) conn.carry(request, handler);
    else this.open(request, handler);
  }

  private open(request: UpstreamRequest, handler: UpstreamHandler): void {
    const t = this.target;
    let socket: Socket;
    if (t.tls) {
      const tls = tlsConnect({
        host: t.address,
        port: t.port,
        servername: t.sni,
        ca: t.tls.ca,
        rejectUnauthorized: t.tls.rejectUnauthorized,
        session: this.session,
      });
      tls.on('session', (session: Buffer) => {
        this.session = session;
      });
      socket = tls;
    } else socket = netConnect({ host: t.address, port: t.port });
    socket.setNoDelay(true);
    const conn = new UpstreamConnection(this, socket, request, handler);
    socket.once(t.tls ? 'secureConnect' : 'connect', () => conn.ready());
    this.live.add(conn);
  }

  connected(): void {
    this.target.onConnect();
  }

  release(conn: UpstreamConnection): void {
    if (this.closing) conn.destroy();
    else this.idle.push(conn);
  }

  forget(conn: UpstreamConnection): void {
    this.live.delete(conn);
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.closing && this.live.size === 0) this.closing();
  }

  /** Lets requests in flight finish, closes the rest, and resolves when every connection is gone. */
  close(): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => {
      this.closing = resolve;
    });
    for (const conn of this.idle.splice(0)) conn.destroy();
    return done;
  }
}
