/**
 * Closed-loop keep-alive HTTP/1.1 clients for the soak rows: each connection sends a GET, waits
 * for the whole response, sends the next. Unlike wrk, every failed request is kept with its
 * kind, the moment it was sent and the moment it failed, so a row can say which failures
 * happened on which service and when (during a reload, after a kill).
 *
 * A connection the server closes between requests (after `Connection: close`, or idle) is
 * reopened without counting anything: only a request that was sent and not answered with a
 * 2xx is a failure. Refused connects count as failed requests too, but are retried after a
 * pause so a service that is gone on purpose does not turn the client into a busy loop.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { completeResponse, getRequest } from '../load/http1.ts';

/**
 * - `refused`: the connect was refused (nothing listens)
 * - `reset`: ECONNRESET/EPIPE while a request was outstanding
 * - `closed`: a clean close with a request outstanding and no byte of its response
 * - `truncated`: a close after part of the response
 * - `timeout`: no complete response within `requestTimeoutMs`
 * - `bad-response`: bytes that are not an HTTP/1.1 response this client can read
 * - `status-NNN[ CODE]`: a complete response that is not 2xx, with the agent's named error code
 */
export type FailureKind = string;

export interface Failure {
  kind: FailureKind;
  /** performance.now() when the request was sent (or the connect started). */
  sentAt: number;
  /** performance.now() when it failed. */
  at: number;
}

export interface LoadOptions {
  host: string;
  port: number;
  /** Paths used in turn by successive connections (connection i uses paths[i % n]). */
  paths: string[];
  connections: number;
  localAddress?: string;
  requestTimeoutMs?: number;
  /** Pause before reconnecting after a refused or failed connect. */
  retryDelayMs?: number;
  /** Hard bounds: the load stops itself after either. */
  maxRequests?: number;
  maxDurationMs?: number;
}

export interface LoadSummary {
  /** Requests sent (connect attempts that were refused included). */
  requests: number;
  ok: number;
  failures: Failure[];
  /** Responses per `X-Server` header: which real server answered. */
  byServer: Record<string, number>;
  /** Connections the server ended between requests (not failures). */
  reconnects: number;
  /** Requests still unanswered when the load was stopped (counted as failures `abandoned`). */
  abandoned: number;
}

export interface KeepAliveLoad {
  /** Requests sent but not yet answered, now. */
  outstanding(): number;
  /** Completed requests so far (ok + failed). */
  done(): number;
  /** Failures so far (the array grows while the load runs). */
  readonly failures: Failure[];
  /** Stops sending; waits (up to the request timeout) for outstanding answers. */
  stop(): Promise<LoadSummary>;
}

const SERVER_HEADER = /\r\nx-server:\s*([^\r\n]+)/i;
const NAMED_CODE = /\(([A-Z_]+)\)/;

export function keepAliveLoad(o: LoadOptions): KeepAliveLoad {
  const requestTimeoutMs = o.requestTimeoutMs ?? 10_000;
  const retryDelayMs = o.retryDelayMs ?? 100;
  const maxRequests = o.maxRequests ?? 10_000_000;
  const requests = o.paths.map((p) => getRequest(o.host, o.port, p));
  const failures: Failure[] = [];
  const byServer: Record<string, number> = {};
  const socks = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let sent = 0;
  let ok = 0;
  let outstanding = 0;
  let reconnects = 0;
  let abandoned = 0;
  let running = true;
  /** Set once stop() has counted what was left: later closes are our own doing. */
  let finished = false;
  let onIdle: (() => void) | null = null;

  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  function settle(fail: FailureKind | null, sentAt: number, head?: string) {
    if (finished) return;
    outstanding--;
    if (fail === null) {
      ok++;
      const server = head ? SERVER_HEADER.exec(head)?.[1] : undefined;
      if (server) byServer[server] = (byServer[server] ?? 0) + 1;
    } else failures.push({ kind: fail, sentAt, at: performance.now() });
    if (outstanding === 0 && onIdle) onIdle();
  }

  function connection(i: number) {
    if (!running || sent >= maxRequests) return;
    const request = requests[i % requests.length]!;
    let inFlight = false;
    let sentAt = 0;
    let chunks: Buffer[] = [];
    let bytes = 0;
    let errCode = '';
    let connected = false;
    const sock = net.connect({
      host: o.host,
      port: o.port,
      noDelay: true,
      ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    });
    socks.add(sock);

    const send = () => {
      if (!running || sent >= maxRequests) {
        sock.end();
        return;
      }
      sent++;
      outstanding++;
      inFlight = true;
      sentAt = performance.now();
      chunks = [];
      bytes = 0;
      sock.setTimeout(requestTimeoutMs);
      sock.write(request);
    };
    // The connect itself carries the first request: a refused connect is a failed request.
    sent++;
    outstanding++;
    inFlight = true;
    sentAt = performance.now();
    sock.once('connect', () => {
      connected = true;
      sent--; // counted again by send()
      outstanding--;
      inFlight = false;
      send();
    });
    sock.on('data', (d: Buffer) => {
      if (!inFlight) return; // nothing asked: ignore (never happens with HTTP/1.1 servers)
      chunks.push(d);
      bytes += d.length;
      const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      chunks = [buf];
      let state;
      try {
        state = completeResponse(buf);
      } catch {
        inFlight = false;
        settle('bad-response', sentAt);
        sock.destroy();
        return;
      }
      if (!state) return;
      inFlight = false;
      sock.setTimeout(0);
      const headEnd = buf.indexOf('\r\n\r\n');
      const head = buf.toString('latin1', 0, headEnd);
      if (state.status >= 200 && state.status < 300) settle(null, sentAt, head);
      else {
        const body = buf.toString('latin1', headEnd + 4, Math.min(buf.length, headEnd + 4 + 300));
        const code = NAMED_CODE.exec(body)?.[1];
        settle(`status-${state.status}${code ? ` ${code}` : ''}`, sentAt);
      }
      if (state.close) {
        reconnects++;
        sock.end();
      } else send();
    });
    sock.on('timeout', () => {
      if (inFlight) {
        inFlight = false;
        settle('timeout', sentAt);
      }
      sock.destroy();
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      errCode = e.code ?? 'error';
    });
    sock.once('close', () => {
      socks.delete(sock);
      if (inFlight) {
        inFlight = false;
        const kind = !connected
          ? errCode === 'ECONNREFUSED'
            ? 'refused'
            : `connect-${errCode || 'failed'}`
          : errCode === 'ECONNRESET' || errCode === 'EPIPE'
            ? 'reset'
            : bytes > 0
              ? 'truncated'
              : 'closed';
        settle(kind, sentAt);
        if (running) later(() => connection(i), retryDelayMs);
        return;
      }
      if (running) {
        if (connected) connection(i);
        else later(() => connection(i), retryDelayMs);
      }
    });
  }

  for (let i = 0; i < o.connections; i++) connection(i);
  const hardStop = setTimeout(() => void stop(), o.maxDurationMs ?? 15 * 60_000);

  const stop = async (): Promise<LoadSummary> => {
    if (running) {
      running = false;
      clearTimeout(hardStop);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (outstanding > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, requestTimeoutMs + 1000);
          onIdle = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
      abandoned = outstanding;
      finished = true;
      for (let k = 0; k < abandoned; k++)
        failures.push({ kind: 'abandoned', sentAt: 0, at: performance.now() });
      for (const s of socks) s.destroy();
    }
    return { requests: sent, ok, failures, byServer, reconnects, abandoned };
  };

  return { outstanding: () => outstanding, done: () => ok + failures.length, failures, stop };
}

/** Failures counted by kind, e.g. `{ reset: 2, "status-502 UPSTREAM_RESET": 1 }`. */
export function byKind(failures: readonly Failure[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of failures) out[f.kind] = (out[f.kind] ?? 0) + 1;
  return out;
}
