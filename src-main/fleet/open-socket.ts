/**
 * One attempt to open an agent's management WebSocket: pinned TLS, then the upgrade with the
 * Bearer token. Every way it can fail becomes a ConnectError with a kind the caller acts on
 * (auth-failed and fingerprint-mismatch stop reconnecting; the others back off and retry).
 */
import { WebSocket } from 'ws';
import { apiUrl } from '../../shared/protocol/transport.ts';
import { FingerprintMismatchError, pinnedConnector } from './pinned-tls.ts';

export type ConnectFailure =
  | { kind: 'fingerprint-mismatch'; expected: string; actual: string }
  | { kind: 'unauthorized'; status: number }
  /** 429: the agent is slowing down failed attempts from this address. */
  | { kind: 'throttled'; retryAfterMs: number }
  /** Any other HTTP answer to the upgrade (404, 503 …). */
  | { kind: 'refused'; status: number }
  | { kind: 'network'; message: string };

export class ConnectError extends Error {
  readonly failure: ConnectFailure;
  constructor(failure: ConnectFailure, message: string) {
    super(message);
    this.name = 'ConnectError';
    this.failure = failure;
  }
}

export interface SocketTarget {
  address: string;
  port: number;
  fingerprint: string;
  token: string;
  /** TCP + TLS + upgrade must finish within this. */
  timeoutMs: number;
  /** Largest frame accepted from the agent (MAX_ANSWER_FRAME_BYTES outside tests). */
  maxPayloadBytes: number;
  /** Aborts the attempt (client stopped, or retrying with another endpoint). */
  signal?: AbortSignal;
}

export function openAgentSocket(target: SocketTarget): Promise<WebSocket> {
  const where = `${target.address}:${target.port}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(apiUrl(target.address, target.port), {
      headers: { Authorization: `Bearer ${target.token}` },
      createConnection: pinnedConnector({ ...target, pinned: target.fingerprint }) as never,
      handshakeTimeout: target.timeoutMs,
      maxPayload: target.maxPayloadBytes,
      perMessageDeflate: false,
      // A redirect could carry the token somewhere else; the protocol has none.
      followRedirects: false,
    });
    // One deadline for the whole attempt: the connector's and ws's own timeouts each cover a part.
    const timer = setTimeout(() => {
      const message = `no connection within ${target.timeoutMs} ms`;
      fail(new ConnectError({ kind: 'network', message }, `${where}: ${message}`));
      ws.terminate();
    }, target.timeoutMs);
    let settled = false;
    const fail = (err: ConnectError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      target.signal?.removeEventListener('abort', onAbort);
      reject(err);
    };
    const onAbort = () => {
      fail(new ConnectError({ kind: 'network', message: 'aborted' }, `${where}: connection attempt aborted`));
      ws.terminate();
    };
    if (target.signal?.aborted) onAbort();
    target.signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('open', () => {
      target.signal?.removeEventListener('abort', onAbort);
      if (settled) {
        ws.terminate();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
      if (status === 401 || status === 403) {
        fail(
          new ConnectError({ kind: 'unauthorized', status }, `${where} refused the token (HTTP ${status})`),
        );
      } else if (status === 429) {
        const retryAfterMs = Math.max(1, Number(res.headers['retry-after']) || 60) * 1000;
        fail(
          new ConnectError(
            { kind: 'throttled', retryAfterMs },
            `${where} is refusing attempts from this address for ${retryAfterMs / 1000} s after failed logins`,
          ),
        );
      } else fail(new ConnectError({ kind: 'refused', status }, `${where} answered HTTP ${status}`));
    });
    // Stays attached for the socket's life (an 'error' without a listener would throw); after
    // the open it does nothing, the session's own listeners take over.
    ws.on('error', (err) => {
      if (err instanceof FingerprintMismatchError) {
        fail(
          new ConnectError(
            { kind: 'fingerprint-mismatch', expected: err.expected, actual: err.actual },
            `${where}: ${err.message}`,
          ),
        );
      } else fail(new ConnectError({ kind: 'network', message: err.message }, `${where}: ${err.message}`));
    });
  });
}
