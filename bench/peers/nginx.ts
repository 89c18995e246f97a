/**
 * nginx as a proxy: one worker, upstream keep-alive pool; L4 through the stream module; TLS
 * offload with tickets and the session cache off, re-encrypt with a verified, kept-alive
 * upstream.
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

/** Main-context lines shared by the back end and the proxy. */
export function nginxCommonMain(dir: string, nofile: number, streamModule: string | null): string {
  return [
    // load_module must come before everything else.
    streamModule ? `load_module ${streamModule};` : '',
    // Foreground child of the bench, so we can stop it by PID and it dies with us.
    'daemon off;',
    'worker_processes 1;',
    `worker_rlimit_nofile ${nofile};`,
    `error_log ${dir}/error.log warn;`,
    `pid ${dir}/nginx.pid;`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Debian compiles absolute temp paths under /var/lib/nginx: keep everything in our dir. */
export function nginxTempPaths(dir: string): string {
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((k) => `    ${k}_temp_path ${dir}/${k}_temp;`)
    .join('\n');
}

export interface NginxProxyParams {
  dir: string;
  nofile: number;
  streamModule: string | null;
  backendPort: number;
  httpPort: number;
  tcpPort: number;
  /** TLS listeners to open; their certificates and the back end's TLS port. */
  tls?: { ports: TlsPorts; pki: BenchPki; backendTlsPort: number | null };
}

/** Same upstream settings for plain HTTP and re-encrypt. */
const PROXY_COMMON = `            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 5s;
            proxy_read_timeout 300s;`;

function tlsServers(t: NonNullable<NginxProxyParams['tls']>): string {
  const out: string[] = [];
  if (t.ports['https-reencrypt']) {
    if (t.backendTlsPort === null) throw new Error('https-reencrypt needs the back end TLS port');
    out.push(`
    upstream backend_https {
        server ${LOOPBACK}:${t.backendTlsPort};
        keepalive 64;
        keepalive_requests 10000000;
        keepalive_timeout 300s;
    }`);
  }
  for (const { kind, port } of tlsListeners(t.ports)) {
    const cert = kind === 'https-ecdsa' ? t.pki.ecdsa : t.pki.rsa;
    const upstream =
      kind === 'https-reencrypt'
        ? `            proxy_pass https://backend_https;
            # Verify the back end against the internal CA, by the name on its certificate.
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate ${t.pki.internalCa};
            proxy_ssl_name ${BACKEND_TLS_NAME};
            proxy_ssl_server_name on;
            proxy_ssl_protocols TLSv1.2 TLSv1.3;
            proxy_ssl_session_reuse on;`
        : `            proxy_pass http://backend_http;`;
    out.push(`
    server {
        listen ${LOOPBACK}:${port} ssl backlog=4096;
        ssl_certificate ${cert.chain};
        ssl_certificate_key ${cert.key};
        # nginx 1.22 offers TLS 1.3 only when asked.
        ssl_protocols TLSv1.2 TLSv1.3;
        # Nothing a client could resume with: every handshake is a full one.
        ssl_session_tickets off;
        ssl_session_cache off;
        location / {
${upstream}
${PROXY_COMMON}
        }
    }`);
  }
  return out.join('\n');
}

export function nginxProxyConfig(p: NginxProxyParams): string {
  const stream = p.streamModule
    ? `
stream {
    upstream backend_tcp {
        server ${LOOPBACK}:${p.backendPort};
    }
    server {
        listen ${LOOPBACK}:${p.tcpPort} backlog=4096;
        proxy_pass backend_tcp;
        proxy_connect_timeout 5s;
        proxy_timeout 300s;
    }
}
`
    : '';
  return `# Portico bench: nginx as proxy (generated)
${nginxCommonMain(p.dir, p.nofile, p.streamModule)}
events {
    # Each client connection may hold an upstream one too.
    worker_connections ${Math.max(1024, p.nofile - 100)};
}
http {
${nginxTempPaths(p.dir)}
    access_log off;
    tcp_nodelay on;
    # Generous client keep-alive: the memory test holds 10,000 idle connections.
    keepalive_timeout 300s;
    keepalive_requests 10000000;
    upstream backend_http {
        server ${LOOPBACK}:${p.backendPort};
        keepalive 64;
        keepalive_requests 10000000;
        keepalive_timeout 300s;
    }
    server {
        listen ${LOOPBACK}:${p.httpPort} backlog=4096;
        location / {
            proxy_pass http://backend_http;
${PROXY_COMMON}
        }
    }${p.tls ? tlsServers(p.tls) : ''}
}
${stream}`;
}

export const nginxPeer: PeerDef = {
  id: 'nginx',
  label: 'nginx',
  async start(env: PeerEnv): Promise<RunningPeer> {
    const conf = `${env.dir}/nginx.conf`;
    const streamModule = env.tools.nginxStreamModule;
    writeFileSync(
      conf,
      nginxProxyConfig({
        dir: env.dir,
        nofile: env.nofile,
        streamModule,
        backendPort: env.backend.port,
        httpPort: env.ports.http,
        tcpPort: env.ports.tcp,
        ...(env.pki
          ? { tls: { ports: env.ports, pki: env.pki, backendTlsPort: env.backendTls?.port ?? null } }
          : {}),
      }),
    );
    const tls = tlsListeners(env.ports);
    const d = startDaemon(
      'nginx-proxy',
      env.tools.nginx,
      ['-p', env.dir, '-e', `${env.dir}/error.log`, '-c', conf],
      {
        logDir: env.logDir,
      },
    );
    try {
      await waitForPort(d, LOOPBACK, env.ports.http, 10_000);
      if (streamModule) await waitForPort(d, LOOPBACK, env.ports.tcp, 10_000);
      for (const l of tls) await waitForPort(d, LOOPBACK, l.port, 10_000);
    } catch (e) {
      await stopDaemon(d);
      throw new Error(
        `${(e as Error).message}\n${tailFile(`${env.dir}/error.log`)}${tailFile(d.stderrPath)}`,
        { cause: e },
      );
    }
    return daemonPeer({
      id: 'nginx',
      label: 'nginx',
      daemon: d,
      env,
      tcp: streamModule !== null,
      logs: [`${env.dir}/error.log`, d.stderrPath],
      notes: streamModule
        ? []
        : ['no L4 listener: nginx stream module (libnginx-mod-stream) is not installed'],
    });
  },
};
