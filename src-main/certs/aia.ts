/**
 * Downloads an issuer certificate from an AIA caIssuers URL. CAs publish these over plain
 * HTTP on purpose (RFC 5280 §4.2.2.1): fetching them must not need the chain being built.
 * Every failure becomes a sentence the admin can act on — it ends up in `missing`.
 *
 * Bounded on every side because the URL comes from a file someone sent us: http only, a
 * timeout for the whole download, a size limit enforced while reading, few redirects.
 */
import type { X509Certificate } from 'node:crypto';
import { isCertError } from '../../shared/certs/errors.ts';
import { parseCertificateInput } from '../../shared/certs/parse.ts';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface AiaFetchOptions {
  /** Injectable for tests; default the global fetch. */
  fetch?: FetchLike;
  /** The whole download, redirects included (default 5000 ms). */
  timeoutMs?: number;
  /** Largest answer (default 1 MiB). */
  maxBytes?: number;
  /** Redirects followed (default 3). */
  maxRedirects?: number;
}

export const AIA_DEFAULTS = { timeoutMs: 5000, maxBytes: 1024 * 1024, maxRedirects: 3 } as const;

/** A download that gave no certificate; `message` says why, in words for the admin. */
export class AiaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AiaError';
  }
}

/** Downloads and parses the certificates at `url` (DER, PKCS#7 / .p7c, or PEM). Throws AiaError. */
export async function downloadCertificates(
  url: string,
  options: AiaFetchOptions = {},
): Promise<X509Certificate[]> {
  const timeoutMs = options.timeoutMs ?? AIA_DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? AIA_DEFAULTS.maxBytes;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await get(url, options.fetch ?? fetch, signal, options.maxRedirects);
    const body = await readLimited(response, maxBytes);
    return parseAnswer(body, response.headers.get('content-type'));
  } catch (error) {
    if (error instanceof AiaError) throw error;
    if (signal.aborted)
      throw new AiaError(`no complete answer within ${seconds(timeoutMs)}`, { cause: error });
    throw new AiaError(networkReason(error), { cause: error });
  }
}

async function get(
  url: string,
  fetchImpl: FetchLike,
  signal: AbortSignal,
  maxRedirects: number = AIA_DEFAULTS.maxRedirects,
): Promise<Response> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    checkUrl(current, current === url ? undefined : url);
    // Redirects by hand: fetch would follow one to https:// or to another scheme unchecked.
    const response = await fetchImpl(current, { signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (redirects >= maxRedirects) throw new AiaError(`more than ${maxRedirects} redirects`);
      current = new URL(location, current).href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AiaError(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    return response;
  }
}

function checkUrl(url: string, redirectedFrom: string | undefined): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AiaError('not a valid URL');
  }
  if (parsed.protocol !== 'http:') {
    const where = redirectedFrom ? `redirected to ${url}: ` : '';
    throw new AiaError(
      `${where}not downloaded — only http:// issuer URLs are used (CAs publish issuers over plain HTTP; ${parsed.protocol.slice(0, -1)} is not supported)`,
    );
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const announced = Number(response.headers.get('content-length') ?? NaN);
  if (announced > maxBytes) {
    await response.body?.cancel();
    throw new AiaError(`the answer is ${size(announced)}, more than the ${size(maxBytes)} allowed`);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // Counted while reading: a server can leave out Content-Length or lie in it.
    if (total > maxBytes) {
      await reader.cancel();
      throw new AiaError(`the answer is more than the ${size(maxBytes)} allowed`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function parseAnswer(body: Buffer, contentType: string | null): X509Certificate[] {
  const what = contentType ? ` (${contentType.split(';')[0]})` : '';
  if (body.length === 0) throw new AiaError(`the answer is empty${what}`);
  try {
    const certificates = parseCertificateInput(body).certificates.map((c) => c.cert);
    if (certificates.length === 0) throw new AiaError(`the answer holds no certificate${what}`);
    return certificates;
  } catch (error) {
    if (error instanceof AiaError || !isCertError(error)) throw error;
    // An HTML error page or a captive portal answers 200 too: the content type says so.
    throw new AiaError(`the answer is not a certificate (DER, PKCS#7 or PEM)${what}`, { cause: error });
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
};

/** fetch says "fetch failed"; the reason is in its cause chain. */
function networkReason(error: unknown): string {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
    if (e.cause === undefined && e !== error) return `download failed: ${e.message}`;
  }
  return `download failed: ${error instanceof Error ? error.message : String(error)}`;
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
