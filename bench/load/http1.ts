/**
 * Just enough HTTP/1.1 for the bench's own clients: a fixed GET request and "is this response
 * complete yet" for a response held in one buffer (no pipelining, so one response at a time).
 */

export function getRequest(host: string, port: number, path: string): Buffer {
  return Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUser-Agent: portico-bench\r\n\r\n`,
    'latin1',
  );
}

export interface ResponseState {
  status: number;
  /** The server will close the connection after this response. */
  close: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

/**
 * null while incomplete; the parsed status once the whole response is in `buf`. Throws on a
 * response whose end cannot be known (no length, not chunked): our peers always send one.
 */
export function completeResponse(buf: Buffer): ResponseState | null {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection:\s*close/i.test(head);
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (cl) return buf.length >= headEnd + 4 + Number(cl[1]) ? { status, close } : null;
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    // Our back end sends no trailers, so the body ends with the last-chunk marker.
    return buf.length >= headEnd + 4 + LAST_CHUNK.length &&
      buf.subarray(buf.length - LAST_CHUNK.length).equals(LAST_CHUNK)
      ? { status, close }
      : null;
  }
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, close };
  throw new Error(`response without Content-Length or chunked encoding (status ${status})`);
}
