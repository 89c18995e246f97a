/**
 * Reads a JSON request body up to a limit. A declared Content-Length over the limit is refused
 * before a byte is read; a chunked body is counted as it arrives and refused when it passes.
 */
import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  readonly status: 400 | 413 | 415;
  constructor(status: 400 | 413 | 415, message: string) {
    super(message);
    this.name = 'BodyError';
    this.status = status;
  }
}

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  // application/json makes a cross-site form post impossible and a cross-origin fetch preflighted.
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new BodyError(415, 'send application/json');
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw new BodyError(413, `the body is larger than ${maxBytes} bytes`);
  const body = await collect(req, maxBytes);
  if (body.length === 0) return undefined; // no params: channels without params accept that
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400, 'the body is not JSON');
  }
}

/**
 * Events rather than for-await: leaving an async iterator early destroys the request and its
 * socket, and the 413 answer would never reach the client. Here reading just stops; the
 * caller answers with `connection: close` and Node drops the rest.
 */
function collect(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        finish();
        req.pause();
        reject(new BodyError(413, `the body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      finish();
      resolve(Buffer.concat(chunks, size));
    };
    const onClose = (): void => {
      finish();
      reject(new BodyError(400, 'the request ended before its body'));
    };
    const finish = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}
