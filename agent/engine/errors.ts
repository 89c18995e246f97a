/**
 * Why a request could not be served, as stable codes: logs, stats and the response all speak
 * of the same names. Each maps to the status the client sees.
 */
export const ProxyErrorCode = {
  /** No real server is up, enabled and under its limit. */
  NO_SERVER: 'NO_SERVER',
  /** Every real server tried refused or failed the connection. */
  CONNECT_FAILED: 'CONNECT_FAILED',
  /** Connecting to the real server took longer than timeouts.connectMs. */
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  /** The real server did not start its response within timeouts.serverMs. */
  RESPONSE_TIMEOUT: 'RESPONSE_TIMEOUT',
  /** The real server closed or reset the connection before a complete response. */
  UPSTREAM_RESET: 'UPSTREAM_RESET',
  /** TLS to the real server failed (handshake, verification). */
  UPSTREAM_TLS: 'UPSTREAM_TLS',
  /** The real server sent something that is not valid HTTP. */
  UPSTREAM_PROTOCOL: 'UPSTREAM_PROTOCOL',
} as const;
export type ProxyErrorCode = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

export const STATUS_FOR: Record<ProxyErrorCode, number> = {
  NO_SERVER: 503,
  CONNECT_FAILED: 502,
  CONNECT_TIMEOUT: 504,
  RESPONSE_TIMEOUT: 504,
  UPSTREAM_RESET: 502,
  UPSTREAM_TLS: 502,
  UPSTREAM_PROTOCOL: 502,
};

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** An error the engine raises itself, carrying its code. */
export function proxyError(code: ProxyErrorCode, message: string): Error & { code: ProxyErrorCode } {
  return Object.assign(new Error(message), { code });
}

/** Classifies an error of the upstream client, a socket or TLS into one of our codes. */
export function classify(err: unknown): ProxyErrorCode {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (Object.hasOwn(STATUS_FOR, code)) return code as ProxyErrorCode;
  if (code === 'ETIMEDOUT') return 'CONNECT_TIMEOUT';
  if (CONNECT_CODES.has(code)) return 'CONNECT_FAILED';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO/.test(code))
    return 'UPSTREAM_TLS';
  if (code.startsWith('HPE_')) return 'UPSTREAM_PROTOCOL';
  return 'UPSTREAM_RESET';
}

/** Errors after which the request certainly never reached the server, so another may take it. */
export function isConnectFailure(code: ProxyErrorCode): boolean {
  return code === 'CONNECT_FAILED' || code === 'CONNECT_TIMEOUT' || code === 'UPSTREAM_TLS';
}
