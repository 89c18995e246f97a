/**
 * keepalived as the agent's child: in the foreground (-n), VRRP only (-P), logging to its
 * stdout (-l, no syslog), with its own pid files in `<data-dir>/ha/`. It is started through
 * `setpriv --pdeathsig TERM`, so the kernel sends it SIGTERM when the agent dies, even by
 * SIGKILL: keepalived then sends a priority-0 advertisement and removes the virtual IPs, and
 * the other member takes over at once. A keepalived left running by an earlier agent (no
 * setpriv) is found through its pid file and stopped before a new one starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { HaBinaries } from './binaries.ts';
import type { HaPaths } from './paths.ts';

export interface KeepalivedOptions {
  binaries: HaBinaries;
  paths: HaPaths;
  log: Logger;
  /** keepalived exited without being asked to; `why` names the code or signal and its last words. */
  onExit(why: string): void;
}

const KEEP_LINES = 20;

export class KeepalivedProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private exitedWith: string | undefined;
  private stopping = false;
  /** keepalived's last log lines, for the reason when it exits. */
  private readonly tail: string[] = [];

  private constructor(child: ChildProcess, opts: KeepalivedOptions) {
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitedWith = signal ? `signal ${signal}` : `code ${code}`;
        resolve();
        if (!this.stopping)
          opts.onExit(`keepalived exited (${this.exitedWith}): ${this.tail.slice(-3).join(' | ')}`);
      });
    });
    const keep = (line: string) => {
      this.tail.push(line);
      if (this.tail.length > KEEP_LINES) this.tail.shift();
      opts.log.debug({ keepalived: line }, 'keepalived');
    };
    // keepalived prefixes each line with the date; the agent's log has its own.
    const strip = (line: string) => line.replace(/^\w{3} \w{3} +\d+ [\d:]+ \d{4}: /, '');
    createInterface({ input: child.stdout! }).on('line', (l) => keep(strip(l)));
    createInterface({ input: child.stderr! }).on('line', (l) => keep(strip(l)));
  }

  static async start(opts: KeepalivedOptions): Promise<KeepalivedProcess> {
    const { binaries, paths } = opts;
    await stopStale(paths, opts.log);
    const args = [
      '-n',
      '-l',
      '-G',
      '-P',
      '-f',
      paths.conf,
      '-p',
      paths.pid,
      '-r',
      paths.vrrpPid,
      '-c',
      paths.checkersPid,
      '-b',
      paths.bfdPid,
    ];
    const [command, argv] = binaries.setpriv
      ? [binaries.setpriv, ['--pdeathsig', 'TERM', '--', binaries.keepalived, ...args]]
      : [binaries.keepalived, args];
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new KeepalivedProcess(child, opts);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) => reject(new Error(`cannot start keepalived: ${err.message}`)));
    });
    return proc;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  alive(): boolean {
    return this.exitedWith === undefined;
  }

  /** Re-reads keepalived.conf (SIGHUP): instances that stay keep their state. */
  reload(): void {
    if (this.alive()) this.child.kill('SIGHUP');
  }

  /** SIGTERM: keepalived gives up the virtual IPs (priority 0) and exits; SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    if (!this.alive()) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    const done = await Promise.race([this.exited.then(() => true), late]);
    clearTimeout(timer);
    if (!done) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Stops a keepalived an earlier agent on this data dir left running (its pid file names it). */
async function stopStale(paths: HaPaths, log: Logger): Promise<void> {
  const pid = Number((await readFile(paths.pid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  // Only a keepalived that runs our file: a reused pid belongs to someone else.
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('keepalived') || !cmdline.includes(paths.conf)) return;
  log.warn({ pid }, 'stopping a keepalived an earlier agent left running');
  const gone = async (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };
  try {
    process.kill(pid, 'SIGTERM');
    if (!(await gone(5_000))) process.kill(pid, 'SIGKILL');
    await gone(2_000);
  } catch {
    // already gone
  }
}
