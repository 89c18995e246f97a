/**
 * WebSocket (and any other HTTP/1.1 Upgrade) passthrough: the request head is re-sent to a
 * real server over a fresh connection and from then on bytes flow both ways untouched, the
 * real server's 101 included.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { RealServerRuntime } from '../real-server.ts';
import type { ServerGroup, ServiceRuntime } from '../service.ts';
import { classify, type ProxyErrorCode, STATUS_FOR } from '../errors.ts';
import { respondRaw } from './respond.ts';
import type { RequestHead } from './request-head.ts';

const MAX_ATTEMPTS = 3;

export function forwardUpgrade(
  svc: ServiceRuntime,
  group: ServerGroup,
  req: IncomingMessage,
  client: Duplex,
  firstBytes: Buffer,
  head: RequestHead,
  clientIp: string,
  log: Logger,
): void {
  const tried = new Set<RealServerRuntime>();
  const upgrade = req.headers.upgrade ?? 'websocket';
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  const h = head.upstream;
  for (let i = 0; i < h.length; i += 2) lines.push(`${h[i]}: ${h[i + 1]}`);
  lines.push('connection: upgrade', `upgrade: ${upgrade}`, '', '');
  const requestHead = lines.join('\r\n');

  const tryNext = (): void => {
    const pick = svc.choose(group, clientIp, head.persistenceCookie, tried);
    if (!pick) {
      refuse(client, tried.size ? 'CONNECT_FAILED' : 'NO_SERVER');
      return;
    }
    const server = pick.server;
    tried.add(server);
    server.active++;
    server.connections++;
    const tls = server.upstream.tls;
    const opts = { host: server.address, port: server.port, timeout: server.upstream.connectMs };
    const upstream: Socket = tls
      ? tlsConnect({
          ...opts,
          ca: tls.ca,
          servername: tls.servername,
          rejectUnauthorized: tls.rejectUnauthorized,
        })
      : netConnect(opts);
    let connected = false;
    const onConnectError = (err: Error) => {
      server.active--;
      server.errors++;
      upstream.destroy();
      const code = classify(err);
      log.warn({ vs: svc.name, rs: server.name, code, err: err.message }, 'upgrade: real server failed');
      if (tried.size < MAX_ATTEMPTS && !client.destroyed) tryNext();
      else refuse(client, code);
    };
    upstream.once('timeout', () =>
      onConnectError(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
    );
    upstream.once('error', onConnectError);
    upstream.once(tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      upstream.removeListener('error', onConnectError);
      upstream.removeAllListeners('timeout');
      upstream.setTimeout(svc.config.timeouts.idleMs, () => upstream.destroy());
      upstream.setNoDelay(true);
      upstream.write(requestHead);
      if (firstBytes.length) upstream.write(firstBytes);
      splice(client, upstream, server);
    });
    client.once('close', () => {
      if (!connected) upstream.destroy();
    });
  };
  tryNext();
}

/** Both directions piped; whichever side ends or fails takes the other down with it. */
function splice(client: Duplex, upstream: Socket, server: RealServerRuntime): void {
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    server.active--;
    client.destroy();
    upstream.destroy();
  };
  upstream.on('data', (c: Buffer) => (server.bytesOut += c.length));
  client.on('data', (c: Buffer) => (server.bytesIn += c.length));
  client.pipe(upstream).on('error', close);
  upstream.pipe(client).on('error', close);
  client.on('close', close);
  upstream.on('close', close);
  client.on('error', close);
  upstream.on('error', close);
}

function refuse(client: Duplex, code: ProxyErrorCode): void {
  respondRaw(client, STATUS_FOR[code], code);
}
