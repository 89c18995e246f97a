/**
 * WebSocket passthrough (RFC 6455), the only upgrade the proxy honours. The client's request
 * head goes to a real server over a fresh connection; the client's further bytes are held until
 * that server answers 101. Any other answer is relayed and both sides closed, so bytes pipelined
 * behind a refused upgrade never reach a real server unchecked. From the 101 on, bytes flow both
 * ways untouched until either side closes.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { RealServerRuntime } from '../real-server.ts';
import type { Traffic } from '../traffic.ts';
import type { ServiceRuntime } from '../service.ts';
import { classify, isConnectFailure, proxyError, STATUS_FOR, type ProxyErrorCode } from '../errors.ts';
import type { Admitted } from './passes.ts';
import { respondRaw } from './respond.ts';
import { relayedHeaders } from './response-head.ts';
import { settleBytes } from './accounting.ts';

/** Sec-WebSocket-Key: 16 random bytes in base64 (RFC 6455 §4.1). */
const WEBSOCKET_KEY = /^[A-Za-z0-9+/]{22}==$/;

/**
 * Node's shouldUpgradeCallback: only a WebSocket handshake becomes an upgrade. Anything else
 * that asked for one (h2c, a made-up protocol, a POST, a handshake without its key) is served
 * as a plain request with the upgrade headers removed.
 */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const h = req.headers;
  return (
    req.method === 'GET' &&
    typeof h.upgrade === 'string' &&
    h.upgrade.trim().toLowerCase() === 'websocket' &&
    typeof h['sec-websocket-key'] === 'string' &&
    WEBSOCKET_KEY.test(h['sec-websocket-key'].trim()) &&
    h['transfer-encoding'] === undefined &&
    (h['content-length'] === undefined || h['content-length'] === '0')
  );
}

/**
 * @param started when the upgrade request reached the front end (performance.now()): the
 *   latency of whatever answers it, a 101 included
 */
export function forwardUpgrade(
  svc: ServiceRuntime,
  admitted: Admitted,
  client: Duplex,
  firstBytes: Buffer,
  clientIp: string,
  log: Logger,
  started: number,
): void {
  const { head, target, pool } = admitted;
  const socket = client as Socket;
  /** An answer went out: its latency for the service (and the server that gave it). */
  const timed = (server?: Traffic) => {
    const ms = performance.now() - started;
    svc.stats.traffic.latency(ms);
    server?.latency(ms);
  };
  /** The proxy's own answer, when no server gave one. */
  const fail = (code: ProxyErrorCode) => {
    svc.stats.traffic.error(code);
    svc.stats.traffic.response(STATUS_FOR[code]);
    respondRaw(client, STATUS_FOR[code], code);
    timed();
    settleBytes(socket, svc.stats.traffic);
  };
  const tried = new Set<RealServerRuntime>();
  const headers = [...head.upstream, 'connection', 'upgrade', 'upgrade', 'websocket'];
  let lastCode: ProxyErrorCode | undefined;
  // The client leaving before an answer stops the attempt running and gives its slot back.
  let abandon: (() => void) | undefined;
  client.once('close', () => abandon?.());

  const attempt = (): void => {
    if (client.destroyed) return;
    const pick = pool.choose(clientIp, head.cookies, tried);
    if (!pick) return fail(lastCode ?? 'NO_SERVER');
    const server = pick.server;
    tried.add(server);
    const release = server.lease();
    const tls = server.upstream.tls;
    const options = {
      host: server.address,
      port: server.port,
      method: 'GET',
      path: target.forward,
      headers,
      setHost: false,
      agent: false as const,
    };
    const req = tls
      ? httpsRequest({
          ...options,
          ca: tls.ca,
          servername: server.sni,
          rejectUnauthorized: tls.rejectUnauthorized,
        })
      : httpRequest(options);
    abandon = () => {
      req.destroy();
      release();
    };
    let sent = false;
    let answered = false;
    // Connecting is bounded by connectMs, the answer by serverMs.
    let timer = setTimeout(
      () => req.destroy(proxyError('CONNECT_TIMEOUT', 'connecting to the real server timed out')),
      server.upstream.connectMs,
    );
    req.once('socket', (s: Socket) => {
      s.once(tls ? 'secureConnect' : 'connect', () => {
        // A connection of its own, opened, and the handshake request on its way.
        sent = true;
        server.traffic.connections++;
        server.traffic.requests++;
        clearTimeout(timer);
        timer = setTimeout(
          () => req.destroy(proxyError('RESPONSE_TIMEOUT', 'the real server did not answer in time')),
          server.upstream.serverMs,
        );
      });
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      abandon = undefined;
      release();
      if (client.destroyed) return;
      if (answered) {
        client.destroy(); // part of an answer is out: a cut connection is the only signal left
        return;
      }
      const code = classify(err);
      server.traffic.error(code);
      log.warn({ vs: svc.name, rs: server.key, code, err: err.message }, 'upgrade: real server failed');
      // Nothing reached a server that never connected: another may take the handshake.
      if (!sent && isConnectFailure(code) && tried.size < pool.maxAttempts) {
        lastCode = code;
        attempt();
      } else fail(code);
    });
    req.once('response', (res) => {
      answered = true;
      abandon = undefined;
      clearTimeout(timer);
      server.traffic.response(res.statusCode ?? 0);
      svc.stats.traffic.response(res.statusCode ?? 0);
      timed(server.traffic);
      relayRefusal(client, res, () => {
        release();
        settleBytes(socket, svc.stats.traffic, server.traffic);
      });
    });
    req.once('upgrade', (res: IncomingMessage, upstream: Socket, upstreamHead: Buffer) => {
      answered = true;
      abandon = undefined;
      clearTimeout(timer);
      server.traffic.response(101);
      svc.stats.traffic.response(101);
      timed(server.traffic);
      upstream.on('error', () => upstream.destroy());
      if (client.destroyed) {
        release();
        upstream.destroy();
        return;
      }
      let text = `HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}\r\n`;
      const raw = res.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
      client.write(`${text}\r\n`);
      // The handshake's own bytes (its request head in, the 101 out); the tunnel counts the rest.
      settleBytes(socket, svc.stats.traffic, server.traffic);
      if (upstreamHead.length) client.write(upstreamHead);
      if (firstBytes.length) upstream.write(firstBytes);
      upstream.setNoDelay(true);
      upstream.setTimeout(svc.front.idleMs, () => upstream.destroy());
      splice(client, upstream, server.traffic, svc.stats.traffic, release);
    });
    req.end();
  };
  attempt();
}

/**
 * The real server did not switch protocols: its answer goes to the client with the connection
 * closed after it, and the client's held bytes are dropped with it.
 */
function relayRefusal(client: Duplex, res: IncomingMessage, release: () => void): void {
  const finish = () => {
    release();
    res.destroy();
    client.destroy();
  };
  res.once('error', finish);
  client.once('close', finish);
  if (client.destroyed) return finish();
  let text = `HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}\r\nconnection: close\r\n`;
  const headers = relayedHeaders(res.rawHeaders, res.headers.connection);
  for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
  client.write(`${text}\r\n`);
  res.pipe(client);
  res.once('end', () => {
    release();
    client.end();
  });
}

/**
 * Both directions piped; whichever side ends or fails takes the other down with it. Bytes are
 * counted per chunk: a tunnel may live for hours, and its traffic should show while it does.
 */
function splice(
  client: Duplex,
  upstream: Socket,
  server: Traffic,
  service: Traffic,
  release: () => void,
): void {
  const close = () => {
    release();
    client.destroy();
    upstream.destroy();
  };
  upstream.on('data', (c: Buffer) => {
    server.bytesOut += c.length;
    service.bytesOut += c.length;
  });
  client.on('data', (c: Buffer) => {
    server.bytesIn += c.length;
    service.bytesIn += c.length;
  });
  client.pipe(upstream);
  upstream.pipe(client);
  client.once('close', close);
  upstream.once('close', close);
  client.on('error', close);
  upstream.on('error', close);
}
