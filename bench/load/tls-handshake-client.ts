/**
 * Full-handshake load client, run as its own process by tls-handshakes.ts (so its CPU is not
 * the bench's): `node bench/load/tls-handshake-client.ts '<json HandshakeClientOptions>'`.
 *
 * Closed loop: `connections` slots, each connects, completes a full TLS handshake, sends one
 * GET with `Connection: close`, reads the response until the server closes, and starts over.
 * Never resumes: every connection is a fresh tls.connect with no `session` option, the shared
 * client context has no session cache of its own (Node's contexts use no internal OpenSSL
 * cache), and tickets the server sends are never stored. Every connection is checked with
 * isSessionReused(); a resumed one is counted and the caller rejects the run.
 *
 * Prints one JSON line (HandshakeClientResult) on stdout. Bounded by `seconds` plus a
 * per-connection timeout.
 */
import tls from 'node:tls';

/** Key-exchange groups offered, in order (OpenSSL names). */
export const GROUPS = 'X25519:P-256:P-384';

export interface HandshakeClientOptions {
  host: string;
  port: number;
  /** SNI sent (and Host header); the servers' certificates are for this name. */
  servername: string;
  path: string;
  connections: number;
  seconds: number;
}

export interface HandshakeClientResult {
  /** Connections that completed a full handshake and got a 200 response. */
  handshakes: number;
  failed: number;
  /** Connections the server resumed: must be 0 (nothing is ever offered to resume). */
  resumed: number;
  /** From the first connect to the end of the last connection (none start after `seconds`). */
  seconds: number;
  /** CPU seconds (user + system) of this client process over the run. */
  clientCpuS: number;
  /** What was negotiated on the first connection, to show every server did the same work. */
  protocol: string;
  cipher: string;
  group: string;
  /** NewSessionTicket messages per connection, counted on the first SAMPLE connections. */
  ticketsPerConn: number;
  firstError: string;
}

/** Connections on which tickets are counted ('session' listeners cost a little per ticket). */
const SAMPLE = 20;
const CONNECTION_TIMEOUT_MS = 10_000;

async function run(o: HandshakeClientOptions): Promise<HandshakeClientResult> {
  // The key exchange every peer can do: X25519, as the OpenSSL 3.0 clients (wrk, s_client) offer
  // first. Node's OpenSSL 3.5 otherwise offers the hybrid X25519MLKEM768 first, which Portico
  // (same OpenSSL) accepts and HAProxy and nginx (3.0) cannot: Portico alone then paid for
  // ML-KEM (Keccak, NTT in its profile) in every handshake.
  const context = tls.createSecureContext({ minVersion: 'TLSv1.2', ecdhCurve: GROUPS });
  const request = Buffer.from(
    `GET ${o.path} HTTP/1.1\r\nHost: ${o.servername}\r\nUser-Agent: portico-bench\r\nConnection: close\r\n\r\n`,
    'latin1',
  );
  const r: HandshakeClientResult = {
    handshakes: 0,
    failed: 0,
    resumed: 0,
    seconds: 0,
    clientCpuS: 0,
    protocol: '',
    cipher: '',
    group: '',
    ticketsPerConn: NaN,
    firstError: '',
  };
  let started = 0;
  let sampled = 0;
  let tickets = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;

  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const n = started++;
      let head = '';
      let settled = false;
      const s = tls.connect({
        host: o.host,
        port: o.port,
        servername: o.servername,
        secureContext: context,
        // The load, not the PKI, is under test: no chain verification on the client (h2load and
        // wrk do not verify either). The server still proves its key (CertificateVerify).
        rejectUnauthorized: false,
      });
      if (n < SAMPLE) {
        sampled++;
        s.on('session', () => tickets++);
      }
      const timer = setTimeout(() => finish(false, 'timed out'), CONNECTION_TIMEOUT_MS);
      function finish(ok: boolean, why: string): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        s.destroy();
        if (ok) r.handshakes++;
        else {
          r.failed++;
          if (!r.firstError) r.firstError = why;
        }
        resolve();
      }
      s.once('secureConnect', () => {
        if (s.isSessionReused()) r.resumed++;
        if (!r.protocol) {
          r.protocol = s.getProtocol() ?? '';
          r.cipher = s.getCipher()?.standardName ?? '';
          const k = s.getEphemeralKeyInfo();
          r.group = k && 'name' in k ? String(k.name) : '';
        }
        s.write(request);
      });
      s.on('data', (d: Buffer) => {
        if (head.length < 12) head += d.toString('latin1', 0, 12);
      });
      // The server closes after its response (Connection: close).
      s.once('end', () =>
        finish(head.startsWith('HTTP/1.1 200'), `response began ${JSON.stringify(head.slice(0, 12))}`),
      );
      s.once('error', (e) => finish(false, e.message));
    });

  const slot = async (): Promise<void> => {
    // Bounded by the clock: each pass is one connection, none start after `end`.
    while (performance.now() < end) await one();
  };
  await Promise.all(Array.from({ length: o.connections }, slot));
  // Connections started just before `end` finish after it: counted, and so is their time.
  r.seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  r.clientCpuS = (cpu.user + cpu.system) / 1e6;
  r.ticketsPerConn = sampled > 0 ? tickets / sampled : NaN;
  return r;
}

const arg = process.argv[2];
if (!arg) {
  process.stderr.write("usage: node bench/load/tls-handshake-client.ts '<json options>'\n");
  process.exit(2);
}
run(JSON.parse(arg) as HandshakeClientOptions).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
