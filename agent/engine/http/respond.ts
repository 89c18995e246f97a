/** Short answers the proxy gives itself: errors, redirects, denials. */
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** An answer decided by a pass, before it is written to a response or a raw socket. */
export interface Verdict {
  status: number;
  message: string;
  headers?: string[];
}

function bodyOf(status: number, message: string): string {
  // Errors, redirects and denials describe what happened; a 2xx of the proxy's own (an ACME
  // key authorization) is the content itself, byte for byte.
  if (status < 300) return message;
  return `${status} ${STATUS_CODES[status] ?? ''}: ${message}\n`;
}

/** A small text/plain answer; the body names the cause so an admin can grep logs for it. */
export function respondText(res: ServerResponse, status: number, message: string, extra?: string[]): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = bodyOf(status, message);
  const headers = [
    'content-type',
    'text/plain; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(body)),
  ];
  if (extra) headers.push(...extra);
  res.writeHead(status, headers);
  res.end(body);
}

/** The same answer written on a socket that has no ServerResponse (upgrades, parse errors). */
export function respondRaw(socket: Duplex, status: number, message: string, extra?: string[]): void {
  // The client may reset while this is written; that must never be an unhandled 'error'.
  if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = bodyOf(status, message);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
  for (let i = 0; extra && i < extra.length; i += 2) head += `${extra[i]}: ${extra[i + 1]}\r\n`;
  socket.end(`${head}\r\n${body}`);
  socket.once('finish', () => socket.destroy());
}
