/**
 * The last hour of health per real server (`pool/server`), in memory. A sample is a state
 * change (the agent sends `health` events only on changes; snapshots after a reconnect fill in
 * what was missed). A server of a pool several services use has one series, as it has one state.
 * Bounded twice: samples older than the window go, and a flapping server keeps at most
 * `maxPerServer`. The newest sample that fell out of the window is kept as the baseline, so a
 * chart of the hour knows the state at its left edge.
 */
import type { HealthState, RealServerHealth } from '../../shared/model/health.ts';

export interface HealthSample {
  /** When the server entered this state (the agent's `since`). */
  at: string;
  state: HealthState;
  reason?: string;
  latencyMs?: number;
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

export const DEFAULT_HISTORY: HistoryOptions = { windowMs: 60 * 60 * 1000, maxPerServer: 720 };

interface Series {
  baseline?: HealthSample;
  samples: HealthSample[];
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
    if (!series) servers.set(health.key, (series = { samples: [] }));
    const last = series.samples.at(-1) ?? series.baseline;
    // Same state since the same moment: a snapshot repeating what an event told us.
    if (last && last.state === health.state && last.at === health.since) return false;
    // Older than what we have: a late duplicate; history only moves forward.
    if (last && Date.parse(health.since) < Date.parse(last.at)) return false;
    series.samples.push(sampleOf(health));
    this.prune(series);
    return true;
  }

  series(agentId: string, key: string): HealthSeries {
    const series = this.byAgent.get(agentId)?.get(key);
    if (!series) return { samples: [] };
    this.prune(series);
    return { ...(series.baseline ? { baseline: series.baseline } : {}), samples: [...series.samples] };
  }

  /** Keys with history for an agent. */
  keys(agentId: string): string[] {
    return [...(this.byAgent.get(agentId)?.keys() ?? [])];
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

  private prune(series: Series): void {
    const cutoff = this.now() - this.opts.windowMs;
    let drop = 0;
    while (drop < series.samples.length && Date.parse(series.samples[drop]!.at) < cutoff) drop++;
    drop = Math.max(drop, series.samples.length - this.opts.maxPerServer);
    if (drop <= 0) return;
    series.baseline = series.samples[drop - 1];
    series.samples.splice(0, drop);
  }
}

function sampleOf(h: RealServerHealth): HealthSample {
  return {
    at: h.since,
    state: h.state,
    ...(h.reason === undefined ? {} : { reason: h.reason }),
    ...(h.latencyMs === undefined ? {} : { latencyMs: h.latencyMs }),
  };
}
