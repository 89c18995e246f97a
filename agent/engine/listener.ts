/**
 * What every listener shares: the current ServiceRuntime (swapped on reload), connection
 * tracking for stats and draining, the connection limits (per listener and per client
 * address), listen with SO_REUSEPORT so a replacement listener can bind the same port before
 * the old one closes, and a graceful close.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { RefusalLog } from './refusal-log.ts';
import type { ServiceRuntime } from './service.ts';
import { clientAddress } from './http/request-head.ts';

/** The client address a connection was counted under, when a per-source limit counts it. */
const SOURCE = Symbol('source');
type CountedSocket = Socket & { [SOURCE]?: string };

export abstract class BaseListener {
  abstract readonly server: Server;
  protected readonly log: Logger;
  protected readonly refusals: RefusalLog;
  private current: ServiceRuntime;
  private readonly sockets = new Set<Socket>();
  /** Open connections per client address; only kept while a per-source limit is set. */
  private readonly perSource = new Map<string, number>();

  constructor(svc: ServiceRuntime, log: Logger) {
    this.current = svc;
    this.log = log;
    this.refusals = new RefusalLog(log);
  }

  get service(): ServiceRuntime {
    return this.current;
  }

  /** Takes a new runtime for the same listener: new requests see it, in-flight ones keep theirs. */
  set service(svc: ServiceRuntime) {
    this.current = svc;
    this.applySettings();
  }

  /** Puts the current runtime's timeouts and limits on the server object. */
  protected applySettings(): void {
    this.server.maxConnections = this.current.front.maxConnections;
  }

  /** Node closes a connection over server.maxConnections itself; this counts it. */
  protected watchDrops(): void {
    this.server.on('drop', (data?: { remoteAddress?: string }) =>
      this.refusals.note(this.current, 'connections', {
        client: clientAddress(data?.remoteAddress),
        limit: this.current.front.maxConnections,
      }),
    );
  }

  /**
   * Counts a new client connection, or refuses it (destroyed at once) when its address is over
   * the per-source limit. Returns false when refused.
   */
  protected track(socket: Socket): boolean {
    const svc = this.current;
    const perSource = svc.front.maxConnectionsPerSource;
    if (perSource > 0) {
      const ip = clientAddress(socket.remoteAddress);
      const open = this.perSource.get(ip) ?? 0;
      if (open >= perSource) {
        socket.on('error', () => undefined);
        socket.destroy();
        this.refusals.note(svc, 'connectionsPerSource', { client: ip, limit: perSource });
        return false;
      }
      this.perSource.set(ip, open + 1);
      (socket as CountedSocket)[SOURCE] = ip;
    }
    const stats = svc.stats;
    stats.traffic.connections++;
    stats.activeConnections++;
    this.sockets.add(socket);
    socket.once('close', () => {
      stats.activeConnections--;
      this.sockets.delete(socket);
      const ip = (socket as CountedSocket)[SOURCE];
      if (ip !== undefined) {
        const left = (this.perSource.get(ip) ?? 1) - 1;
        if (left > 0) this.perSource.set(ip, left);
        else this.perSource.delete(ip);
      }
    });
    return true;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  listen(): Promise<void> {
    const { address, port } = this.current.config.listen;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: address, port, reusePort: true, backlog: 4096 }, () => {
        this.server.removeListener('error', onError);
        this.server.on('error', (err) =>
          this.log.error({ vs: this.current.name, err: err.message }, 'listener error'),
        );
        resolve();
      });
    });
  }

  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /**
   * Stops accepting, lets open connections finish their work for up to `graceMs`, then cuts
   * whatever is left.
   */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.stopAccepting(() => resolve()));
    this.closeIdle();
    const timer = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  }

  /** Closes the listening socket; `done` runs once every open connection has ended. */
  protected stopAccepting(done: () => void): void {
    this.server.close(() => done());
  }

  /** Connections with nothing in flight can go at once (HTTP keep-alive). */
  protected closeIdle(): void {}
}
