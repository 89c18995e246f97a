/**
 * The traffic history the Console keeps across its own restarts, in its one directory:
 * `history/<hash of agent id>/10s.jsonl` (10-second slots, the last hour) and `1m.jsonl`
 * (1-minute slots, the last 24 hours), one JSON line per slot (SlotLine). Appending a line per
 * slot is cheap and a torn last line (a crash mid-write) is skipped on reading; when a file
 * holds more than its retention or its size cap, it is rewritten with only the newest lines
 * that fit (write a temporary file, then rename).
 *
 * Bounds: per agent at most an hour of 10 s slots in ≤ 2 MiB and 24 h of 1 min slots in
 * ≤ 8 MiB (an agent with many services keeps fewer hours); the admin's history retention
 * setting (1 h to 7 days) changes the 1-minute file's hours, and its cap in proportion; a removed agent's files go. An agent
 * with 26 services needs about 0.3 MB and 1.3 MB. Files are 0600 in 0700 directories: they name
 * the fleet's services.
 *
 * The agent id is hashed into the directory name: it comes from the agent, and a name made of
 * it must not climb out of `history/`.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SlotLine } from '../fleet/slot-lines.ts';

export const HISTORY_DIR = 'history';

export type Resolution = '10s' | '1m';

export interface FileBounds {
  /** Seconds of slots kept. */
  retentionSeconds: number;
  stepSeconds: number;
  /** Largest file; the oldest lines go first. */
  maxBytes: number;
}

export const HISTORY_BOUNDS: Record<Resolution, FileBounds> = {
  '10s': { retentionSeconds: 3_600, stepSeconds: 10, maxBytes: 2 * 2 ** 20 },
  '1m': { retentionSeconds: 86_400, stepSeconds: 60, maxBytes: 8 * 2 ** 20 },
};

interface FileState {
  lines: number;
  bytes: number;
  /** Newest slot written, seconds (0: none). */
  newestT: number;
  /** Writes to this file, one after another. */
  queue: Promise<void>;
  /** The file ends in a torn line (a crash mid-write): the next append starts a new line first. */
  torn: boolean;
}

export class HistoryFiles {
  private readonly root: string;
  private readonly bounds: Record<Resolution, FileBounds>;
  private readonly onProblem: (message: string) => void;
  private readonly files = new Map<string, FileState>();
  /** Rewrites started by a shorter retention. */
  private rewrites: Promise<void> = Promise.resolve();

  constructor(
    consoleDir: string,
    opts: {
      bounds?: Partial<Record<Resolution, FileBounds>>;
      /** Seconds of 1-minute slots kept (the admin's setting); default the bounds'. */
      retentionSeconds?: number;
      onProblem?: (message: string) => void;
    } = {},
  ) {
    this.root = join(consoleDir, HISTORY_DIR);
    this.bounds = { ...HISTORY_BOUNDS, ...opts.bounds };
    this.onProblem = opts.onProblem ?? (() => {});
    if (opts.retentionSeconds !== undefined) this.setRetention(opts.retentionSeconds);
  }

  /**
   * Keeps `seconds` of 1-minute slots from now on. The size cap grows in proportion (a week must
   * not be cut to a day by a day's cap) and never shrinks below the default's. A shorter
   * retention is applied to the files already open at once, so the admin's disk gets the room back
   * without waiting for the next slot.
   */
  setRetention(seconds: number): void {
    const base = HISTORY_BOUNDS['1m'];
    const current = this.bounds['1m'];
    const shorter = seconds < current.retentionSeconds;
    this.bounds['1m'] = {
      ...current,
      retentionSeconds: seconds,
      maxBytes: Math.round(base.maxBytes * Math.max(1, seconds / base.retentionSeconds)),
    };
    if (!shorter) return;
    const rewrites: Promise<void>[] = [];
    for (const key of this.files.keys()) {
      const [agentId, resolution] = key.split('\u0000') as [string, Resolution];
      if (resolution !== '1m') continue;
      rewrites.push(
        this.enqueue(agentId, '1m', async (state) => {
          if (state.lines > seconds / this.bounds['1m'].stepSeconds) await this.compact(agentId, '1m', state);
        }),
      );
    }
    // flush() waits for these too: enqueue() reaches the file's queue only after a turn.
    this.rewrites = Promise.all([this.rewrites, ...rewrites]).then(() => {});
  }

  /** Seconds of 1-minute slots kept now. */
  get retentionSeconds(): number {
    return this.bounds['1m'].retentionSeconds;
  }

  /** Every line held for the agent at that resolution, oldest first (at most the retention). */
  async load(agentId: string, resolution: Resolution): Promise<SlotLine[]> {
    await (
      await this.state(agentId, resolution)
    ).queue;
    return this.readLines(agentId, resolution);
  }

  /** Lines with `t` ≥ `from` (seconds), oldest first. */
  async read(agentId: string, resolution: Resolution, from: number): Promise<SlotLine[]> {
    await this.state(agentId, resolution).then((s) => s.queue);
    return (await this.readLines(agentId, resolution)).filter((l) => l.t >= from);
  }

  /** The newest slot written for the agent, seconds; undefined when none. */
  async newest(agentId: string, resolution: Resolution): Promise<number | undefined> {
    const state = await this.state(agentId, resolution);
    return state.newestT || undefined;
  }

  /** Appends lines newer than the newest written (in order); compacts when over a bound. */
  append(agentId: string, resolution: Resolution, lines: readonly SlotLine[]): Promise<void> {
    return this.enqueue(agentId, resolution, async (state) => {
      const fresh = lines.filter((l) => l.t > state.newestT);
      if (fresh.length === 0) return;
      const text = `${state.torn ? '\n' : ''}${fresh.map((l) => `${JSON.stringify(l)}\n`).join('')}`;
      state.torn = false;
      await mkdir(this.agentDir(agentId), { recursive: true, mode: 0o700 });
      await appendFile(this.path(agentId, resolution), text, { mode: 0o600 });
      state.lines += fresh.length;
      state.bytes += Buffer.byteLength(text);
      state.newestT = fresh.at(-1)!.t;
      const bounds = this.bounds[resolution];
      const slots = bounds.retentionSeconds / bounds.stepSeconds;
      // A little over the bound before rewriting: not one rewrite per appended line.
      if (state.lines > slots * 1.1 + 6 || state.bytes > bounds.maxBytes)
        await this.compact(agentId, resolution, state);
    });
  }

  /** Waits for every write queued so far. */
  async flush(): Promise<void> {
    await this.rewrites;
    await Promise.all([...this.files.values()].map((s) => s.queue));
  }

  /** Removes an agent's files (it was unpaired). */
  async drop(agentId: string): Promise<void> {
    await this.flush();
    for (const r of ['10s', '1m'] as const) this.files.delete(this.key(agentId, r));
    await rm(this.agentDir(agentId), { recursive: true, force: true });
  }

  /** Removes the files of agents not paired any more (unpaired while the Console was closed). */
  async prune(knownAgentIds: readonly string[]): Promise<void> {
    const keep = new Set(knownAgentIds.map(dirName));
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return;
    }
    await Promise.all(
      names.filter((n) => !keep.has(n)).map((n) => rm(join(this.root, n), { recursive: true, force: true })),
    );
  }

  private async compact(agentId: string, resolution: Resolution, state: FileState): Promise<void> {
    const bounds = this.bounds[resolution];
    const lines = await this.readLines(agentId, resolution);
    const newest = lines.at(-1)?.t ?? 0;
    const kept: string[] = [];
    let bytes = 0;
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!;
      if (line.t <= newest - bounds.retentionSeconds) break;
      const text = `${JSON.stringify(line)}\n`;
      // Room for the lines to come before the next rewrite: fill to 90 % of the cap.
      if (bytes + text.length > bounds.maxBytes * 0.9) break;
      kept.push(text);
      bytes += text.length;
    }
    kept.reverse();
    const file = this.path(agentId, resolution);
    const temp = `${file}.tmp`;
    await writeFile(temp, kept.join(''), { mode: 0o600 });
    await rename(temp, file);
    state.lines = kept.length;
    state.bytes = bytes;
  }

  private async readLines(agentId: string, resolution: Resolution): Promise<SlotLine[]> {
    let text: string;
    try {
      text = await readFile(this.path(agentId, resolution), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.onProblem(`history: ${(err as Error).message}`);
      return [];
    }
    const lines: SlotLine[] = [];
    let skipped = 0;
    for (const row of text.split('\n')) {
      if (!row) continue;
      const line = parseLine(row);
      if (line && (lines.length === 0 || line.t > lines.at(-1)!.t)) lines.push(line);
      else skipped++;
    }
    // A torn last line after a crash is expected; more is worth a word in the log.
    if (skipped > 1)
      this.onProblem(`history: ${skipped} unreadable lines skipped in ${agentId}/${resolution}`);
    return lines;
  }

  private async state(agentId: string, resolution: Resolution): Promise<FileState> {
    const key = this.key(agentId, resolution);
    let state = this.files.get(key);
    if (!state) {
      state = { lines: 0, bytes: 0, newestT: 0, queue: Promise.resolve(), torn: false };
      this.files.set(key, state);
      const s = state;
      // Learn what the file holds once; appends keep it current afterwards.
      s.queue = this.measure(agentId, resolution, s);
    }
    return state;
  }

  /** Counts lines and bytes, and parses only the last line: a day of slots need not be parsed for that. */
  private async measure(agentId: string, resolution: Resolution, state: FileState): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path(agentId, resolution), 'utf8');
    } catch {
      return;
    }
    const rows = text.split('\n').filter((r) => r.length > 0);
    state.torn = text.length > 0 && !text.endsWith('\n');
    state.lines = rows.length;
    state.bytes = Buffer.byteLength(text);
    for (let i = rows.length - 1; i >= 0; i--) {
      const line = parseLine(rows[i]!);
      if (line) {
        state.newestT = line.t;
        break;
      }
    }
  }

  private enqueue(
    agentId: string,
    resolution: Resolution,
    write: (state: FileState) => Promise<void>,
  ): Promise<void> {
    const run = async () => {
      const state = await this.state(agentId, resolution);
      const next = state.queue.then(() => write(state));
      state.queue = next.catch((err: unknown) =>
        this.onProblem(`history write failed: ${(err as Error).message}`),
      );
      return state.queue;
    };
    return run();
  }

  private key(agentId: string, resolution: Resolution): string {
    return `${agentId}\u0000${resolution}`;
  }

  private agentDir(agentId: string): string {
    return join(this.root, dirName(agentId));
  }

  private path(agentId: string, resolution: Resolution): string {
    return join(this.agentDir(agentId), `${resolution}.jsonl`);
  }
}

function dirName(agentId: string): string {
  return createHash('sha256').update(agentId).digest('hex').slice(0, 32);
}

/** A line as written by append(); anything else (torn, hand-edited) is refused. */
function parseLine(row: string): SlotLine | undefined {
  try {
    const value = JSON.parse(row) as Partial<SlotLine>;
    if (
      typeof value.t !== 'number' ||
      !Number.isFinite(value.t) ||
      typeof value.s !== 'object' ||
      value.s === null ||
      !Array.isArray(value.a)
    )
      return undefined;
    for (const slot of Object.values(value.s)) {
      if (
        !Array.isArray(slot) ||
        slot.length !== 4 ||
        typeof slot[0] !== 'number' ||
        typeof slot[1] !== 'number'
      )
        return undefined;
    }
    return value as SlotLine;
  } catch {
    return undefined;
  }
}
