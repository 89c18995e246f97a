/**
 * The running configuration as a series of revisions. Every change is a transaction:
 * validate fully → apply to the engine → persist (temp file, fsync, rename, fsync dir) →
 * acknowledge with the new revision → notify. A failure at any step leaves the engine and
 * the file as they were. Changes run one at a time; `expectRevision` lets two consoles
 * notice each other instead of overwriting each other.
 */
import type { Logger } from 'pino';
import type { AgentConfig } from '../../shared/model/config.ts';
import { describeProblem, nameProblems } from '../../shared/model/problems.ts';
import { parseAgentConfig, type ConfigProblem } from '../../shared/model/validate.ts';
import { ApplyError, type DataPlane } from '../engines/data-plane.ts';
import { AuditLog, type Actor } from './audit-log.ts';
import { keepV1Copy, readConfigFile, writeConfigFile } from './config-file.ts';
import { RevisionFiles } from './revision-files.ts';
import { deepEqual } from '../../shared/model/deep-equal.ts';

export type { Actor } from './audit-log.ts';

export class ConfigInvalidError extends Error {
  readonly problems: ConfigProblem[];
  /** @param document what was checked: problems found without it (the engine's) are named from it. */
  constructor(problems: ConfigProblem[], document?: unknown) {
    const named = nameProblems(problems, document);
    super(`the configuration is not valid: ${named.map(describeProblem).join('; ')}`);
    this.name = 'ConfigInvalidError';
    this.problems = named;
  }
}

export class ConfigConflictError extends Error {
  readonly currentRevision: number;
  constructor(expected: number, current: number) {
    super(`expected revision ${expected} but the agent is at revision ${current}; reload and try again`);
    this.name = 'ConfigConflictError';
    this.currentRevision = current;
  }
}

export interface ConfigChange {
  revision: number;
  config: AgentConfig;
  actor: Actor;
}

export interface ChangeOptions {
  expectRevision?: number | undefined;
  actor: Actor;
  /** Audit action name; defaults to config.apply. */
  action?: string;
  /** Added to the audit entry's detail (a rollback names the revision it went back to). */
  detail?: Record<string, unknown>;
}

const FILE_ACTOR: Actor = { tokenId: 'config-file', peer: 'local' };

export class ConfigStore {
  private revision: number;
  private config: AgentConfig;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(change: ConfigChange) => void>();
  private readonly audit: AuditLog;
  /** The configuration of each recent revision: what `config.revision` and a rollback read. */
  readonly revisions: RevisionFiles;
  private readonly dataDir: string;
  private readonly engine: DataPlane;
  private readonly log: Logger;

  private constructor(
    dataDir: string,
    engine: DataPlane,
    log: Logger,
    revision: number,
    config: AgentConfig,
  ) {
    this.dataDir = dataDir;
    this.engine = engine;
    this.log = log;
    this.revision = revision;
    this.config = config;
    this.audit = new AuditLog(dataDir);
    this.revisions = new RevisionFiles(dataDir);
  }

  /**
   * Reads `<data-dir>/config.json` and runs it: the last acknowledged revision. A version-1
   * file is converted, run, and written back in version 2 with its original kept beside it.
   */
  static async open(dataDir: string, engine: DataPlane, log: Logger): Promise<ConfigStore> {
    const file = await readConfigFile(dataDir);
    const { revision, config } = split(file.config);
    await engine.apply(config);
    const store = new ConfigStore(dataDir, engine, log, revision, config);
    // The revision running at start is one a later rollback may want back.
    if (!(await store.revisions.has(revision))) await store.keepRevision(revision, config);
    if (file.convertedFrom)
      await store.saveConverted(await keepV1Copy(dataDir, file.convertedFrom.text), revision);
    return store;
  }

  get(): { revision: number; config: AgentConfig } {
    return { revision: this.revision, config: this.config };
  }

  onChange(listener: (change: ConfigChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every problem with `input`, as an apply would find it, without applying anything. */
  async validate(input: unknown): Promise<ConfigProblem[]> {
    const parsed = parseAgentConfig(input);
    if (!parsed.ok) return parsed.problems;
    const { config } = split(parsed.value);
    return nameProblems(await this.engine.check(config), config);
  }

  apply(input: unknown, opts: ChangeOptions): Promise<{ revision: number }> {
    return this.serial(() => {
      const parsed = parseAgentConfig(input);
      if (!parsed.ok) return this.refuse(opts, new ConfigInvalidError(parsed.problems));
      return this.commit(split(parsed.value).config, opts);
    });
  }

  /** Read-modify-write of the current config (fine-grained API calls), in the same queue. */
  update(mutate: (current: AgentConfig) => unknown, opts: ChangeOptions): Promise<{ revision: number }> {
    return this.serial(() => {
      const parsed = parseAgentConfig(mutate(structuredClone(this.config)));
      if (!parsed.ok) return this.refuse(opts, new ConfigInvalidError(parsed.problems));
      return this.commit(split(parsed.value).config, opts);
    });
  }

  /** SIGHUP: the file was edited by hand; run it as the next revision if it differs. */
  reloadFromFile(): Promise<{ revision: number }> {
    return this.serial(async () => {
      const file = await readConfigFile(this.dataDir);
      const { config } = split(file.config);
      // A version-1 file put back by hand: its original is kept before anything writes
      // config.json (the commit below does when the config changed), and what runs is its
      // conversion, which the file then says.
      const copy = file.convertedFrom ? await keepV1Copy(this.dataDir, file.convertedFrom.text) : undefined;
      const result = await this.commit(config, { actor: FILE_ACTOR, action: 'config.reload' }, true);
      if (copy) await this.saveConverted(copy, this.revision);
      return result;
    });
  }

  /** Writes the converted form over a version-1 config.json whose original is kept as `copy`. */
  private async saveConverted(copy: string, revision: number): Promise<void> {
    await writeConfigFile(this.dataDir, { ...this.config, revision });
    this.log.warn(
      { original: copy },
      'config.json was in the version 1 format: converted to version 2 (pools), the original is kept beside it',
    );
  }

  /**
   * Re-runs the current revision so certificates renewed in the store are picked up: new
   * handshakes get the new material, listeners and connections stay.
   */
  refresh(): Promise<{ revision: number }> {
    return this.serial(async () => {
      await this.engine.apply(this.config);
      return { revision: this.revision };
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async refuse(opts: ChangeOptions, err: Error): Promise<never> {
    await this.record({
      action: opts.action ?? 'config.apply',
      actor: opts.actor,
      ok: false,
      error: err.message,
    });
    throw err;
  }

  /** @param refresh re-apply even an unchanged config (a reload also re-reads certificates). */
  private async commit(
    next: AgentConfig,
    opts: ChangeOptions,
    refresh = false,
  ): Promise<{ revision: number }> {
    const action = opts.action ?? 'config.apply';
    if (opts.expectRevision !== undefined && opts.expectRevision !== this.revision) {
      return this.refuse(opts, new ConfigConflictError(opts.expectRevision, this.revision));
    }
    if (deepEqual(next, this.config)) {
      if (refresh) await this.engine.apply(next);
      return { revision: this.revision };
    }

    const previous = this.config;
    let summary;
    try {
      summary = await this.engine.apply(next);
    } catch (err) {
      if (err instanceof ApplyError) return this.refuse(opts, new ConfigInvalidError(err.problems, next));
      throw err;
    }
    const revision = this.revision + 1;
    try {
      await writeConfigFile(this.dataDir, { revision, ...next });
    } catch (err) {
      // The file could not take the change: put the engine back so both still agree.
      await this.engine
        .apply(previous)
        .catch((e: Error) => this.log.error({ err: e.message }, 'rollback failed'));
      return this.refuse(opts, new Error(`could not save the configuration: ${(err as Error).message}`));
    }
    this.revision = revision;
    this.config = next;
    await this.record({
      action,
      actor: opts.actor,
      ok: true,
      revision,
      detail: { ...summary, unchanged: undefined, ...opts.detail },
    });
    await this.keepRevision(revision, next);
    const change = { revision, config: next, actor: opts.actor };
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'config listener failed');
      }
    }
    return { revision };
  }

  /** Audit entries newest first (the activity a Console shows), a page at a time. */
  readAudit(query: { limit: number; before?: number | undefined }): ReturnType<AuditLog['read']> {
    return this.audit.read(query);
  }

  /** A revision not kept only costs its diff and rollback later: logged, never failing the change. */
  private async keepRevision(revision: number, config: AgentConfig): Promise<void> {
    try {
      await this.revisions.keep(revision, config);
    } catch (err) {
      this.log.error({ err: (err as Error).message, revision }, 'could not keep the revision for rollback');
    }
  }

  private async record(entry: Parameters<AuditLog['record']>[0]): Promise<void> {
    try {
      await this.audit.record(entry);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'could not write the audit log');
    }
  }
}

/** The revision lives in the file, beside the config it numbers (already validated by the caller). */
function split(file: AgentConfig): { revision: number; config: AgentConfig } {
  const { revision = 0, ...config } = file;
  return { revision, config };
}
