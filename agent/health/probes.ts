/**
 * One check against one real server. Every probe settles exactly once, never rejects, and
 * leaves nothing behind: on pass, failure, timeout or abort its socket is destroyed and its
 * timer cleared. Reasons are written for the admin reading the health view, not for us.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export type ProbeResult = { ok: true; latencyMs: number } | { ok: false; reason: string };

/** The node `tls.connect` options a re-encrypting service verifies its real servers with. */
export interface TlsSettings {
  ca?: string | Buffer | Array<string | Buffer>;
  servername?: string;
  rejectUnauthorized: boolean;
}

export interface TcpProbeOptions {
  address: string;
  port: number;
  timeoutMs: number;
  /** Aborting settles the probe at once with a `check cancelled` failure. */
  signal?: AbortSignal;
}

export interface HttpProbeOptions extends TcpProbeOptions {
  method: string;
  path: string;
  /** Host header; `address:port` when omitted. */
  host?: string;
  expectStatus: readonly number[];
}

export interface HttpsProbeOptions extends HttpProbeOptions {
  tls: TlsSettings;
}

/** Enough to let a small health page finish; a server streaming more is cut off, still a pass. */
export const BODY_CAP_BYTES = 64 * 1024;

export const CANCELLED = 'check cancelled';

export function probeTcp(o: TcpProbeOptions): Promise<ProbeResult> {
  return attempt(o, (finish, began) => {
    const socket = net.connect({ host: o.address, port: o.port });
    socket.once('connect', () => finish({ ok: true, latencyMs: elapsed(began) }));
    socket.on('error', (err) => finish({ ok: false, reason: describeError(err, 'connect') }));
    return {
      teardown: () => socket.destroy(),
      timeoutReason: () => `no connection within ${o.timeoutMs} ms`,
    };
  });
}

export function probeHttp(o: HttpProbeOptions): Promise<ProbeResult> {
  return request(o, undefined);
}

export function probeHttps(o: HttpsProbeOptions): Promise<ProbeResult> {
  return request(o, o.tls);
}

/** An IPv6 literal needs brackets in a Host header. */
export function hostHeader(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

type Phase = 'connect' | 'tls' | 'answer' | 'body';

function request(o: HttpProbeOptions, tls: TlsSettings | undefined): Promise<ProbeResult> {
  return attempt(o, (finish, began) => {
    let phase: Phase = 'connect';
    let latencyMs = 0;
    const fail = (reason: string) => finish({ ok: false, reason });
    const options: https.RequestOptions = {
      host: o.address,
      port: o.port,
      method: o.method,
      path: o.path,
      headers: {
        Host: o.host ?? hostHeader(o.address, o.port),
        Connection: 'close',
        'User-Agent': 'portico-health',
      },
      // A private connection per check: a pooled socket would hide a server that stopped accepting.
      agent: false,
    };
    if (tls) {
      options.rejectUnauthorized = tls.rejectUnauthorized;
      if (tls.ca !== undefined) options.ca = tls.ca;
      // Left unset, node derives SNI from the Host header and skips it for IP literals.
      if (tls.servername !== undefined) options.servername = tls.servername;
    }
    const req = tls ? https.request(options) : http.request(options);
    req.on('socket', (socket) => {
      socket.once('connect', () => (phase = tls ? 'tls' : 'answer'));
      socket.once('secureConnect', () => (phase = 'answer'));
    });
    req.on('error', (err) => fail(describeError(err, phase)));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (!o.expectStatus.includes(status)) {
        fail(`status ${status}, expected ${o.expectStatus.join(' or ')}`);
        return;
      }
      latencyMs = elapsed(began);
      phase = 'body';
      let received = 0;
      const pass = () => finish({ ok: true, latencyMs });
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= BODY_CAP_BYTES) pass();
      });
      res.on('end', pass);
      res.on('error', (err) => fail(`response cut off: ${err.message}`));
      res.on('close', () => (res.complete ? pass() : fail('response cut off: connection closed')));
    });
    req.end();
    return {
      teardown: () => req.destroy(),
      timeoutReason: () => TIMEOUT_REASONS[phase](o.timeoutMs),
    };
  });
}

const TIMEOUT_REASONS: Record<Phase, (ms: number) => string> = {
  connect: (ms) => `no connection within ${ms} ms`,
  tls: (ms) => `TLS handshake not finished within ${ms} ms`,
  answer: (ms) => `no answer within ${ms} ms`,
  body: (ms) => `response not finished within ${ms} ms`,
};

interface Attempt {
  teardown(): void;
  timeoutReason(): string;
}

type Finish = (result: ProbeResult) => void;

/** Owns the deadline, the abort signal and the settle-once rule shared by every probe. */
function attempt(
  o: { timeoutMs: number; signal?: AbortSignal | undefined },
  start: (finish: Finish, began: number) => Attempt,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    if (o.signal?.aborted) {
      resolve({ ok: false, reason: CANCELLED });
      return;
    }
    let running: Attempt | undefined;
    let settled = false;
    const finish: Finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      running?.teardown();
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, reason: CANCELLED });
    const timer = setTimeout(
      () => finish({ ok: false, reason: running?.timeoutReason() ?? `no answer within ${o.timeoutMs} ms` }),
      o.timeoutMs,
    );
    timer.unref();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      running = start(finish, performance.now());
    } catch (err) {
      // node throws synchronously for values it cannot put on the wire (a path with a space).
      finish({ ok: false, reason: `cannot send the check: ${errorMessage(err)}` });
      return;
    }
    if (settled) running.teardown();
  });
}

function elapsed(began: number): number {
  return Math.round((performance.now() - began) * 10) / 10;
}

/** Node's errors carry the facts; this picks the words an admin can act on. */
function describeError(err: unknown, phase: Phase): string {
  const code = (err as NodeJS.ErrnoException).code;
  const text = errorMessage(err);
  const withCode = (words: string) => (code && !words.includes(code) ? `${words} (${code})` : words);
  if (phase === 'tls' || code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_')) {
    const words = withCode(`TLS: ${tlsWords(text)}`);
    return /wrong version number|packet length too long/.test(words)
      ? `${words}; the server may not speak TLS on this port`
      : words;
  }
  if (code?.startsWith('HPE_')) return withCode(`not an HTTP answer: ${text}`);
  if (phase === 'answer' && code === 'ECONNRESET') return 'connection closed without an answer';
  return withCode(text);
}

function tlsWords(message: string): string {
  // OpenSSL's own text reads "…error:0A00010B:SSL routines:<function>:<reason>:<source file>:<line>:".
  const openssl = /error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(message);
  if (openssl?.[1]) return openssl[1];
  // Node suggests a command-line flag to whoever runs node by hand; an admin of the agent cannot use it.
  return message.replace(/; if the root CA is installed locally.*$/s, '');
}

function errorMessage(err: unknown): string {
  // Happy-eyeballs connects fail with an AggregateError whose own message is empty.
  if (err instanceof AggregateError && !err.message) {
    return err.errors.map((inner) => errorMessage(inner)).join('; ') || 'connection failed';
  }
  return err instanceof Error ? err.message : String(err);
}
