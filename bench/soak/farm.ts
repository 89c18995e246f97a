/**
 * The soak's real servers: one nginx process per real server, so "a real server dies" is a
 * SIGKILL of exactly that process (nginx with `master_process off` is one process; there is no
 * worker left behind to keep serving). Each answers with an `X-Server` header naming itself,
 * serves a 1 KiB file, a slow 64 KiB file (rate-limited, so requests are in flight long enough
 * to be caught by a kill), a health path, and takes PUT bodies under /upload/ (nginx reads the
 * whole body before it answers, so a slow body really holds an upstream request open).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startDaemon, stopDaemon, tailFile, waitForPort, type Daemon } from '../lib/proc.ts';
import { nginxCommonMain, nginxTempPaths } from '../peers/nginx.ts';

export const FAST_PATH = '/1k.bin';
export const SLOW_PATH = '/slow/64k.bin';
export const HEALTH_PATH = '/health';
export const UPLOAD_PREFIX = '/upload/';

export interface RealServerProcess {
  name: string;
  port: number;
  daemon: Daemon;
}

export function realServerConfig(p: {
  dir: string;
  www: string;
  name: string;
  port: number;
  nofile: number;
  keepaliveS: number;
}): string {
  return `# Portico soak: real server ${p.name} (generated)
${nginxCommonMain(p.dir, p.nofile, null)}
# One process: SIGKILL of this pid is the death of the whole server.
master_process off;
events {
    worker_connections ${Math.max(1024, p.nofile - 100)};
}
http {
${nginxTempPaths(p.dir)}
    access_log off;
    default_type application/octet-stream;
    # Short enough that idle upstream connections are gone soon after a row ends, so the
    # agent's open files can be compared at rest.
    keepalive_timeout ${p.keepaliveS}s;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:${p.port} backlog=4096;
        root ${p.www};
        add_header X-Server ${p.name} always;
        location / { }
        location = ${HEALTH_PATH} { return 200 "ok\\n"; }
        # nginx sends its first buffer (32 KiB) at once and paces the rest: ~0.5 s per 64 KiB
        # response, in flight long enough for a kill to catch some.
        location /slow/ { limit_rate 64k; }
        location ${UPLOAD_PREFIX} {
            dav_methods PUT;
            create_full_put_path on;
            client_max_body_size 4m;
            # Between two reads: a slow body sending a byte every few seconds stays open.
            client_body_timeout 120s;
        }
    }
}
`;
}

export class Farm {
  readonly servers = new Map<string, RealServerProcess>();
  private readonly dir: string;
  private readonly nginx: string;
  private readonly nofile: number;
  private readonly keepaliveS: number;

  constructor(o: { dir: string; nginx: string; nofile: number; keepaliveS: number }) {
    this.dir = o.dir;
    this.nginx = o.nginx;
    this.nofile = o.nofile;
    this.keepaliveS = o.keepaliveS;
  }

  async start(name: string, port: number): Promise<RealServerProcess> {
    const dir = path.join(this.dir, name);
    const www = path.join(dir, 'www');
    mkdirSync(path.join(www, 'slow'), { recursive: true });
    // nginx may serve and write as an unprivileged user: let it.
    mkdirSync(path.join(www, 'upload'), { recursive: true });
    chmodSync(path.join(www, 'upload'), 0o777);
    writeFileSync(path.join(www, '1k.bin'), Buffer.alloc(1024, 'x'));
    writeFileSync(path.join(www, 'slow', '64k.bin'), Buffer.alloc(64 * 1024, 'y'));
    const conf = path.join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      realServerConfig({ dir, www, name, port, nofile: this.nofile, keepaliveS: this.keepaliveS }),
    );
    const d = startDaemon(`rs-${name}`, this.nginx, ['-p', dir, '-e', `${dir}/error.log`, '-c', conf], {
      logDir: dir,
    });
    try {
      await waitForPort(d, '127.0.0.1', port, 10_000);
    } catch (e) {
      await stopDaemon(d);
      throw new Error(`${(e as Error).message}\n${tailFile(`${dir}/error.log`)}${tailFile(d.stderrPath)}`, {
        cause: e,
      });
    }
    const rs = { name, port, daemon: d };
    this.servers.set(name, rs);
    return rs;
  }

  get(name: string): RealServerProcess {
    const rs = this.servers.get(name);
    if (!rs) throw new Error(`no real server ${name}`);
    return rs;
  }

  /** SIGKILL: the server dies with whatever it had in flight. Resolves once it has exited. */
  async kill(name: string): Promise<void> {
    const rs = this.get(name);
    process.kill(rs.daemon.pid, 'SIGKILL');
    await rs.daemon.exited;
  }

  /** Starts a killed server again on its port. */
  async revive(name: string): Promise<void> {
    const rs = this.get(name);
    if (rs.daemon.exitInfo() === null) return;
    await this.start(name, rs.port);
  }

  async stopAll(): Promise<void> {
    for (const rs of this.servers.values()) await stopDaemon(rs.daemon, 2000);
  }
}
