/** The Host header: what a valid one looks like, and the forms rules compare. */

/**
 * A reg-name (RFC 3986 §3.2.2: unreserved, sub-delims, escapes) or a bracketed IPv6 literal,
 * with an optional port. Anything else — spaces, a slash, a second colon, an empty value — is
 * not a host any real server could be meant by; nginx refuses it with 400 as well.
 */
const VALID_HOST = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=%]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

export function isValidHost(host: string): boolean {
  return VALID_HOST.test(host);
}

/** The host without its port, as the client wrote it. */
export function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** Lower case, without a port and without a trailing dot: how host rules compare names. */
export function normaliseHost(host: string): string {
  const h = hostWithoutPort(host).toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}
