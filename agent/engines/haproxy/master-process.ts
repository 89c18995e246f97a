/**
 * HAProxy as the agent's child, in master-worker mode (`-W`): the master re-reads the config
 * on `reload` (its CLI socket, `-S`, 0600 in the data dir), forks a new worker that takes the
 * listening sockets over from the old one (`expose-fd listeners` on the runtime socket, passed
 * with `-x` by the master) and lets the old worker finish its requests. A reload the master
 * cannot load (a port taken, a file gone) leaves the old worker serving; `show proc` says so
 * (`[failed: n]`), and the master's ALERT lines say why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { ApplyError } from '../data-plane.ts';
import { cliCommand } from './cli-socket.ts';
import { problemsFrom } from './haproxy-problems.ts';
import { parseProcList, type ProcList } from './proc-list.ts';
import type { runtimePaths } from './render-global.ts';

export type RuntimePaths = ReturnType<typeof runtimePaths>;

export interface MasterOptions {
  binary: string;
  paths: RuntimePaths;
  log: Logger;
  /** HAProxy exited without being asked to (a crash, a kill): the engine restarts it. */
  onExit: (why: string) => void;
}

const START_TIMEOUT_MS = 20_000;
const RELOAD_TIMEOUT_MS = 30_000;
/** Output lines kept for the problems of a failed start or reload. */
const KEEP_LINES = 400;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class HaproxyMaster {
  private readonly opts: MasterOptions;
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  /** Lines seen since start, including those no longer kept. */
  private seen = 0;
  private stopping = false;
  private exitedWith: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(opts: MasterOptions, child: ChildProcess) {
    this.opts = opts;
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitedWith = signal ? `signal ${signal}` : `code ${code}`;
        resolve();
        if (!this.stopping) opts.onExit(`HAProxy exited (${this.exitedWith})`);
      });
    });
    child.on('error', (err) => opts.log.error({ err: err.message }, 'HAProxy could not be run'));
    for (const stream of [child.stdout!, child.stderr!]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          this.line(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
    }
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  alive(): boolean {
    return this.exitedWith === undefined;
  }

  /** Starts the master on the config already written; resolves once a worker serves. */
  static async start(opts: MasterOptions, origins: readonly string[]): Promise<HaproxyMaster> {
    await stopStaleMaster(opts.paths, opts.log);
    const { paths } = opts;
    const child = spawn(opts.binary, ['-W', '-S', `${paths.masterSocket},mode,600`, '-f', paths.config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C or a group-wide SIGTERM meant for the agent would
      // stop HAProxy hard; the agent soft-stops it instead (stop()).
      detached: true,
    });
    const master = new HaproxyMaster(opts, child);
    await writeFile(paths.masterPid, `${child.pid}\n`, { mode: 0o600 });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!master.alive()) {
        master.stopping = true;
        throw new ApplyError(master.problemsSince(0, origins, 'HAProxy did not start'));
      }
      const proc = await master.proc().catch(() => undefined);
      if (proc && proc.current.length > 0) return master;
      await sleep(50);
    }
    await master.stop(0);
    throw new ApplyError([
      { path: '', message: `HAProxy did not start within ${START_TIMEOUT_MS / 1000} s` },
    ]);
  }

  async proc(): Promise<ProcList> {
    const text = await cliCommand(this.opts.paths.masterSocket, 'show proc', 3_000);
    const proc = parseProcList(text);
    if (!proc) throw new Error(`unexpected answer to show proc: ${text.slice(0, 200)}`);
    return proc;
  }

  /** A command on the master CLI (`@!<pid> …` reaches one worker). */
  command(line: string, timeoutMs?: number): Promise<string> {
    return cliCommand(this.opts.paths.masterSocket, line, timeoutMs);
  }

  /**
   * Reloads the config file; resolves once the new worker serves. A refused reload throws
   * ApplyError with HAProxy's reasons, and the old worker keeps serving.
   */
  async reload(origins: readonly string[]): Promise<void> {
    const before = await this.proc();
    const mark = this.seen;
    // The master re-executes itself: the connection may end without an answer.
    await this.command('reload', 5_000).catch(() => undefined);
    const deadline = Date.now() + RELOAD_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.alive())
        throw new ApplyError(this.problemsSince(mark, origins, 'HAProxy exited during a reload'));
      const p = await this.proc().catch(() => undefined);
      if (p && p.reloads > before.reloads) {
        if (p.failed > 0)
          throw new ApplyError(this.problemsSince(mark, origins, 'HAProxy refused the reload'));
        if (p.current.some((pid) => !before.current.includes(pid))) return;
      }
      await sleep(25);
    }
    throw new ApplyError([
      { path: '', message: `HAProxy did not finish a reload within ${RELOAD_TIMEOUT_MS / 1000} s` },
    ]);
  }

  /**
   * Soft stop (SIGUSR1): listeners close, requests in flight finish, then HAProxy exits; after
   * `graceMs` it is stopped hard (SIGTERM), and killed if even that does not end it.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.alive()) {
      this.child.kill('SIGUSR1');
      if (!(await this.waitExit(graceMs))) {
        this.child.kill('SIGTERM');
        if (!(await this.waitExit(2_000))) {
          this.child.kill('SIGKILL');
          await this.exited;
        }
      }
    }
    await rm(this.opts.paths.masterPid, { force: true });
  }

  private async waitExit(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
    const ok = await Promise.race([this.exited.then(() => true), timeout]);
    clearTimeout(timer);
    return ok;
  }

  private problemsSince(mark: number, origins: readonly string[], fallback: string) {
    const from = Math.max(0, this.lines.length - (this.seen - mark));
    const text = this.lines.slice(from).join('\n');
    const problems = problemsFrom(text, origins);
    return problems.length > 0
      ? problems
      : [
          {
            path: '',
            message: `${fallback}${this.exitedWith ? ` (${this.exitedWith})` : ''}: ${text.slice(-500) || 'no output'}`,
          },
        ];
  }

  private line(line: string): void {
    if (line === '') return;
    this.lines.push(line);
    this.seen++;
    if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
    const log = this.opts.log;
    // HAProxy's own words; the engine logs health changes itself, as the built-in engine does.
    if (line.startsWith('[ALERT]')) log.error({ haproxy: line }, 'HAProxy alert');
    else if (line.startsWith('[WARNING]')) log.debug({ haproxy: line }, 'HAProxy warning');
    else log.debug({ haproxy: line }, 'HAProxy');
  }
}

/**
 * A master left running by an agent that was killed before it could stop it holds the ports
 * and sockets: it is this data dir's own (its pid file, its config on the command line), so
 * it is stopped before a new one starts.
 */
async function stopStaleMaster(paths: RuntimePaths, log: Logger): Promise<void> {
  const text = await readFile(paths.masterPid, 'utf8').catch(() => undefined);
  const pid = Number(text?.trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.split('\0').includes(paths.config)) return;
  log.warn({ pid }, 'stopping the HAProxy an earlier run of this agent left behind');
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    await sleep(50);
    const still = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!still) return;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
