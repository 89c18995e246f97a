/**
 * What every browser-mode request must show before anything else runs: the exact Host we
 * listen on (a DNS-rebinding page reaches 127.0.0.1 under its own name), no foreign Origin
 * (another site's page posting to us), and for the API the session secret as a Bearer token.
 * The secret travels in a header, never a cookie: a cookie is sent by the browser on any
 * site's behalf, a header only by our own script that read it from the URL fragment.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type GuardFailure = { status: 401 | 403; message: string };

export function checkHostAndOrigin(req: IncomingMessage, port: number): GuardFailure | undefined {
  const expectedHost = `127.0.0.1:${port}`;
  if (req.headers.host !== expectedHost) return { status: 403, message: `Host must be ${expectedHost}` };
  const origin = req.headers.origin;
  // Same-origin GETs carry no Origin; cross-origin requests and POSTs always do.
  if (origin !== undefined && origin !== `http://${expectedHost}`) {
    return { status: 403, message: 'foreign Origin' };
  }
  return undefined;
}

export function checkSecret(req: IncomingMessage, secret: string): GuardFailure | undefined {
  const header = req.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return presented && sameSecret(presented, secret)
    ? undefined
    : { status: 401, message: 'the session secret is missing or wrong' };
}

/** Digests first: the comparison takes as long whatever was presented, even another length. */
function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
