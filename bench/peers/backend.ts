/**
 * The back end every peer forwards to: one nginx worker serving a 1 KiB body (keep-alive) and
 * a large sparse file for the stream test, on plain HTTP and, for re-encrypt, on a TLS port
 * with a certificate from the internal CA. Run in the foreground as our child process.
 */
import { closeSync, mkdirSync, openSync, readSync, truncateSync, writeFileSync } from 'node:fs';
import { startDaemon, stopDaemon, tailFile, waitForPort } from '../lib/proc.ts';
import { LOOPBACK, type BenchPki, type HostPort, type RunningPeer } from './types.ts';
import type { Tools } from '../lib/tools.ts';
import { nginxCommonMain, nginxTempPaths } from './nginx.ts';

export const SMALL_PATH = '/1k.bin';
export const SMALL_BYTES = 1024;
export const BIG_PATH = '/big.bin';

export interface BackendParams {
  dir: string;
  wwwDir: string;
  port: number;
  /** Open-files limit the worker may use (our hard limit). */
  nofile: number;
  /** A TLS listener too (the re-encrypt back end): its port and certificate. */
  tls?: { port: number; cert: { key: string; chain: string } };
}

function tlsServer(p: BackendParams): string {
  if (!p.tls) return '';
  return `
    server {
        listen ${LOOPBACK}:${p.tls.port} ssl backlog=4096;
        ssl_certificate ${p.tls.cert.chain};
        ssl_certificate_key ${p.tls.cert.key};
        ssl_protocols TLSv1.2 TLSv1.3;
        root ${p.wwwDir};
        location / { }
    }`;
}

export function backendNginxConfig(p: BackendParams): string {
  return `# Portico bench: back end (generated)
${nginxCommonMain(p.dir, p.nofile, null)}
events {
    worker_connections ${Math.max(1024, p.nofile - 100)};
}
http {
${nginxTempPaths(p.dir)}
    access_log off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    # Keep connections from the proxies open for the whole run.
    keepalive_timeout 300s;
    keepalive_requests 10000000;
    # No open()/stat() per request for the 1 KiB file.
    open_file_cache max=16 inactive=600s;
    open_file_cache_valid 600s;
    server {
        listen ${LOOPBACK}:${p.port} backlog=4096;
        root ${p.wwwDir};
        location / { }
    }${tlsServer(p)}
}
`;
}

/**
 * Reads the file so its pages are cached. Without this, whichever target streams it first
 * pays for filling the page cache (measured: 350 vs 1,600 MiB/s).
 */
function warmPageCache(file: string, bytes: number): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    // Bounded by the file size; stops early at end of file.
    for (let pos = 0; pos < bytes;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

export interface Backend {
  addr: HostPort;
  /** The TLS listener, when it was asked for. */
  tlsAddr: HostPort | null;
  bigBytes: number;
  /**
   * Reads the big file again so it is in the page cache for the next stream. The kernel may
   * reclaim cold cache between scenarios (this machine runs DAMON reclaim): measured, the first
   * stream after a few idle minutes ran at 320 MiB/s against 1,700 when cached.
   */
  warmBigFile(): void;
  peer: RunningPeer;
}

export async function startBackend(opts: {
  tools: Tools;
  dir: string;
  logDir: string;
  port: number;
  nofile: number;
  bigBytes: number;
  tls?: { port: number; pki: BenchPki };
}): Promise<Backend> {
  const wwwDir = `${opts.dir}/www`;
  mkdirSync(wwwDir, { recursive: true });
  writeFileSync(`${wwwDir}${SMALL_PATH}`, Buffer.alloc(SMALL_BYTES, 'x'));
  // Sparse: no disk space used, reads come from the zero page. Every proxy streams the same
  // file through the same client, so this measures the proxies, not the disk.
  writeFileSync(`${wwwDir}${BIG_PATH}`, '');
  truncateSync(`${wwwDir}${BIG_PATH}`, opts.bigBytes);
  warmPageCache(`${wwwDir}${BIG_PATH}`, opts.bigBytes);
  const conf = `${opts.dir}/nginx.conf`;
  const tls = opts.tls ? { port: opts.tls.port, cert: opts.tls.pki.backend } : undefined;
  writeFileSync(
    conf,
    backendNginxConfig({
      dir: opts.dir,
      wwwDir,
      port: opts.port,
      nofile: opts.nofile,
      ...(tls ? { tls } : {}),
    }),
  );
  const d = startDaemon(
    'backend-nginx',
    opts.tools.nginx,
    ['-p', opts.dir, '-e', `${opts.dir}/error.log`, '-c', conf],
    {
      logDir: opts.logDir,
    },
  );
  try {
    await waitForPort(d, LOOPBACK, opts.port, 10_000);
    if (tls) await waitForPort(d, LOOPBACK, tls.port, 10_000);
  } catch (e) {
    await stopDaemon(d);
    throw new Error(
      `${(e as Error).message}\n${tailFile(`${opts.dir}/error.log`)}${tailFile(d.stderrPath)}`,
      { cause: e },
    );
  }
  const addr = { host: LOOPBACK, port: opts.port };
  return {
    addr,
    tlsAddr: tls ? { host: LOOPBACK, port: tls.port } : null,
    bigBytes: opts.bigBytes,
    warmBigFile: () => warmPageCache(`${wwwDir}${BIG_PATH}`, opts.bigBytes),
    peer: {
      id: 'direct',
      label: 'direct',
      pid: null, // the back end is not a proxy: no CPU/memory columns for it
      endpoints: { http: addr, tcp: addr },
      notes: [],
      alive: () => d.exitInfo() === null,
      logs: [`${opts.dir}/error.log`, d.stderrPath],
      stop: () => stopDaemon(d),
    },
  };
}
