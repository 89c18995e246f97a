/**
 * Reads every live HAProxy worker's `show stat` through the master CLI every ~500 ms: the
 * counters go to the StatsBook (kept across reloads), the newest worker's server rows to the
 * HealthView, whose changes become the engine's health events — within a poll of HAProxy
 * seeing them. One reading at a time; a failed one is skipped (HAProxy may be reloading).
 */
import type { Logger } from 'pino';
import type { AgentConfig } from '../../../shared/model/config.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import { HealthView } from './health-view.ts';
import type { HaproxyMaster } from './master-process.ts';
import { StatsBook } from './stats-book.ts';
import { NO_SERVER_TABLE } from './names.ts';
import { parseGpcTable, parseShowStat, type StatRow } from './stats-csv.ts';

export class StatsPoller {
  readonly book = new StatsBook();
  readonly health = new HealthView();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private intervalMs = 500;
  private oldWorkers = false;
  private stopped = false;
  private readonly source: () => { master: HaproxyMaster | undefined; config: AgentConfig };
  private readonly emit: (h: RealServerHealth) => void;
  private readonly log: Logger;

  constructor(
    source: () => { master: HaproxyMaster | undefined; config: AgentConfig },
    emit: (h: RealServerHealth) => void,
    log: Logger,
  ) {
    this.source = source;
    this.emit = emit;
    this.log = log;
  }

  /**
   * Reads every `intervalMs`, and every 100 ms while an old worker finishes after a reload:
   * what it counts after its last reading is lost when it exits, so the window is kept short.
   */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.intervalMs = intervalMs;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopped = true;
  }

  private schedule(): void {
    if (this.stopped) return;
    const ms = this.oldWorkers ? Math.min(100, this.intervalMs) : this.intervalMs;
    this.timer = setTimeout(() => void this.once().finally(() => this.schedule()), ms);
    this.timer.unref();
  }

  /** One reading now (after an apply, so health and status name the new servers at once). */
  async poll(): Promise<void> {
    await this.once();
    if (this.timer && !this.stopped) {
      clearTimeout(this.timer);
      this.schedule();
    }
  }

  private once(): Promise<void> {
    this.running ??= this.read().finally(() => (this.running = undefined));
    return this.running;
  }

  private async read(): Promise<void> {
    const { master } = this.source();
    if (!master?.alive()) return;
    try {
      const proc = await master.proc();
      const byPid = new Map<number, StatRow[]>();
      for (const pid of [...proc.current, ...proc.old]) {
        const text = await master.command(`@!${pid} show stat`, 3_000).catch(() => undefined);
        // A worker that exits between `show proc` and here is folded in at the next reading.
        if (text === undefined) continue;
        const rows = parseShowStat(text);
        const table = await master.command(`@!${pid} show table ${NO_SERVER_TABLE}`, 3_000).catch(() => '');
        rows.push(...parseGpcTable(table, 'NO_SERVER'));
        byPid.set(pid, rows);
      }
      this.oldWorkers = proc.old.length > 0;
      const newest = proc.current[0];
      this.book.update(byPid, new Set([...proc.current, ...proc.old]), newest);
      const rows = newest === undefined ? undefined : byPid.get(newest);
      if (rows) this.health.update(this.source().config, rows, new Date(), this.emit);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'HAProxy stats not read this time');
    }
  }
}
