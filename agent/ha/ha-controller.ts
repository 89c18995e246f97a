/**
 * This agent's part in an HA pair: ha.json → keepalived.conf (checked by `keepalived -t`),
 * keepalived as a child, the engine check it asks, and the VRRP state it reports through its
 * notify FIFO, each change published with the agent's reason. Changes (set, clear, failover)
 * run one at a time.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Logger } from 'pino';
import { membersOf, redactPair, type HaFile, type HaState } from '../../shared/model/ha.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';
import type { HaStatus, HaSummary, HaTransition } from '../../shared/protocol/ha.ts';
import type { DataPlane } from '../engines/data-plane.ts';
import { findBinaries, type HaBinaries } from './binaries.ts';
import { engineVerdict, serveEngineCheck, type CheckEndpoint, type EngineVerdict } from './engine-check.ts';
import { HaInvalidError, parseHaFile, readHaFile, removeHaFile, writeHaFile } from './ha-file.ts';
import { haMetricsText } from './ha-metrics.ts';
import { checkKeepalivedConf } from './keepalived-check.ts';
import { KeepalivedProcess } from './keepalived-process.ts';
import { nonlocalBindProblems } from './nonlocal-bind.ts';
import { readNotifyFifo, type NotifyLine, type NotifyReader } from './notify-fifo.ts';
import { haPaths, type HaPaths } from './paths.ts';
import { instanceName, priorityOf, renderCheckScript, renderKeepalivedConf } from './render-keepalived.ts';

/** This member's state does not allow the request (not in a pair, not master). */
export class HaStateError extends Error {
  readonly state: HaState;
  constructor(message: string, state: HaState) {
    super(message);
    this.name = 'HaStateError';
    this.state = state;
  }
}

export interface HaControllerOptions {
  dataDir: string;
  engine: DataPlane;
  log: Logger;
  /** Default: found on PATH and in /usr/sbin (binaries.ts). */
  binaries?: () => Promise<HaBinaries>;
}

const STATES: Record<string, HaState> = {
  MASTER: 'master',
  BACKUP: 'backup',
  FAULT: 'fault',
  STOP: 'stopped',
};
const RESTART_MS = { first: 1_000, max: 30_000 };

export class HaController {
  private readonly paths: HaPaths;
  private readonly engine: DataPlane;
  private readonly log: Logger;
  private readonly findBinaries: () => Promise<HaBinaries>;
  private binaries: HaBinaries | undefined;
  private file: HaFile | undefined;
  private keepalived: KeepalivedProcess | undefined;
  private endpoint: CheckEndpoint | undefined;
  private fifo: NotifyReader | undefined;
  private state: HaState = 'stopped';
  private since = new Date();
  private priority: number | undefined;
  private last: HaTransition | undefined;
  private transitions = 0;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private holdUntil: number | undefined;
  private verdict: EngineVerdict & { at?: Date } = { serving: true };
  /** Why the pair cannot work as described (ha.json refused, keepalived refusing or exiting). */
  private problems: ConfigProblem[] = [];
  private readonly listeners = new Set<(t: HaTransition) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Why keepalived is being stopped, for the transition its last notification causes. */
  private stopping: string | undefined;

  private constructor(opts: HaControllerOptions) {
    this.paths = haPaths(opts.dataDir);
    this.engine = opts.engine;
    this.log = opts.log.child({ component: 'ha' });
    this.findBinaries = opts.binaries ?? (() => findBinaries());
  }

  /**
   * Reads ha.json and, when there is one, starts keepalived. A pair that cannot start (a refused
   * file, no keepalived) is logged and reported by `status()`: the agent still serves.
   */
  static async open(opts: HaControllerOptions): Promise<HaController> {
    const ha = new HaController(opts);
    try {
      const file = await readHaFile(ha.paths.file);
      if (file) await ha.start(file);
    } catch (err) {
      ha.problems = problemsOf(err);
      ha.log.error({ problems: ha.problems }, 'the HA pair cannot start; the agent serves without it');
    }
    return ha;
  }

  onTransition(listener: (t: HaTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async status(): Promise<HaStatus> {
    const sysctl = this.file ? await nonlocalBindProblems(this.file, this.engine.config) : [];
    // Everything else read at once, after the await: one consistent snapshot.
    const file = this.file;
    const now = Date.now();
    const check = this.currentVerdict(now);
    return {
      configured: file !== undefined,
      ...(file ? { pair: redactPair(file.pair), self: file.self } : {}),
      state: this.state,
      since: this.since.toISOString(),
      ...(file ? { priority: this.priority ?? priorityOf(file) } : {}),
      ...(this.last ? { lastTransition: this.last } : {}),
      transitions: this.transitions,
      engine: {
        serving: check.serving,
        ...(check.reason ? { reason: check.reason } : {}),
        ...(this.verdict.at ? { lastCheck: this.verdict.at.toISOString() } : {}),
      },
      keepalived: {
        running: this.keepalived?.alive() ?? false,
        ...(this.keepalived?.alive() && this.keepalived.pid ? { pid: this.keepalived.pid } : {}),
        ...(this.binaries ? { version: this.binaries.version } : {}),
        restarts: this.restarts,
      },
      ...(this.holdUntil !== undefined && now < this.holdUntil
        ? { failoverUntil: new Date(this.holdUntil).toISOString() }
        : {}),
      problems: [...this.problems, ...(file ? sysctl : [])],
    };
  }

  /** For agent.info; undefined when this agent is in no pair. */
  summary(): HaSummary | undefined {
    if (!this.file) return undefined;
    return {
      pair: this.file.pair.name,
      self: this.file.self,
      state: this.state,
      since: this.since.toISOString(),
    };
  }

  /** Prometheus text for the metrics endpoint; empty when in no pair. */
  metricsText(): string {
    if (!this.file) return '';
    return haMetricsText({
      pair: this.file.pair.name,
      member: this.file.self,
      state: this.state,
      transitions: this.transitions,
      serving: this.currentVerdict(Date.now()).serving,
    });
  }

  /** Joins a pair or changes it; refused (HaInvalidError) with the schema's or keepalived's problems. */
  set(input: unknown): Promise<HaStatus> {
    return this.serial(async () => {
      const file = parseHaFile(input);
      await this.start(file);
      await writeHaFile(this.paths.file, file);
      this.problems = [];
      return this.status();
    });
  }

  /**
   * SIGHUP: ha.json edited by hand runs like an `ha.set` (a file that is gone leaves the pair);
   * a refused file is logged and reported by `status()`, and what runs stays.
   */
  reloadFromFile(): Promise<void> {
    return this.serial(async () => {
      try {
        const file = await readHaFile(this.paths.file);
        if (file) {
          await this.start(file);
          this.problems = [];
        } else if (this.file) {
          await this.stopKeepalived('ha.json was removed: left the pair');
          this.file = undefined;
          this.problems = [];
        }
      } catch (err) {
        this.problems = problemsOf(err);
        this.log.error({ problems: this.problems }, 'ha.json refused; the pair runs as it was');
      }
    });
  }

  /** Leaves the pair: keepalived stops (giving up the virtual IPs) and ha.json goes. */
  clear(): Promise<HaStatus> {
    return this.serial(async () => {
      await this.stopKeepalived('left the pair');
      await removeHaFile(this.paths.file);
      this.file = undefined;
      this.problems = [];
      this.holdUntil = undefined;
      return this.status();
    });
  }

  /**
   * Gives up the virtual IPs on purpose: the engine check answers "no" for `holdSeconds`, so
   * keepalived enters FAULT, sends priority 0 and removes them; the other member takes over.
   * Resolves once this member is no longer master (or the check could not have failed yet).
   */
  failover(holdSeconds: number): Promise<HaStatus> {
    return this.serial(async () => {
      if (!this.file) throw new HaStateError('this agent is in no HA pair', this.state);
      if (this.state !== 'master')
        throw new HaStateError(
          `this member is ${this.state}, not master: it holds no virtual IPs to give up`,
          this.state,
        );
      this.holdUntil = Date.now() + holdSeconds * 1000;
      this.log.info({ holdSeconds }, 'failover requested: giving up the virtual IPs');
      const check = this.file.pair.engineCheck;
      const within =
        (check.intervalSeconds * (check.fall + 1) + Math.ceil(check.timeoutMs / 1000) + 2) * 1000;
      await this.waitFor(() => this.state !== 'master', within);
      return this.status();
    });
  }

  /** Stops keepalived (the virtual IPs go to the other member) and the check endpoint. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
    clearTimeout(this.restartTimer);
    await this.stopKeepalived('the agent is stopping');
    this.fifo?.close();
    await this.endpoint?.close();
  }

  private async start(file: HaFile): Promise<void> {
    this.binaries ??= await this.findBinaries();
    await mkdir(this.paths.dir, { recursive: true, mode: 0o700 });
    await chmod(this.paths.dir, 0o700);
    const conf = renderKeepalivedConf(file, this.paths, {
      scriptUser: userInfo().username,
      curl: this.binaries.curl,
    });
    await writeFile(this.paths.candidate, conf, { mode: 0o600 });
    // keepalived -t looks for the script too. It must not be writable by anyone but its owner
    // (keepalived's script security).
    await writeFile(
      this.paths.checkScript,
      renderCheckScript(this.paths, file.pair.engineCheck.timeoutMs, this.binaries.curl),
      {
        mode: 0o700,
      },
    );
    await chmod(this.paths.checkScript, 0o700);
    const problems = await checkKeepalivedConf(this.binaries.keepalived, this.paths.candidate);
    if (problems.length) throw new HaInvalidError(problems, 'keepalived');
    this.endpoint ??= await serveEngineCheck(this.paths.checkSocket, () => this.answerCheck());
    this.fifo ??= await readNotifyFifo(this.paths.fifo, (line) => this.onNotify(line));
    const unchanged = this.file && (await readFile(this.paths.conf, 'utf8').catch(() => '')) === conf;
    await rename(this.paths.candidate, this.paths.conf);
    this.file = file;
    if (this.keepalived?.alive()) {
      if (!unchanged) this.keepalived.reload();
    } else {
      await this.runKeepalived();
    }
  }

  private async runKeepalived(): Promise<void> {
    this.keepalived = await KeepalivedProcess.start({
      binaries: this.binaries!,
      paths: this.paths,
      log: this.log,
      onExit: (why) => this.keepalivedExited(why),
    });
    this.log.info(
      { pid: this.keepalived.pid, pair: this.file?.pair.name, self: this.file?.self },
      'keepalived started',
    );
  }

  private keepalivedExited(why: string): void {
    this.log.error({ why }, 'keepalived exited; starting it again');
    this.problems = [{ path: 'keepalived', message: why }];
    this.transition('stopped', why);
    if (this.closed || !this.file) return;
    const delay = Math.min(RESTART_MS.first * 2 ** Math.min(this.restarts, 5), RESTART_MS.max);
    this.restartTimer = setTimeout(() => {
      if (this.closed || !this.file || this.keepalived?.alive()) return;
      this.restarts++;
      void this.serial(() => this.runKeepalived()).catch((err: Error) =>
        this.log.error({ err: err.message }, 'keepalived could not be started again'),
      );
    }, delay);
  }

  private async stopKeepalived(why: string): Promise<void> {
    const k = this.keepalived;
    this.keepalived = undefined;
    if (!k) return;
    this.stopping = why;
    await k.stop();
    this.transition('stopped', why);
    this.stopping = undefined;
  }

  private currentVerdict(now: number): EngineVerdict {
    if (this.holdUntil !== undefined && now >= this.holdUntil) this.holdUntil = undefined;
    return engineVerdict(this.engine, this.holdUntil, now);
  }

  private answerCheck(): EngineVerdict {
    const v = this.currentVerdict(Date.now());
    if (v.serving !== this.verdict.serving)
      this.log.info({ serving: v.serving, reason: v.reason }, 'engine check');
    this.verdict = { ...v, at: new Date() };
    return v;
  }

  private onNotify(line: NotifyLine): void {
    if (line.kind !== 'INSTANCE' || !this.file || line.name !== instanceName(this.file)) return;
    const to = STATES[line.state];
    if (!to) {
      this.log.debug({ line }, 'keepalived state not tracked');
      return;
    }
    if (line.priority !== undefined) this.priority = line.priority;
    this.transition(to, this.reasonFor(to));
  }

  private reasonFor(to: HaState): string {
    const from = this.state;
    const file = this.file!;
    const now = Date.now();
    switch (to) {
      case 'fault': {
        if (this.holdUntil !== undefined && now < this.holdUntil) return 'failover requested';
        const v = this.currentVerdict(now);
        if (!v.serving) return `the engine does not serve: ${v.reason}`;
        return `the engine check failed or the interface ${membersOf(file).self.interface} is down (an agent that is busy, stopped or restarting does not answer in time)`;
      }
      case 'master':
        return file.pair.preempt && file.pair.preferred === file.self && from === 'backup'
          ? 'the preferred member took the virtual IPs back (preempt)'
          : 'no member with a higher priority advertises: this member holds the virtual IPs';
      case 'backup':
        if (from === 'master') return 'a member with a higher priority advertises: it took the virtual IPs';
        if (from === 'fault') return 'the engine serves again: this member may hold the virtual IPs again';
        return 'keepalived started: waiting to hear the other member';
      case 'stopped':
        return this.stopping ?? 'keepalived stopped';
    }
  }

  private transition(to: HaState, reason: string): void {
    if (to === this.state) return;
    const at = new Date();
    const t: HaTransition = {
      pair: this.file?.pair.name ?? '',
      member: this.file?.self ?? '',
      from: this.state,
      to,
      at: at.toISOString(),
      reason,
    };
    this.state = to;
    this.since = at;
    this.last = t;
    this.transitions++;
    this.log.info({ from: t.from, to, reason }, 'VRRP state');
    for (const l of this.listeners) {
      try {
        l(t);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'ha listener failed');
      }
    }
  }

  private waitFor(done: () => boolean, ms: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      const leave = this.onTransition(() => {
        if (done()) finish();
      });
      function finish() {
        clearTimeout(timer);
        leave();
        resolve();
      }
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function problemsOf(err: unknown): ConfigProblem[] {
  if (err instanceof HaInvalidError) return err.problems;
  return [{ path: '', message: (err as Error).message }];
}
