/**
 * HAProxy: one thread, server-side connection reuse, mode http for L7 and mode tcp for L4;
 * TLS offload with tickets and the session cache off (full handshakes only), re-encrypt to
 * the back end verified against the internal CA.
 */
import { writeFileSync } from 'node:fs';
import { startDaemon, stopDaemon, tailFile, waitForPort } from '../lib/proc.ts';
import {
  BACKEND_TLS_NAME,
  LOOPBACK,
  tlsListeners,
  type BenchPki,
  type PeerDef,
  type PeerEnv,
  type RunningPeer,
  type TlsPorts,
} from './types.ts';
import { daemonPeer } from './daemon-peer.ts';

export interface HaproxyParams {
  maxconn: number;
  backendPort: number;
  httpPort: number;
  tcpPort: number;
  /** TLS listeners to open; their certificates and the back end's TLS port. */
  tls?: { ports: TlsPorts; pki: BenchPki; backendTlsPort: number | null };
}

function tlsSections(t: NonNullable<HaproxyParams['tls']>): string {
  const out: string[] = [];
  for (const { kind, port } of tlsListeners(t.ports)) {
    const cert = kind === 'https-ecdsa' ? t.pki.ecdsa.combined : t.pki.rsa.combined;
    out.push(`
frontend ${kind.replace('-', '_')}
    mode http
    # no-tls-tickets + tune.ssl.cachesize 0 (global): nothing a client could resume with.
    bind ${LOOPBACK}:${port} ssl crt ${cert} ssl-min-ver TLSv1.2 no-tls-tickets
    default_backend ${kind === 'https-reencrypt' ? 'be_https' : 'be_http'}
`);
  }
  if (t.ports['https-reencrypt']) {
    if (t.backendTlsPort === null) throw new Error('https-reencrypt needs the back end TLS port');
    out.push(`
backend be_https
    mode http
    http-reuse always
    # The back end's certificate must chain to the internal CA and carry the SNI name.
    server b1 ${LOOPBACK}:${t.backendTlsPort} ssl verify required ca-file ${t.pki.internalCa} sni str(${BACKEND_TLS_NAME}) ssl-min-ver TLSv1.2
`);
  }
  return out.join('');
}

export function haproxyConfig(p: HaproxyParams): string {
  return `# Portico bench: HAProxy (generated)
global
    # One thread, like one nginx worker and one Node process.
    nbthread 1
    maxconn ${p.maxconn}
    # HAProxy wants about 2 × maxconn FDs and by default refuses to start when the hard
    # limit is lower (a container): then run with a warning. 10,000 idle clients return
    # their server connections to the reuse pool, so real use stays well below the limit.
    no strict-limits
    # No TLS session cache: with no-tls-tickets on the binds, every handshake is a full one.
    tune.ssl.cachesize 0

defaults
    maxconn ${p.maxconn}
    timeout connect 5s
    # Generous: the memory test holds 10,000 idle keep-alive connections for a while.
    timeout client 300s
    timeout server 300s
    timeout http-request 30s
    timeout http-keep-alive 300s

frontend l7
    mode http
    bind ${LOOPBACK}:${p.httpPort}
    default_backend be_http

backend be_http
    mode http
    # Without this HAProxy opens a server connection per client connection, which is not
    # what the other peers do (upstream keep-alive pools).
    http-reuse always
    server b1 ${LOOPBACK}:${p.backendPort}

frontend l4
    mode tcp
    bind ${LOOPBACK}:${p.tcpPort}
    default_backend be_tcp

backend be_tcp
    mode tcp
    server b1 ${LOOPBACK}:${p.backendPort}
${p.tls ? tlsSections(p.tls) : ''}`;
}

export const haproxyPeer: PeerDef = {
  id: 'haproxy',
  label: 'HAProxy',
  async start(env: PeerEnv): Promise<RunningPeer> {
    const conf = `${env.dir}/haproxy.cfg`;
    // 10,000 idle clients need maxconn above 10,000 (see `no strict-limits`).
    const maxconn = Math.max(12_000, env.nofile - 1000);
    writeFileSync(
      conf,
      haproxyConfig({
        maxconn,
        backendPort: env.backend.port,
        httpPort: env.ports.http,
        tcpPort: env.ports.tcp,
        ...(env.pki
          ? { tls: { ports: env.ports, pki: env.pki, backendTlsPort: env.backendTls?.port ?? null } }
          : {}),
      }),
    );
    const tls = tlsListeners(env.ports);
    // -db: stay in the foreground (our child, stopped by PID).
    const d = startDaemon('haproxy', env.tools.haproxy, ['-db', '-f', conf], { logDir: env.logDir });
    try {
      await waitForPort(d, LOOPBACK, env.ports.http, 10_000);
      await waitForPort(d, LOOPBACK, env.ports.tcp, 10_000);
      for (const l of tls) await waitForPort(d, LOOPBACK, l.port, 10_000);
    } catch (e) {
      await stopDaemon(d);
      throw new Error(`${(e as Error).message}\n${tailFile(d.stderrPath)}`, { cause: e });
    }
    return daemonPeer({
      id: 'haproxy',
      label: 'HAProxy',
      daemon: d,
      env,
      logs: [d.stderrPath],
    });
  },
};
