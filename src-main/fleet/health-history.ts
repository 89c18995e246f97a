/**
 * The last hour of health per real server (`pool/server`), in memory. A sample is a state
 * change (the agent sends `health` events only on changes; snapshots after a reconnect fill in
 * what was missed). A server of a pool several services use has one series, as it has one state.
 *
 * Bounded twice: samples older than the window go, and a flapping server keeps at most
 * `maxPerServer` (a sparkline of 120 px cannot draw more). The newest sample that fell out is
 * kept as the baseline, so a chart of the hour knows the state at its left edge.
 *
 * Kept compact because a fleet of 50,000 servers flapping thousands of times a second is what it
 * must hold (bench:ui's fleet case streams 5,000 changes a second). Per server, one array of
 * numbers — each sample's time and state in one double, `at × 4 + state` (exact: times stay far
 * below 2^51) — and, only once a fall with a reason came, a parallel array of reasons, each the
 * series' previous reason when it is the same text (a flapping server fails the same way each
 * time). The arrays are made to the size of the first sample: most servers never change in an
 * hour. Measured with 50,000 servers (heap after a full GC): one sample each 31 MB with the
 * three arrays per server this replaces, 7 MB now; 30 samples each 61 MB, 46 MB now (both with
 * the keys and maps).
 */
import { HEALTH_STATES, type HealthState, type RealServerHealth } from '../../shared/model/health.ts';

export interface HealthSample {
  /** When the server entered this state (the agent's `since`). */
  at: string;
  state: HealthState;
  /** Why it went down (down samples only). */
  reason?: string;
}

export interface HealthSeries {
  /** The state at the start of the window, if it began before it. */
  baseline?: HealthSample;
  /** Oldest first. */
  samples: HealthSample[];
}

export interface HistoryOptions {
  windowMs: number;
  maxPerServer: number;
}

export const DEFAULT_HISTORY: HistoryOptions = { windowMs: 60 * 60 * 1000, maxPerServer: 30 };

interface Series {
  /** `at × STATES + state index` per sample, oldest first (at: ms since the epoch). */
  samples: number[];
  /** Each sample's reason, parallel to `samples`; absent until a sample has one. */
  reasons?: (string | undefined)[];
  baseline?: { at: number; state: HealthState; reason: string | undefined };
}

const STATES = HEALTH_STATES.length;
const pack = (at: number, state: HealthState) => at * STATES + HEALTH_STATES.indexOf(state);
const atOf = (series: Series, i: number) => Math.floor(series.samples[i]! / STATES);
const stateOf = (series: Series, i: number) => HEALTH_STATES[series.samples[i]! % STATES]!;
const reasonOf = (series: Series, i: number) => series.reasons?.[i];

export class HealthHistory {
  private readonly opts: HistoryOptions;
  private readonly now: () => number;
  /** agent id → `pool/server` key → series. */
  private readonly byAgent = new Map<string, Map<string, Series>>();

  constructor(opts: Partial<HistoryOptions> = {}, now: () => number = Date.now) {
    this.opts = { ...DEFAULT_HISTORY, ...opts };
    this.now = now;
  }

  /** Adds the health entry if it is a change; returns whether it did. */
  record(agentId: string, health: RealServerHealth): boolean {
    let servers = this.byAgent.get(agentId);
    if (!servers) this.byAgent.set(agentId, (servers = new Map()));
    const series = servers.get(health.key);
    const since = Date.parse(health.since);
    const reason = health.state === 'down' ? health.reason : undefined;
    if (!series) {
      // Array literals are allocated at their exact size.
      servers.set(
        health.key,
        reason === undefined
          ? { samples: [pack(since, health.state)] }
          : {
              samples: [pack(since, health.state)],
              reasons: [reason],
            },
      );
      return true;
    }
    const n = series.samples.length;
    const lastAt = n > 0 ? atOf(series, n - 1) : series.baseline?.at;
    const lastState = n > 0 ? stateOf(series, n - 1) : series.baseline?.state;
    // Same state since the same moment: a snapshot repeating what an event told us.
    if (lastAt !== undefined && lastState === health.state && lastAt === since) return false;
    // Older than what we have: a late duplicate; history only moves forward.
    if (lastAt !== undefined && since < lastAt) return false;
    if (reason !== undefined && !series.reasons)
      series.reasons = new Array<string | undefined>(n).fill(undefined);
    series.reasons?.push(this.shared(series, reason));
    series.samples.push(pack(since, health.state));
    this.prune(series);
    return true;
  }

  series(agentId: string, key: string): HealthSeries {
    const series = this.byAgent.get(agentId)?.get(key);
    if (!series) return { samples: [] };
    this.prune(series);
    const samples = series.samples.map((_, i) =>
      sample(atOf(series, i), stateOf(series, i), reasonOf(series, i)),
    );
    const { baseline } = series;
    return {
      ...(baseline ? { baseline: sample(baseline.at, baseline.state, baseline.reason) } : {}),
      samples,
    };
  }

  /** Keys with history for an agent. */
  keys(agentId: string): string[] {
    return [...(this.byAgent.get(agentId)?.keys() ?? [])];
  }

  /** Samples held in all (a measure of what the history costs). */
  size(): number {
    let n = 0;
    for (const servers of this.byAgent.values()) for (const s of servers.values()) n += s.samples.length;
    return n;
  }

  /** Forgets servers that no longer exist (removed from the config). */
  retain(agentId: string, keys: ReadonlySet<string>): void {
    const servers = this.byAgent.get(agentId);
    if (!servers) return;
    for (const key of [...servers.keys()]) if (!keys.has(key)) servers.delete(key);
  }

  dropAgent(agentId: string): void {
    this.byAgent.delete(agentId);
  }

  /** The series' last reason when it is the same text, so a flapping server holds one string. */
  private shared(series: Series, reason: string | undefined): string | undefined {
    if (reason === undefined) return undefined;
    for (let i = series.samples.length - 1; i >= 0; i--) {
      if (reasonOf(series, i) === reason) return reasonOf(series, i);
    }
    return series.baseline?.reason === reason ? series.baseline.reason : reason;
  }

  private prune(series: Series): void {
    const cutoff = this.now() - this.opts.windowMs;
    const n = series.samples.length;
    let drop = 0;
    while (drop < n && atOf(series, drop) < cutoff) drop++;
    drop = Math.max(drop, n - this.opts.maxPerServer);
    if (drop <= 0) return;
    series.baseline = {
      at: atOf(series, drop - 1),
      state: stateOf(series, drop - 1),
      reason: reasonOf(series, drop - 1),
    };
    series.samples.splice(0, drop);
    series.reasons?.splice(0, drop);
  }
}

function sample(at: number, state: HealthState, reason: string | undefined): HealthSample {
  return { at: new Date(at).toISOString(), state, ...(reason === undefined ? {} : { reason }) };
}
