/**
 * What every listener shares: the current ServiceRuntime (swapped on reload), connection
 * tracking for stats and draining, listen with SO_REUSEPORT so a replacement listener can bind
 * the same port before the old one closes, and a graceful close.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { ServiceRuntime } from './service.ts';

export abstract class BaseListener {
  abstract readonly server: Server;
  protected readonly log: Logger;
  private current: ServiceRuntime;
  private readonly sockets = new Set<Socket>();

  constructor(svc: ServiceRuntime, log: Logger) {
    this.current = svc;
    this.log = log;
  }

  get service(): ServiceRuntime {
    return this.current;
  }

  /** Takes a new runtime for the same listener: new requests see it, in-flight ones keep theirs. */
  set service(svc: ServiceRuntime) {
    this.current = svc;
    this.applyTimeouts();
  }

  protected abstract applyTimeouts(): void;

  protected track(socket: Socket): void {
    const stats = this.current.stats;
    stats.connections++;
    stats.activeConnections++;
    this.sockets.add(socket);
    socket.once('close', () => {
      stats.activeConnections--;
      this.sockets.delete(socket);
    });
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
