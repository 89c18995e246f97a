/**
 * An L4 listener: each client connection is piped to one real server. The client is paused
 * until the upstream connection is up, and a failed connect is retried on another server
 * before the client is let go.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { classify } from '../errors.ts';
import { BaseListener } from '../listener.ts';
import type { RealServerRuntime } from '../real-server.ts';
import type { ServiceRuntime } from '../service.ts';
import { clientAddress } from '../http/request-head.ts';

const MAX_ATTEMPTS = 3;

export class TcpListener extends BaseListener {
  readonly server: Server;

  constructor(svc: ServiceRuntime, log: Logger) {
    super(svc, log);
    this.server = createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true }, (socket) =>
      this.onConnection(socket),
    );
  }

  static settingsKey(svc: ServiceRuntime): string {
    return JSON.stringify([svc.config.protocol]);
  }

  protected override applyTimeouts(): void {}

  private onConnection(client: Socket): void {
    this.track(client);
    const svc = this.service;
    const clientIp = clientAddress(client.remoteAddress);
    const idleMs = svc.config.timeouts.idleMs;
    client.setTimeout(idleMs, () => client.destroy());
    client.on('error', () => client.destroy());
    let tried: Set<RealServerRuntime> | undefined;

    const attempt = (): void => {
      const pick = svc.choose(svc.defaultGroup, clientIp, undefined, tried);
      if (!pick) {
        // L4 has no way to say why: closing is the answer (the design's "no RS up → close").
        if (!tried)
          this.log.warn({ vs: svc.name, code: 'NO_SERVER' }, 'connection closed: no real server available');
        client.destroy();
        return;
      }
      const server = pick.server;
      server.active++;
      server.connections++;
      const upstream = connect({
        host: server.address,
        port: server.port,
        noDelay: true,
        allowHalfOpen: true,
        timeout: server.upstream.connectMs,
      });
      const failed = (err: Error) => {
        server.active--;
        server.errors++;
        upstream.destroy();
        const code = classify(err);
        (tried ??= new Set()).add(server);
        this.log.warn({ vs: svc.name, rs: server.name, code, err: err.message }, 'real server failed');
        if (client.destroyed) return;
        if (tried.size < MAX_ATTEMPTS) attempt();
        else client.destroy();
      };
      upstream.once('timeout', () =>
        failed(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
      );
      upstream.once('error', failed);
      upstream.once('connect', () => {
        upstream.removeListener('error', failed);
        upstream.removeAllListeners('timeout');
        if (client.destroyed) {
          server.active--;
          upstream.destroy();
          return;
        }
        pipe(client, upstream, server, idleMs);
      });
    };
    attempt();
  }
}

/**
 * Half-open both ways (allowHalfOpen): an end from one side is passed on with pipe()'s end()
 * and the other side may still send; buffered data is never cut by destroying early. The
 * client's close ends the pairing.
 */
function pipe(client: Socket, upstream: Socket, server: RealServerRuntime, idleMs: number): void {
  upstream.setTimeout(idleMs, () => {
    upstream.destroy();
    client.destroy();
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  client.once('close', () => {
    server.active--;
    server.bytesIn += client.bytesRead;
    server.bytesOut += upstream.bytesRead;
    upstream.destroy();
  });
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
}
