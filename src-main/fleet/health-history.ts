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
 * must hold: parallel arrays of numbers and shared strings rather than an object per sample
 * (16 bytes a sample, not ~100), and the reason only of a fall, reusing the series' previous
 * reason when it is the same text (a flapping server fails the same way each time).
 */
import type { HealthState, RealServerHealth } from '../../shared/model/health.ts';

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
  /** ms since the epoch, oldest first; `state` and `reason` run parallel. */
  at: number[];
  state: HealthState[];
  reason: (string | undefined)[];
  baseline?: { at: number; state: HealthState; reason: string | undefined };
}

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
    let series = servers.get(health.key);
    if (!series) servers.set(health.key, (series = { at: [], state: [], reason: [] }));
    const since = Date.parse(health.since);
    const n = series.at.length;
    const lastAt = n > 0 ? series.at[n - 1]! : series.baseline?.at;
    const lastState = n > 0 ? series.state[n - 1] : series.baseline?.state;
    // Same state since the same moment: a snapshot repeating what an event told us.
    if (lastAt !== undefined && lastState === health.state && lastAt === since) return false;
    // Older than what we have: a late duplicate; history only moves forward.
    if (lastAt !== undefined && since < lastAt) return false;
    series.at.push(since);
    series.state.push(health.state);
    series.reason.push(health.state === 'down' ? this.shared(series, health.reason) : undefined);
    this.prune(series);
    return true;
  }

  series(agentId: string, key: string): HealthSeries {
    const series = this.byAgent.get(agentId)?.get(key);
    if (!series) return { samples: [] };
    this.prune(series);
    const samples = series.at.map((at, i) => sample(at, series.state[i]!, series.reason[i]));
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
    for (const servers of this.byAgent.values()) for (const s of servers.values()) n += s.at.length;
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
    for (let i = series.reason.length - 1; i >= 0; i--) {
      if (series.reason[i] === reason) return series.reason[i];
    }
    return series.baseline?.reason === reason ? series.baseline.reason : reason;
  }

  private prune(series: Series): void {
    const cutoff = this.now() - this.opts.windowMs;
    let drop = 0;
    while (drop < series.at.length && series.at[drop]! < cutoff) drop++;
    drop = Math.max(drop, series.at.length - this.opts.maxPerServer);
    if (drop <= 0) return;
    series.baseline = {
      at: series.at[drop - 1]!,
      state: series.state[drop - 1]!,
      reason: series.reason[drop - 1],
    };
    series.at.splice(0, drop);
    series.state.splice(0, drop);
    series.reason.splice(0, drop);
  }
}

function sample(at: number, state: HealthState, reason: string | undefined): HealthSample {
  return { at: new Date(at).toISOString(), state, ...(reason === undefined ? {} : { reason }) };
}
