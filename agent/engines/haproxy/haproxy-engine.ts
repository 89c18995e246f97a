/**
 * The haproxy engine: the agent's config run by HAProxy, the agent its manager. Every apply is
 * the transaction the config store expects — render, `haproxy -c`, then the least that makes
 * HAProxy run it: nothing, runtime API commands (drain, enable, weights, a renewed
 * certificate), or a reload that waits for the new worker and, refused, leaves the old one
 * serving and reports HAProxy's reasons. Health and counters come from the runtime API
 * (stats-poller.ts) in the one status contract. HAProxy dying is restarted, and every server
 * reported `unknown` with the reason until its checks say again.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentConfig, VirtualService } from '../../../shared/model/config.ts';
import { deepEqual } from '../../../shared/model/deep-equal.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import type { ConfigProblem } from '../../../shared/model/validate.ts';
import type { StatsSnapshot } from '../../../shared/protocol/stats.ts';
import type { CertificateSource } from '../../engine/tls.ts';
import type { ChallengeResponder } from '../challenges.ts';
import { takenByOthers } from '../address-owner.ts';
import { ApplyError, type ApplySummary, type DataPlane } from '../data-plane.ts';
import { challengeMapPath, pushChallengeMap, writeChallengeMap } from './challenge-map.ts';
import { cliCommand } from './cli-socket.ts';
import { checkConfigFile } from './haproxy-check.ts';
import { findHaproxy, haproxyVersion } from './haproxy-binary.ts';
import { HaproxyMaster } from './master-process.ts';
import { readMaterial } from './material.ts';
import { renderHaproxy, type Rendered } from './render-config.ts';
import { runtimePaths } from './render-global.ts';
import type { Material } from './render-tls.ts';
import { classify, type Change, type Running } from './runtime-changes.ts';
import { carryServerState } from './server-state.ts';
import { removeUnused, writeSideFiles } from './side-files.ts';
import { formatServersState, parseServersState } from './stats-csv.ts';
import { StatsPoller } from './stats-poller.ts';
import { statusSnapshot } from './status-snapshot.ts';
import { unsupported } from './unsupported.ts';

export interface HaproxyEngineOptions {
  dataDir: string;
  log: Logger;
  certs?: CertificateSource;
  /** How long an old worker may finish its requests after a reload (default 30 s). */
  drainMs?: number;
  /** HAProxy's threads (default: PORTICO_HAPROXY_THREADS, else the cores this process may use). */
  threads?: number;
  /** How often health and counters are read (default 500 ms). */
  pollMs?: number;
  /** The haproxy binary (default: found on PATH or in /usr/sbin; PORTICO_HAPROXY). */
  binary?: string;
  /** HTTP-01 answers to serve on http and redirect services (agent/acme fills them). */
  challenges?: ChallengeResponder;
}

const EMPTY: AgentConfig = { version: 2, pools: [], virtualServices: [] };
/** Restarts after a crash wait this long, doubling up to a minute while HAProxy keeps dying. */
const RESTART_MS = [500, 1_000, 2_000, 5_000, 15_000, 60_000];

export class HaproxyEngine implements DataPlane {
  readonly kind = 'haproxy';
  readonly version: string;
  private readonly opts: HaproxyEngineOptions;
  private readonly binary: string;
  private readonly log: Logger;
  private readonly dir: string;
  private readonly paths: ReturnType<typeof runtimePaths>;
  private readonly poller: StatsPoller;
  private readonly healthListeners = new Set<(h: RealServerHealth) => void>();
  private master: HaproxyMaster | undefined;
  private running: (Running & { rendered: Rendered }) | undefined;
  private current: AgentConfig = EMPTY;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private crashes = 0;
  /** Pending HTTP-01 answers copied into HAProxy's map, one change after another. */
  private challengeSync: Promise<void> = Promise.resolve();
  private readonly leaveChallenges: (() => void) | undefined;

  private constructor(opts: HaproxyEngineOptions, binary: string, version: string) {
    this.opts = opts;
    this.binary = binary;
    this.version = `HAProxy ${version}`;
    this.log = opts.log.child({ engine: 'haproxy' });
    this.dir = join(opts.dataDir, 'haproxy');
    this.paths = runtimePaths(this.dir);
    this.poller = new StatsPoller(
      () => ({ master: this.master, config: this.current }),
      (h) => this.publish(h),
      this.log,
    );
    this.leaveChallenges = opts.challenges?.onChange(() => this.syncChallenges());
  }

  /** Finds HAProxy and its version (refusing one older than 2.6) and prepares `<data-dir>/haproxy`. */
  static async create(opts: HaproxyEngineOptions): Promise<HaproxyEngine> {
    const binary = await findHaproxy(opts.binary);
    const version = await haproxyVersion(binary);
    await mkdir(join(opts.dataDir, 'haproxy', 'files'), { recursive: true, mode: 0o700 });
    // The map the rendered config names must exist before HAProxy (or its check) reads it.
    if (opts.challenges)
      await writeChallengeMap(challengeMapPath(join(opts.dataDir, 'haproxy')), opts.challenges.entries());
    return new HaproxyEngine(opts, binary, version);
  }

  get config(): AgentConfig {
    return this.current;
  }

  onHealth(listener: (h: RealServerHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  /** What this engine refuses, what the store cannot give, and what `haproxy -c` says. */
  async check(config: AgentConfig): Promise<ConfigProblem[]> {
    const prepared = this.prepare(config);
    if ('problems' in prepared) return prepared.problems;
    const taken = await this.takenByOthers(config);
    if (taken.length) return taken;
    const file = join(this.dir, `haproxy.check-${randomUUID()}.cfg`);
    await writeSideFiles(prepared.rendered.files);
    await writeFile(file, prepared.rendered.text, { mode: 0o600 });
    try {
      return await checkConfigFile(this.binary, file, prepared.rendered.origins);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** The haproxy.cfg a config renders to (for `portico-agent check`), and its problems. */
  async preview(config: AgentConfig): Promise<{ text?: string; problems: ConfigProblem[] }> {
    const prepared = this.prepare(config);
    if ('problems' in prepared) return { problems: prepared.problems };
    return { text: prepared.rendered.text, problems: await this.check(config) };
  }

  /**
   * Addresses another process listens on: HAProxy binds with SO_REUSEPORT, which would share
   * them silently. The ones the running config listens on are HAProxy's own.
   */
  private takenByOthers(config: AgentConfig): Promise<ConfigProblem[]> {
    const running = this.master?.alive() ? this.current.virtualServices.filter((vs) => vs.enabled) : [];
    const held = new Set(running.map((vs) => `${vs.listen.address}:${vs.listen.port}`));
    return takenByOthers(config, (at) => held.has(`${at.address}:${at.port}`));
  }

  apply(config: AgentConfig): Promise<ApplySummary> {
    const run = this.queue.then(() => this.applyNow(config));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private prepare(
    config: AgentConfig,
  ): { rendered: Rendered; material: Material } | { problems: ConfigProblem[] } {
    const { material, problems } = readMaterial(config, this.opts.certs);
    problems.unshift(...unsupported(config));
    if (problems.length) return { problems };
    const rendered = renderHaproxy(config, {
      dir: this.dir,
      threads: this.opts.threads ?? threadsFromEnv() ?? availableParallelism(),
      drainMs: this.opts.drainMs ?? 30_000,
      material,
      challengeMap: this.opts.challenges ? challengeMapPath(this.dir) : undefined,
    });
    return { rendered, material };
  }

  private async applyNow(config: AgentConfig): Promise<ApplySummary> {
    if (this.stopped) throw new ApplyError([{ path: '', message: 'the engine is stopping' }]);
    const prepared = this.prepare(config);
    if ('problems' in prepared) throw new ApplyError(prepared.problems);
    const taken = await this.takenByOthers(config);
    if (taken.length) throw new ApplyError(taken);
    const { rendered, material } = prepared;
    const summary = summarize(this.current, config);
    let change: Change =
      this.running && this.master?.alive() ? classify(this.running, config, material) : { kind: 'reload' };
    if (change.kind === 'runtime' || change.kind === 'certificates') {
      // Runtime first; the file HAProxy would read on a reload or restart says the same.
      const done = await this.runtime(change).catch((err: Error) => {
        this.log.warn({ err: err.message }, 'runtime API change failed; reloading instead');
        return false;
      });
      if (done) {
        await writeSideFiles(rendered.files);
        await this.writeConfig(rendered.text);
      } else change = { kind: 'reload' };
    }
    let loaded = this.running?.loadedCertPaths ?? new Map<string, string>();
    if (change.kind === 'reload') {
      await this.load(config, rendered);
      loaded = rendered.certPaths;
    }
    this.running = { config, material, rendered, loadedCertPaths: loaded };
    this.current = config;
    this.poller.start(this.opts.pollMs ?? 500);
    await this.poller.poll();
    await removeUnused(this.paths.files, rendered.files);
    this.log.info({ ...summary, how: change.kind }, 'config applied');
    return summary;
  }

  /** Writes, checks and runs the rendered config: a start, or a reload of the running master. */
  private async load(config: AgentConfig, rendered: Rendered): Promise<void> {
    await writeSideFiles(rendered.files);
    const next = `${this.paths.config}.next`;
    await writeFile(next, rendered.text, { mode: 0o600 });
    const problems = await checkConfigFile(this.binary, next, rendered.origins);
    if (problems.length) {
      await rm(next, { force: true });
      throw new ApplyError(problems);
    }
    if (!this.master?.alive()) {
      await rm(this.paths.serverState, { force: true });
      await rename(next, this.paths.config);
      this.master = await HaproxyMaster.start(this.masterOptions(), rendered.origins);
      return;
    }
    await this.saveServerState(config);
    // The old worker's counters as late as possible: it may exit as soon as the new one runs.
    await this.poller.poll();
    const previous = `${this.paths.config}.previous`;
    await copyFile(this.paths.config, previous);
    await rename(next, this.paths.config);
    try {
      await this.master.reload(rendered.origins);
    } catch (err) {
      // The old worker serves on; the file says what it runs, for the next restart.
      await rename(previous, this.paths.config);
      throw err;
    }
    await rm(previous, { force: true });
  }

  /** Health the new worker starts from: the running one's, for servers that stay the same. */
  private async saveServerState(next: AgentConfig): Promise<void> {
    const text = await cliCommand(this.paths.runtimeSocket, 'show servers state').catch(() => '');
    const table = parseServersState(text);
    if (!table) return rm(this.paths.serverState, { force: true });
    const carried = carryServerState(table, this.current, next);
    await writeFile(this.paths.serverState, formatServersState(carried), { mode: 0o600 });
  }

  private async runtime(change: Extract<Change, { kind: 'runtime' | 'certificates' }>): Promise<boolean> {
    const socket = this.paths.runtimeSocket;
    if (change.kind === 'runtime') {
      if (change.commands.length === 0) return true;
      const out = await cliCommand(socket, change.commands.join('; '));
      if (out.trim() !== '') throw new Error(`HAProxy answered: ${out.trim().slice(0, 300)}`);
      return true;
    }
    for (const swap of change.swaps) {
      const set = await cliCommand(socket, `set ssl cert ${swap.path} <<\n${swap.pem.trim()}\n\n`);
      if (!/Transaction (created|updated)/.test(set))
        throw new Error(`set ssl cert: ${set.trim().slice(0, 300)}`);
      const commit = await cliCommand(socket, `commit ssl cert ${swap.path}`, 15_000);
      if (!/Success/.test(commit)) throw new Error(`commit ssl cert: ${commit.trim().slice(0, 300)}`);
      this.log.info({ certificate: swap.name }, 'certificate replaced without a reload');
    }
    return true;
  }

  private async writeConfig(text: string): Promise<void> {
    const tmp = `${this.paths.config}.${randomUUID()}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, this.paths.config);
  }

  private masterOptions() {
    return {
      binary: this.binary,
      paths: this.paths,
      log: this.log,
      onExit: (why: string) => this.crashed(why),
    };
  }

  /** HAProxy died: every server is unknown until checked again, and HAProxy starts again. */
  private crashed(why: string): void {
    if (this.stopped) return;
    this.log.error({ why }, 'HAProxy exited unexpectedly; restarting it');
    this.poller.health.reset(`${why}; restarted by the agent`, new Date(), (h) => this.publish(h));
    const delay = RESTART_MS[Math.min(this.crashes, RESTART_MS.length - 1)]!;
    this.crashes++;
    setTimeout(() => {
      const run = this.queue.then(async () => {
        if (this.stopped || this.master?.alive() || !this.running) return;
        try {
          this.master = await HaproxyMaster.start(this.masterOptions(), this.running.rendered.origins);
          this.running = { ...this.running, loadedCertPaths: this.running.rendered.certPaths };
          this.log.warn({ pid: this.master.pid }, 'HAProxy restarted');
          // A HAProxy that then stays up for a minute is back to the shortest delay.
          setTimeout(() => {
            if (this.master?.alive()) this.crashes = 0;
          }, 60_000).unref();
        } catch (err) {
          this.crashed(`HAProxy could not be restarted: ${(err as Error).message}`);
        }
      });
      this.queue = run.catch(() => undefined);
    }, delay).unref();
  }

  private publish(h: RealServerHealth): void {
    const line = { pool: h.pool, server: h.server, state: h.state, reason: h.reason };
    if (h.state === 'down') this.log.warn(line, 'real server down');
    else this.log.info(line, 'real server health');
    for (const listener of this.healthListeners) {
      try {
        listener(h);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'health subscriber failed');
      }
    }
  }

  status(now: Date = new Date()): StatsSnapshot {
    return statusSnapshot(this.current, this.poller.book, (key) => this.poller.health.get(key), now);
  }

  healthSnapshot(): RealServerHealth[] {
    return this.poller.health.snapshot();
  }

  addresses(): Map<string, { address: string; port: number }> {
    const out = new Map<string, { address: string; port: number }>();
    if (!this.master?.alive()) return out;
    for (const vs of this.current.virtualServices)
      if (vs.enabled) out.set(vs.name, { address: vs.listen.address, port: vs.listen.port });
    return out;
  }

  /** The pending HTTP-01 answers into the map file and the running HAProxy. */
  private syncChallenges(): Promise<void> {
    const challenges = this.opts.challenges;
    if (!challenges) return Promise.resolve();
    this.challengeSync = this.challengeSync.then(async () => {
      const path = challengeMapPath(this.dir);
      const entries = challenges.entries();
      try {
        await writeChallengeMap(path, entries);
        if (this.master?.alive()) await pushChallengeMap(this.paths.runtimeSocket, path, entries);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'could not update the ACME challenge map');
      }
    });
    return this.challengeSync;
  }

  /** Soft stop: HAProxy stops listening, finishes in-flight requests for up to `graceMs`, exits. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    this.leaveChallenges?.();
    this.poller.stop();
    await this.queue;
    await this.master?.stop(graceMs);
  }
}

/**
 * PORTICO_HAPROXY_THREADS: fewer threads than cores, for a box that shares its cores (and the
 * bench, which compares with a one-thread HAProxy).
 */
function threadsFromEnv(): number | undefined {
  const n = Number(process.env.PORTICO_HAPROXY_THREADS);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : undefined;
}

/** Which enabled services an apply starts, changes, stops or leaves alone. */
function summarize(before: AgentConfig, after: AgentConfig): ApplySummary {
  const old = new Map<string, VirtualService>(
    before.virtualServices.filter((v) => v.enabled).map((v) => [v.name, v]),
  );
  const summary: ApplySummary = { added: [], changed: [], removed: [], unchanged: [] };
  const names = new Set<string>();
  for (const vs of after.virtualServices) {
    if (!vs.enabled) continue;
    names.add(vs.name);
    const was = old.get(vs.name);
    if (!was) summary.added.push(vs.name);
    else if (deepEqual(was, vs)) summary.unchanged.push(vs.name);
    else summary.changed.push(vs.name);
  }
  for (const name of old.keys()) if (!names.has(name)) summary.removed.push(name);
  return summary;
}
