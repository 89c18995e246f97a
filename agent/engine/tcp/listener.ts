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
    this.applySettings();
    this.watchDrops();
  }

  static settingsKey(svc: ServiceRuntime): string {
    return JSON.stringify([svc.config.protocol]);
  }

  private onConnection(client: Socket): void {
    // Before anything else: a reset from the client must never be an unhandled 'error'.
    client.on('error', () => client.destroy());
    if (!this.track(client)) return;
    const svc = this.service;
    const clientIp = clientAddress(client.remoteAddress);
    const idleMs = svc.config.timeouts.idleMs;
    client.setTimeout(idleMs, () => client.destroy());
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
      const release = server.lease();
      server.connections++;
      const upstream = connect({
        host: server.address,
        port: server.port,
        noDelay: true,
        allowHalfOpen: true,
        timeout: server.upstream.connectMs,
      });
      let settled = false;
      const failed = (err: Error) => {
        if (settled) return;
        settled = true;
        release();
        server.errors++;
        upstream.destroy();
        const code = classify(err);
        (tried ??= new Set()).add(server);
        this.log.warn({ vs: svc.name, rs: server.name, code, err: err.message }, 'real server failed');
        if (client.destroyed) return;
        if (tried.size < MAX_ATTEMPTS) attempt();
        else client.destroy();
      };
      upstream.on('error', failed);
      upstream.once('timeout', () =>
        failed(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
      );
      // A client that leaves while the connect is pending gives the slot back now.
      const abandon = () => {
        if (settled) return;
        settled = true;
        release();
        upstream.destroy();
      };
      client.once('close', abandon);
      upstream.once('connect', () => {
        if (settled) return;
        settled = true;
        client.removeListener('close', abandon);
        upstream.removeListener('error', failed);
        upstream.removeAllListeners('timeout');
        pipe(client, upstream, server, release, idleMs);
      });
    };
    attempt();
  }
}

/**
 * Half-open both ways (allowHalfOpen): an end from one side is passed on with pipe()'s end()
 * and the other side may still send; buffered data is never cut by destroying early. Either
 * side's close ends the pairing and gives the slot back.
 */
function pipe(
  client: Socket,
  upstream: Socket,
  server: RealServerRuntime,
  release: () => void,
  idleMs: number,
): void {
  upstream.setTimeout(idleMs, () => {
    upstream.destroy();
    client.destroy();
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  const done = () => {
    release();
    upstream.destroy();
    client.destroy();
  };
  client.once('close', () => {
    server.bytesIn += client.bytesRead;
    server.bytesOut += upstream.bytesRead;
    done();
  });
  upstream.once('close', () => {
    // The real server went away: once its bytes are written out the client is done too.
    if (client.writableLength === 0) done();
    else client.end();
  });
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
}
