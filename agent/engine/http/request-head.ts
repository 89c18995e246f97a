/**
 * One pass over the client's raw header list: builds the header list sent upstream (hop-by-hop
 * headers dropped per RFC 9110 §7.6.1, X-Forwarded-* set as the service says) and picks out the
 * few values the proxy itself needs. Works on Node's flat `rawHeaders` so no header object is
 * ever built.
 */
import type { ForwardedHeaders } from '../../../shared/model/config.ts';

export interface RequestHead {
  /** Headers for the real server, flat [name, value, …]. */
  upstream: string[];
  /** The first Host header. */
  host: string | undefined;
  /** How many Host headers came: more than one is refused (each hop could pick another). */
  hostCount: number;
  /** The Cookie header (several joined with "; "), where a pool finds its persistence cookie. */
  cookies: string | undefined;
  /** The request carries a body (Content-Length > 0 or Transfer-Encoding). */
  hasBody: boolean;
  /** A Content-Length header frames the body (sent on as it came); otherwise a body goes chunked. */
  hasLength: boolean;
}

export interface HeadOptions {
  clientIp: string;
  proto: 'http' | 'https';
  forwarded: ForwardedHeaders;
}

export function readRequestHead(raw: readonly string[], opt: HeadOptions): RequestHead {
  const out: string[] = [];
  let host: string | undefined;
  let hostCount = 0;
  const replace = opt.forwarded === 'replace';
  const ours = opt.forwarded !== 'off';
  let cookies: string | undefined;
  let xff: string | undefined;
  let hasBody = false;
  let hasLength = false;
  let connectionTokens: string | undefined;

  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    // Only names of these lengths need a look; everything else is copied as it came.
    switch (name.length) {
      case 2: // te
      case 7: // trailer, upgrade
      case 10: // keep-alive, connection
      case 16: // proxy-connection, x-forwarded-host
      case 17: {
        // transfer-encoding, x-forwarded-proto
        const lower = name.toLowerCase();
        if (lower === 'connection') {
          connectionTokens = connectionTokens ? `${connectionTokens},${value}` : value;
          continue;
        }
        if (lower === 'transfer-encoding') {
          hasBody = true;
          continue;
        }
        if (
          lower === 'te' ||
          lower === 'trailer' ||
          lower === 'upgrade' ||
          lower === 'keep-alive' ||
          lower === 'proxy-connection'
        )
          continue;
        if (ours && (lower === 'x-forwarded-host' || lower === 'x-forwarded-proto')) continue;
        break;
      }
      case 4:
        if (name.toLowerCase() === 'host') {
          hostCount++;
          host ??= value;
        }
        break;
      case 9: // forwarded, x-real-ip: what a client says of itself, dropped at the edge
        if (replace) {
          const lower = name.toLowerCase();
          if (lower === 'forwarded' || lower === 'x-real-ip') continue;
        }
        break;
      case 6: {
        const lower = name.toLowerCase();
        if (lower === 'expect') continue; // the front end answered 100-continue already
        if (lower === 'cookie') cookies = cookies === undefined ? value : `${cookies}; ${value}`;
        break;
      }
      case 14:
        if (name.toLowerCase() === 'content-length') {
          hasLength = true;
          if (value !== '0') hasBody = true;
        }
        break;
      case 15:
        if (ours && name.toLowerCase() === 'x-forwarded-for') {
          if (!replace) xff = xff ? `${xff}, ${value}` : value;
          continue;
        }
        break;
    }
    out.push(name, value);
  }

  if (connectionTokens !== undefined) dropConnectionNamed(out, connectionTokens);
  if (ours) {
    out.push('x-forwarded-for', xff ? `${xff}, ${opt.clientIp}` : opt.clientIp);
    out.push('x-forwarded-proto', opt.proto);
    if (host !== undefined) out.push('x-forwarded-host', host);
  }
  return { upstream: out, host, hostCount, cookies, hasBody, hasLength };
}

/**
 * Names a client may not take away by listing them in Connection: the real server needs them
 * to find the site and frame the body (a client naming Host there would reach the default
 * site of an IIS box).
 */
const KEPT = new Set(['close', 'keep-alive', 'upgrade', 'host', 'content-length']);

/** Headers the client listed in Connection are for this hop only. */
function dropConnectionNamed(out: string[], tokens: string): void {
  const names = new Set<string>();
  for (const t of tokens.split(',')) {
    const n = t.trim().toLowerCase();
    if (n && !KEPT.has(n)) names.add(n);
  }
  if (names.size === 0) return;
  let w = 0;
  for (let r = 0; r < out.length; r += 2) {
    if (names.has(out[r]!.toLowerCase())) continue;
    out[w++] = out[r]!;
    out[w++] = out[r + 1]!;
  }
  out.length = w;
}

/** The value of cookie `name` in a Cookie header, without building a map. */
export function findCookie(header: string, name: string): string | undefined {
  let from = 0;
  while (from < header.length) {
    const at = header.indexOf(name, from);
    if (at < 0) return undefined;
    const before = at === 0 ? ';' : header[at - 1];
    const eq = at + name.length;
    if ((before === ';' || before === ' ') && header[eq] === '=') {
      const end = header.indexOf(';', eq);
      return header.slice(eq + 1, end < 0 ? undefined : end).trim();
    }
    from = at + 1;
  }
  return undefined;
}

/** The client's address without the IPv4-mapped prefix, as it goes into X-Forwarded-For. */
export function clientAddress(remote: string | undefined): string {
  if (!remote) return '';
  return remote.startsWith('::ffff:') ? remote.slice(7) : remote;
}
