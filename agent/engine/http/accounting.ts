/**
 * Bytes per request, from the client connection's own counters: what it read and wrote since
 * the last request on it settled. No per-chunk work, and the same figure for the service and
 * the real server that answered (the head included, as clients see it). Whatever a connection
 * moves that no request settles (a close mid-request) is added when it closes.
 */
import type { Socket } from 'node:net';
import type { Traffic } from '../traffic.ts';

const READ = Symbol('settledRead');
const WRITTEN = Symbol('settledWritten');
type Counted = Socket & { [READ]?: number; [WRITTEN]?: number };

export function settleBytes(socket: Socket, service: Traffic, server?: Traffic): void {
  const s = socket as Counted;
  const read = socket.bytesRead;
  const written = socket.bytesWritten;
  const dIn = read - (s[READ] ?? 0);
  const dOut = written - (s[WRITTEN] ?? 0);
  s[READ] = read;
  s[WRITTEN] = written;
  service.bytesIn += dIn;
  service.bytesOut += dOut;
  if (server) {
    server.bytesIn += dIn;
    server.bytesOut += dOut;
  }
}
