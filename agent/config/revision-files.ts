/**
 * `<data-dir>/revisions/<n>.json`: the configuration of each of the last revisions, written after
 * the transaction that produced it, so an admin can see what a revision changed (its diff with
 * the one before) and roll back to it. Bounded: the newest KEEP revisions stay, older files are
 * removed. Mode 0600 like config.json: a configuration names the network behind the agent.
 */
import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentConfig } from '../../shared/model/config.ts';

/** Revisions kept: an admin's week of changes, a few hundred kilobytes for a large config. */
export const KEEP_REVISIONS = 200;

export class RevisionFiles {
  private readonly dir: string;
  private readonly keepCount: number;

  constructor(dataDir: string, keepCount = KEEP_REVISIONS) {
    this.dir = join(dataDir, 'revisions');
    this.keepCount = keepCount;
  }

  /** Writes revision `n` (temp file, rename) and removes the ones older than the kept window. */
  async keep(revision: number, config: AgentConfig): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.file(revision);
    const temp = `${file}.tmp`;
    await writeFile(temp, `${JSON.stringify(config)}\n`, { mode: 0o600 });
    await rename(temp, file);
    const old = (await this.list()).filter((n) => n <= revision - this.keepCount);
    await Promise.all(old.map((n) => rm(this.file(n), { force: true })));
  }

  /** The configuration of `revision`, or undefined when it is not (or no longer) kept. */
  async get(revision: number): Promise<AgentConfig | undefined> {
    try {
      return JSON.parse(await readFile(this.file(revision), 'utf8')) as AgentConfig;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async has(revision: number): Promise<boolean> {
    return (await this.list()).includes(revision);
  }

  /** Kept revision numbers, oldest first. */
  async list(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    return names
      .flatMap((n) => (/^\d+\.json$/.test(n) ? [Number(n.slice(0, -5))] : []))
      .sort((a, b) => a - b);
  }

  private file(revision: number): string {
    return join(this.dir, `${revision}.json`);
  }
}
