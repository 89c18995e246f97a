/**
 * TLS scenarios: full handshakes per second (RSA 2048, ECDSA P-256) and keep-alive requests
 * per second over TLS, offloaded (plain HTTP to the back end) and re-encrypted (TLS to the
 * back end, verified, over kept-alive upstream connections).
 */
import { rssMB } from '../lib/procfs.ts';
import { runHandshakes } from '../load/tls-handshakes.ts';
import { SMALL_PATH } from '../peers/backend.ts';
import { TLS_SERVER_NAME, type TlsKind } from '../peers/types.ts';
import { KEEP_ALIVE_METRICS, keepAliveLoad, withCpu } from './common.ts';
import type { MetricSpec, Scenario } from './types.ts';

/** Memory the proxy holds after each TLS run: TLS state is what grows it (Portico's did). */
const RSS_AFTER: MetricSpec = {
  key: 'rssAfterMB',
  label: 'RSS after the run',
  unit: 'MB',
  better: 'lower',
  digits: 1,
  proxyOnly: true,
};

function handshakes(id: string, title: string, needs: TlsKind, cert: string): Scenario {
  return {
    id,
    title,
    needs,
    includeDirect: false,
    metrics: [
      { key: 'hsps', label: 'full handshakes/s (1 request each)', unit: 'hs/s', better: 'higher', digits: 0 },
      // What one core of the proxy does, whatever the client managed: on 2 cores the client
      // costs about as much per handshake as the proxy, so handshakes/s is shared-limited.
      {
        key: 'hsPerCpuS',
        label: 'handshakes per proxy CPU-second',
        unit: 'hs/CPU-s',
        better: 'higher',
        digits: 0,
        proxyOnly: true,
      },
      // ~1.0 = the one-thread proxy was the limit; lower = the client (or the machine) was.
      {
        key: 'busyCores',
        label: 'proxy CPU busy',
        unit: 'cores',
        better: 'neither',
        digits: 2,
        proxyOnly: true,
      },
      // The client's own cost (the same client for every server), to read the figures above.
      {
        key: 'clientCpuMsPerHs',
        label: 'client CPU per handshake',
        unit: 'CPU-ms',
        better: 'neither',
        digits: 3,
      },
      RSS_AFTER,
    ],
    describe: (o) =>
      `${cert} certificate; bench's Node TLS client (bench/load/tls-handshake-client.ts), ` +
      `${o.handshakeConnections} connections in a closed loop for ${o.tlsSeconds} s, each: full handshake ` +
      `(never offers a session or ticket), GET ${SMALL_PATH} with Connection: close; ` +
      `HAProxy and nginx also have tickets and session cache off`,
    async run(ctx, peer, at) {
      const { result: h, cpuS } = await withCpu(peer, () =>
        runHandshakes(at, {
          connections: ctx.opts.handshakeConnections,
          seconds: ctx.opts.tlsSeconds,
          path: SMALL_PATH,
          servername: TLS_SERVER_NAME,
        }),
      );
      return {
        hsps: h.rate,
        hsPerCpuS: cpuS > 0 ? h.handshakes / cpuS : NaN,
        cpuMsPerHs: (cpuS / h.handshakes) * 1000,
        busyCores: cpuS / h.seconds,
        clientCpuMsPerHs: (h.clientCpuS / h.handshakes) * 1000,
        handshakes: h.handshakes,
        errors: h.failed,
        ticketsPerConn: h.ticketsPerConn,
        tls13: h.protocol === 'TLSv1.3' ? 1 : 0,
        rssAfterMB: peer.pid === null ? NaN : rssMB(peer.pid),
        cpuS,
      };
    },
  };
}

function keepAlive(id: string, title: string, needs: TlsKind, what: string): Scenario {
  return {
    id,
    title,
    needs,
    includeDirect: false,
    metrics: [...KEEP_ALIVE_METRICS, RSS_AFTER],
    describe: (o) =>
      `wrk -t1 -c50 -d${o.tlsSeconds}s --latency https://…${SMALL_PATH} (1 KiB), keep-alive; ${what}`,
    async run(ctx, peer, at) {
      const load = await keepAliveLoad(ctx, peer, at, ctx.opts.tlsSeconds, 'https');
      return { ...load, rssAfterMB: peer.pid === null ? NaN : rssMB(peer.pid) };
    },
  };
}

export const tlsHandshakeRsa = handshakes('tls-hs-rsa', 'TLS full handshakes, RSA', 'https-rsa', 'RSA 2048');
export const tlsHandshakeEcdsa = handshakes(
  'tls-hs-ecdsa',
  'TLS full handshakes, ECDSA',
  'https-ecdsa',
  'ECDSA P-256',
);
export const tlsOffloadKeepAlive = keepAlive(
  'tls-offload-ka',
  'TLS offload keep-alive',
  'https-rsa',
  'RSA 2048 certificate, plain HTTP to the back end',
);
export const tlsReencryptKeepAlive = keepAlive(
  'tls-reencrypt-ka',
  'TLS re-encrypt keep-alive',
  'https-reencrypt',
  'RSA 2048 certificate, TLS to the back end (verified against an internal CA, kept-alive upstream)',
);
