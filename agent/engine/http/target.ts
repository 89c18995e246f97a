/**
 * The one canonical request target. Computed once per request and used by everything that
 * looks at a path — content rules, deny paths, the redirect — and sent to the real server, so
 * no rule can be walked around by spelling the same path another way (absolute form, percent
 * escapes, dot segments, doubled slashes) that the real server would resolve to the same place.
 *
 * The rules, as nginx applies them to `$uri` before `location` matching (and HAProxy's
 * `normalize-uri` actions): the absolute form is reduced to its path, percent-escapes of
 * unreserved characters are decoded (RFC 3986 §6.2.2.2) and other escapes upper-cased,
 * dot segments are removed (§5.2.4), repeated slashes merged. What has no single meaning is
 * refused with 400 instead of guessed: an encoded `/` or `\` (IIS and Tomcat decode them into
 * separators), a raw `\`, an encoded NUL, a `..` that climbs above the root (nginx: 400), a
 * `..;` segment (Tomcat's `..`), a fragment, a malformed escape.
 */
import { normaliseHost } from './host.ts';

export interface Target {
  /** Canonical path: the rules above applied; case as the client sent it. */
  readonly path: string;
  /** What the real server is sent: the canonical path and the query as the client sent it. */
  readonly forward: string;
}

/** A request target that cannot be served; `message` says why (the 400's body). */
export class TargetError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * @param url the request target as received (`req.url`)
 * @param host the Host header (needed to check an absolute-form target against it)
 */
export function canonicalTarget(url: string, host: string | undefined): Target | TargetError {
  let rest = url;
  if (url.charCodeAt(0) !== 0x2f /* / */) {
    if (url === '*') return { path: '*', forward: '*' };
    const absolute = absolutePart(url, host);
    if (absolute instanceof TargetError) return absolute;
    rest = absolute;
  }
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  // Most paths need no work at all: nothing to decode, no dot segment, no doubled slash.
  if (isPlain(rawPath)) return { path: rawPath, forward: rest };
  const path = normalise(rawPath);
  if (path instanceof TargetError) return path;
  return { path, forward: q < 0 ? path : path + rest.slice(q) };
}

/** True when the path is already canonical (the common case; checked without allocating). */
function isPlain(path: string): boolean {
  let prev = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x25 /* % */ || c === 0x5c /* \ */ || c === 0x23 /* # */) return false;
    if (prev === 0x2f && (c === 0x2f || c === 0x2e) /* . */) return false;
    prev = c;
  }
  return true;
}

/** `http://host[:port]/path?q` → `/path?q`, when its host is the Host header's. */
function absolutePart(url: string, host: string | undefined): string | TargetError {
  const m = /^https?:\/\//i.exec(url);
  if (!m) return new TargetError('the request target must be a path such as /index.html');
  const from = m[0].length;
  let end = from;
  while (end < url.length && url[end] !== '/' && url[end] !== '?') end++;
  const authority = url.slice(from, end);
  if (authority.includes('@')) return new TargetError('the request target must not carry a user name');
  if (authority === '') return new TargetError('the request target names no host');
  if (host === undefined || normaliseHost(authority) !== normaliseHost(host)) {
    return new TargetError(`the request target names host ${authority}, which is not the Host header`);
  }
  const rest = url.slice(end);
  return rest === '' ? '/' : rest.charCodeAt(0) === 0x3f /* ? */ ? `/${rest}` : rest;
}

function normalise(raw: string): string | TargetError {
  let decoded = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex))
        return new TargetError('a "%" in the path is not followed by two hex digits');
      const byte = parseInt(hex, 16);
      if (byte === 0x2f || byte === 0x5c || byte === 0) {
        return new TargetError('an encoded "/", "\\" or NUL in the path is refused: send it unencoded');
      }
      const ch = String.fromCharCode(byte);
      decoded += UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
      i += 2;
    } else if (c === '\\') return new TargetError('a "\\" in the path is refused: use "/"');
    else if (c === '#') return new TargetError('a request target carries no fragment ("#")');
    else decoded += c;
  }
  const segments = decoded.split('/');
  const kept: string[] = [];
  let trailingSlash = false;
  for (let k = 1; k < segments.length; k++) {
    const s = segments[k]!;
    const last = k === segments.length - 1;
    trailingSlash = false;
    // Tomcat and Spring read `..;x` as `..` (and `.;x` as `.`): `/x/..;/admin` is /admin there.
    if (s.startsWith('..;') || s.startsWith('.;')) {
      return new TargetError('a "." or ".." segment with a ";" parameter is refused');
    }
    if (s === '' || s === '.') {
      trailingSlash = last;
      continue;
    }
    if (s === '..') {
      if (kept.length === 0) return new TargetError('the path climbs above the root with ".."');
      kept.pop();
      trailingSlash = last;
      continue;
    }
    kept.push(s);
  }
  if (kept.length === 0) return '/';
  return `/${kept.join('/')}${trailingSlash ? '/' : ''}`;
}

/**
 * A path prefix as rules compare it: canonical like a request path, lower case (the real
 * servers behind Portico are mostly IIS, which ignores case), without a trailing slash.
 * A prefix that is not a valid path is returned as written, lower-cased.
 */
export function canonicalPrefix(prefix: string): string {
  const t = canonicalTarget(prefix, undefined);
  const p = (t instanceof TargetError ? prefix : t.path).toLowerCase();
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/**
 * Does a lower-cased canonical path fall under a prefix from canonicalPrefix()? On segment
 * boundaries: `/admin` covers `/admin`, `/admin/…` and `/admin;…` (a path parameter, which
 * Tomcat and Spring strip), never `/administrator`.
 */
export function underPrefix(lowerPath: string, prefix: string): boolean {
  if (!lowerPath.startsWith(prefix)) return false;
  if (lowerPath.length === prefix.length || prefix === '/') return true;
  const next = lowerPath.charCodeAt(prefix.length);
  return next === 0x2f /* / */ || next === 0x3b; /* ; */
}
