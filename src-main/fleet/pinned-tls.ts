/**
 * TLS to an agent, trusted by fingerprint only. Agents have self-signed identities, so the CA
 * chain says nothing (`rejectUnauthorized: false`); what counts is that the certificate's
 * SHA-256 is the one the Console pinned.
 *
 * The check happens on 'secureConnect', and the socket is handed to the HTTP client only after
 * it passed: ws's upgrade request (with the Bearer token) is built by http.request, which holds
 * its headers until `createConnection` delivers a socket through its callback. A peer with
 * another certificate therefore never receives a single byte of application data: no request
 * line, no token.
 */
import { isIP, type Socket } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';

export class FingerprintMismatchError extends Error {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super(`the agent presented certificate ${actual}, but ${expected} is pinned`);
    this.name = 'FingerprintMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

export interface TlsTarget {
  address: string;
  port: number;
  /** Give up on TCP + TLS after this long. */
  timeoutMs: number;
}

/**
 * Opens TLS and resolves with the socket and the peer's fingerprint, before anything is written.
 * The caller decides whether to use or destroy the socket.
 */
export function openTls(target: TlsTarget): Promise<{ socket: TLSSocket; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: target.address,
      port: target.port,
      // SNI only for names: RFC 6066 forbids IP literals there.
      ...(isIP(target.address) ? {} : { servername: target.address }),
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no TLS handshake with ${target.address}:${target.port} within ${target.timeoutMs} ms`),
      );
    }, target.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const fingerprint = peerFingerprint(socket);
      if (!fingerprint) {
        socket.destroy();
        reject(new Error(`${target.address}:${target.port} presented no certificate`));
        return;
      }
      resolve({ socket, fingerprint });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The certificate fingerprint at an address: TLS only, nothing is sent (trust on first use). */
export async function probeFingerprint(target: TlsTarget): Promise<string> {
  const { socket, fingerprint } = await openTls(target);
  socket.destroy();
  return fingerprint;
}

type OnCreate = (err: Error | null, socket?: Socket) => void;

/**
 * An http.request `createConnection` that delivers only a socket whose certificate matches
 * `pinned`; on a mismatch the request fails with FingerprintMismatchError. If the request was
 * aborted meanwhile, http destroys the late socket itself.
 */
export function pinnedConnector(target: TlsTarget & { pinned: string }) {
  return (_options: unknown, oncreate: OnCreate): undefined => {
    openTls(target).then(
      ({ socket, fingerprint }) => {
        if (fingerprint !== target.pinned) {
          socket.destroy();
          oncreate(new FingerprintMismatchError(target.pinned, fingerprint));
          return;
        }
        oncreate(null, socket);
      },
      (err: Error) => oncreate(err),
    );
    return undefined;
  };
}

/** The peer's certificate fingerprint (in the one form: fingerprint256), or undefined if it presented none. */
function peerFingerprint(socket: TLSSocket): string | undefined {
  return socket.getPeerX509Certificate()?.fingerprint256;
}
