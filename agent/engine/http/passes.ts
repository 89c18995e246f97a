/**
 * The request passes that run before a request is forwarded, in order. Each is a small named
 * function that returns the answer to give (a Verdict) or undefined to let the request through;
 * the caller writes the answer on a response or, for upgrades, on the raw socket.
 */
import type { ServiceRuntime } from '../service.ts';
import type { Verdict } from './respond.ts';

/** Kemp's "port 80 redirector": everything goes to the same URL over HTTPS. */
export function redirectPass(
  svc: ServiceRuntime,
  url: string,
  host: string | undefined,
): Verdict | undefined {
  const redirect = svc.config.redirect;
  if (!redirect) return undefined;
  if (!host) return { status: 400, message: 'a Host header is needed to redirect to HTTPS' };
  const name = hostWithoutPort(host);
  const port = redirect.toPort === 443 ? '' : `:${redirect.toPort}`;
  const location = `https://${name}${port}${url}`;
  return { status: redirect.status, message: `moved to ${location}`, headers: ['location', location] };
}

/** "Deny unsecure access to a URL": chosen path prefixes are refused on this service. */
export function denyPass(svc: ServiceRuntime, url: string): Verdict | undefined {
  const prefixes = svc.config.denyPaths;
  if (prefixes.length === 0) return undefined;
  const path = canonicalPath(url);
  if (path === undefined) return { status: 400, message: 'the request path is not valid percent-encoding' };
  for (const p of prefixes) {
    if (path.startsWith(p.toLowerCase())) {
      return { status: 403, message: `access to ${p} is not allowed on this service; use HTTPS` };
    }
  }
  return undefined;
}

/** Every pass in order; the first verdict wins. */
export function runPasses(svc: ServiceRuntime, url: string, host: string | undefined): Verdict | undefined {
  return redirectPass(svc, url, host) ?? denyPass(svc, url);
}

/** The path of a request target without its query. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * The path as the real server will understand it: dot segments resolved, percent-escapes
 * decoded, lower case. Matching on this closes `/%61dmin` and `/x/../admin` around a rule.
 */
export function canonicalPath(url: string): string | undefined {
  try {
    const resolved = new URL(pathOf(url).replace(/\/\/+/g, '/'), 'http://h').pathname;
    return decodeURIComponent(resolved).toLowerCase();
  } catch {
    return undefined;
  }
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
