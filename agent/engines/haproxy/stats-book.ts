/**
 * Counters that survive reloads. Each HAProxy worker counts from zero, and a reload starts a
 * new one while the old one finishes its requests; the one status contract counts from agent
 * start. So the book keeps, per worker, the last `show stat` it was read at (old workers are
 * read through the master until they exit), and adds up: what exited workers had counted, plus
 * what every live worker has counted now. A server whose address changed is a new server and
 * starts from 0, as in the built-in engine.
 *
 * HAProxy gives averages of response times, not histograms: each time the book is updated, the
 * requests a row counted since the last update go into the bucket of its average total time
 * (`ttime`, over its last 1024 requests) — coarse, and said so in docs/engines.md.
 */
import { LATENCY_BUCKETS_MS } from '../../../shared/protocol/stats.ts';
import { num, type StatRow } from './stats-csv.ts';

/** The summed columns the status reads. */
export const COUNTERS = [
  'stot',
  'connect',
  'conn_tot',
  'req_tot',
  'hrsp_1xx',
  'hrsp_2xx',
  'hrsp_3xx',
  'hrsp_4xx',
  'hrsp_5xx',
  'bin',
  'bout',
  'econ',
  'eresp',
  'ereq',
  'dcon',
  'dreq',
  'intercepted',
  /** Not a show stat column: NO_SERVER answers, from the backends' table (parseGpcTable). */
  'gpc0',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export interface LatencyTotals {
  counts: number[];
  sumMs: number;
}

const zero = (): Counters => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

/** `proxy/server`, and the server's address: counters belong to both. */
function idOf(row: StatRow): { name: string; id: string } {
  const name = `${row.pxname}/${row.svname}`;
  return { name, id: row.addr ? `${name}@${row.addr}` : name };
}

export class StatsBook {
  /** What exited workers counted, by row id. */
  private readonly base = new Map<string, Counters>();
  /** The last rows read from each live worker, by row id. */
  private readonly live = new Map<number, Map<string, StatRow>>();
  /** The address each server has in the newest worker: which row id counts now. */
  private readonly current = new Map<string, string>();
  private readonly latency = new Map<string, LatencyTotals>();

  /**
   * One reading: the rows read from workers, by pid. Workers not `alive` have exited (what they
   * counted last is kept); one alive but not read this time keeps its last rows.
   */
  update(
    byPid: ReadonlyMap<number, readonly StatRow[]>,
    alive: ReadonlySet<number>,
    newest: number | undefined,
  ): void {
    for (const [pid, rows] of this.live) {
      if (alive.has(pid)) continue;
      for (const [id, row] of rows) this.fold(id, row);
      this.live.delete(pid);
    }
    for (const [pid, rows] of byPid) {
      const before = this.live.get(pid);
      const now = new Map<string, StatRow>();
      for (const row of rows) {
        const { name, id } = idOf(row);
        now.set(id, row);
        if (pid === newest) this.current.set(name, id);
        const added = num(row, 'req_tot') - (before?.get(id) ? num(before.get(id)!, 'req_tot') : 0);
        if (added > 0) this.addLatency(id, added, num(row, 'ttime'));
      }
      this.live.set(pid, now);
    }
  }

  /** A row's counters since agent start (proxy/server, or proxy/FRONTEND, proxy/BACKEND). */
  counters(name: string): Counters {
    const id = this.current.get(name) ?? name;
    const out = { ...(this.base.get(id) ?? zero()) };
    for (const rows of this.live.values()) {
      const row = rows.get(id);
      if (row) for (const c of COUNTERS) out[c] += num(row, c);
    }
    return out;
  }

  /** A gauge (scur, qcur) summed over live workers. */
  gauge(name: string, column: string): number {
    const id = this.current.get(name) ?? name;
    let n = 0;
    for (const rows of this.live.values()) {
      const row = rows.get(id);
      if (row) n += num(row, column);
    }
    return n;
  }

  latencyOf(name: string): LatencyTotals {
    const t = this.latency.get(this.current.get(name) ?? name);
    return t
      ? { counts: [...t.counts], sumMs: t.sumMs }
      : { counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), sumMs: 0 };
  }

  private fold(id: string, row: StatRow): void {
    const b = this.base.get(id) ?? zero();
    for (const c of COUNTERS) b[c] += num(row, c);
    this.base.set(id, b);
  }

  private addLatency(id: string, requests: number, avgMs: number): void {
    let t = this.latency.get(id);
    if (!t) {
      t = { counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), sumMs: 0 };
      this.latency.set(id, t);
    }
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && avgMs > LATENCY_BUCKETS_MS[i]!) i++;
    t.counts[i]! += requests;
    t.sumMs += requests * avgMs;
  }
}
