/**
 * An L4 listener: each client connection is piped to one real server. The client is paused
 * until the upstream connection is up, and a failed connect is retried on another server
 * before the client is let go.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { classify, type ProxyErrorCode } from '../errors.ts';
import { BaseListener } from '../listener.ts';
import type { RealServerRuntime } from '../real-server.ts';
import type { Traffic } from '../traffic.ts';
import type { ServiceRuntime } from '../service.ts';
import { clientAddress } from '../http/request-head.ts';

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
    const idleMs = svc.front.idleMs;
    client.setTimeout(idleMs, () => client.destroy());
    let tried: Set<RealServerRuntime> | undefined;
    /** Why the last server tried failed: what the service counts when none is left. */
    let lastCode: ProxyErrorCode | undefined;

    const attempt = (): void => {
      const pool = svc.defaultPool!;
      const pick = pool.choose(clientIp, undefined, tried);
      if (!pick) {
        // L4 has no way to say why: closing is the answer (the design's "no RS up → close").
        // Counted once, as the HTTP side does: the last failure, or NO_SERVER.
        svc.stats.traffic.error(lastCode ?? 'NO_SERVER');
        if (!tried) {
          this.log.warn({ vs: svc.name, code: 'NO_SERVER' }, 'connection closed: no real server available');
        }
        client.destroy();
        return;
      }
      const server = pick.server;
      const release = server.lease();
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
        upstream.destroy();
        const code = classify(err);
        server.traffic.error(code);
        lastCode = code;
        (tried ??= new Set()).add(server);
        this.log.warn({ vs: svc.name, rs: server.key, code, err: err.message }, 'real server failed');
        if (client.destroyed) return;
        if (tried.size < pool.maxAttempts) attempt();
        else {
          svc.stats.traffic.error(code);
          client.destroy();
        }
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
        // Opened: a refused or timed-out connect is counted as its error instead.
        server.traffic.connections++;
        client.removeListener('close', abandon);
        upstream.removeListener('error', failed);
        upstream.removeAllListeners('timeout');
        pipe(client, early.stop(), upstream, server.traffic, svc.stats.traffic, release, idleMs);
      });
    };
    // Read while connecting: a paused socket never notices its client's reset, and would hold
    // a slot until connectMs. What arrives meanwhile is kept (bounded) for the real server.
    const early = new EarlyBytes(client);
    attempt();
  }
}

/** Client bytes that arrive before the upstream connection is up, up to a bound. */
class EarlyBytes {
  static readonly MAX = 64 * 1024;
  private readonly client: Socket;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly onData = (chunk: Buffer) => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Past the bound the client waits (TCP back-pressure) like a paused socket would.
    if (this.size >= EarlyBytes.MAX) this.client.pause();
  };

  constructor(client: Socket) {
    this.client = client;
    client.on('data', this.onData);
    client.resume();
  }

  /** Stops collecting; returns what came, paused so pipe() takes over from here. */
  stop(): Buffer[] {
    this.client.removeListener('data', this.onData);
    this.client.pause();
    return this.chunks;
  }
}

/**
 * Half-open both ways (allowHalfOpen): an end from one side is passed on with pipe()'s end()
 * and the other side may still send; buffered data is never cut by destroying early. Either
 * side's close ends the pairing and gives the slot back.
 */
function pipe(
  client: Socket,
  early: Buffer[],
  upstream: Socket,
  server: Traffic,
  service: Traffic,
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
  // Counted when the pipe ends: per-chunk counting would cost the stream a call per chunk.
  client.once('close', () => {
    server.bytesIn += client.bytesRead;
    server.bytesOut += upstream.bytesRead;
    service.bytesIn += client.bytesRead;
    service.bytesOut += upstream.bytesRead;
    done();
  });
  upstream.once('close', () => {
    // The real server went away: once its bytes are written out the client is done too.
    if (client.writableLength === 0) done();
    else client.end();
  });
  for (const chunk of early) upstream.write(chunk);
  // A client that half-closed while we connected: its FIN was read already, pipe() would never
  // pass it on.
  if (client.readableEnded) upstream.end();
  else client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
}
