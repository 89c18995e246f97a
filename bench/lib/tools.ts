/**
 * Finds the external programs the benchmark drives, and installs the missing ones from
 * Debian's packages when we are root (a fresh machine may lack them).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { runTool } from './proc.ts';

export interface Tools {
  haproxy: string;
  nginx: string;
  wrk: string;
  curl: string;
  /** The openssl command line, which makes the TLS scenarios' certificates. */
  openssl: string;
  /** Path of nginx's dynamic stream module, or null: then nginx has no L4 listener. */
  nginxStreamModule: string | null;
}

const PACKAGES: Record<string, string> = {
  haproxy: 'haproxy',
  nginx: 'nginx-light',
  wrk: 'wrk',
  curl: 'curl',
  openssl: 'openssl',
};
// h2load is not used: it resumes the TLS session whenever it reconnects a client, and the
// handshake scenarios need full handshakes (see load/tls-handshakes.ts).

// Debian's nginx-light has no stream (L4) module built in; it comes as a dynamic module.
const STREAM_MODULE_PACKAGE = 'libnginx-mod-stream';
const STREAM_MODULE_PATHS = [
  '/usr/lib/nginx/modules/ngx_stream_module.so',
  '/usr/share/nginx/modules/ngx_stream_module.so',
];

function which(name: string): string | null {
  // sbin is not always on a non-login PATH, and haproxy/nginx live there.
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = `${d}/${name}`;
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

function streamModule(): string | null {
  return STREAM_MODULE_PATHS.find((p) => existsSync(p)) ?? null;
}

async function aptInstall(pkgs: string[], log: (m: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing: ${pkgs.join(', ')}. Install them with: sudo apt-get install -y ${pkgs.join(' ')} (or run scripts/setup.sh)`,
    );
  }
  log(`installing Debian packages: ${pkgs.join(' ')}`);
  // Bounded: apt can hang on a lock or a slow mirror; 5 minutes is plenty for these packages.
  const upd = await runTool('apt-get', ['update', '-qq'], { timeoutMs: 300_000 });
  if (upd.code !== 0) log(`apt-get update failed (continuing): ${upd.stderr.trim().slice(-500)}`);
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  const r = await runTool('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    timeoutMs: 300_000,
  });
  if (r.code !== 0)
    throw new Error(`apt-get install ${pkgs.join(' ')} failed:\n${r.stderr.trim().slice(-2000)}`);
}

export async function ensureTools(log: (m: string) => void): Promise<Tools> {
  const missing = Object.keys(PACKAGES).filter((bin) => !which(bin));
  const pkgs = missing.map((bin) => PACKAGES[bin] as string);
  // The stream module is optional (only nginx's L4 column needs it), so a failure to install
  // it is reported, not fatal.
  const wantStream = !streamModule();
  if (pkgs.length > 0) await aptInstall(wantStream ? [...pkgs, STREAM_MODULE_PACKAGE] : pkgs, log);
  else if (wantStream) {
    try {
      await aptInstall([STREAM_MODULE_PACKAGE], log);
    } catch (e) {
      log(`nginx stream module unavailable, nginx L4 will be skipped: ${(e as Error).message}`);
    }
  }
  const need = (bin: string): string => {
    const p = which(bin);
    if (!p) throw new Error(`${bin} not found after installing ${PACKAGES[bin]}`);
    return p;
  };
  return {
    haproxy: need('haproxy'),
    nginx: need('nginx'),
    wrk: need('wrk'),
    curl: need('curl'),
    openssl: need('openssl'),
    nginxStreamModule: streamModule(),
  };
}

/** One-line versions of the peers and tools, recorded with the results. */
export async function toolVersions(t: Tools): Promise<Record<string, string>> {
  const first = async (cmd: string, args: string[], re: RegExp) => {
    const r = await runTool(cmd, args, { timeoutMs: 10_000 });
    const m = re.exec(r.stdout + r.stderr);
    return m ? m[1]!.trim() : 'unknown';
  };
  return {
    node: process.version,
    haproxy: await first(t.haproxy, ['-v'], /HAProxy version (\S+)/),
    nginx: await first(t.nginx, ['-v'], /nginx version: nginx\/(\S+)/),
    wrk: await first(t.wrk, ['-v'], /wrk (\S+)/),
    curl: await first(t.curl, ['--version'], /curl (\S+)/),
    // HAProxy and nginx use the system's OpenSSL, Portico and the handshake client Node's own.
    opensslSystem: await first(t.openssl, ['version'], /OpenSSL (\S+)/),
    opensslNode: process.versions.openssl,
  };
}
