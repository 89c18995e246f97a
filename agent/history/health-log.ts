/**
 * Real-server health transitions of the last 24 hours, in a ring of fixed size: a flapping
 * server cannot grow the agent's memory, it only shortens how far back transitions reach.
 * `from` comes from the state this log last saw for the server (seeded from the engine's
 * snapshot), since health events carry only the new state.
 */
import type { HealthState, RealServerHealth } from '../../shared/model/health.ts';
import type { HealthTransition } from '../../shared/protocol/history.ts';

/** Transitions kept: about 200 bytes each, so 2 MB at most. */
export const MAX_TRANSITIONS = 10_000;
const DAY_MS = 86_400_000;

interface Entry {
  key: string;
  pool: string;
  server: string;
  from: HealthState;
  to: HealthState;
  at: number;
  reason: string | undefined;
}

export class HealthLog {
  private readonly entries: (Entry | undefined)[];
  private next = 0;
  private size = 0;
  private readonly states = new Map<string, HealthState>();

  constructor(capacity = MAX_TRANSITIONS) {
    this.entries = new Array<Entry | undefined>(capacity);
  }

  /** What each server is now, so the first change of each has a `from`. */
  seed(snapshot: readonly RealServerHealth[]): void {
    for (const h of snapshot) this.states.set(h.key, h.state);
  }

  record(h: RealServerHealth, fallbackAt: number): void {
    const from = this.states.get(h.key) ?? 'unknown';
    this.states.set(h.key, h.state);
    if (from === h.state) return;
    const since = Date.parse(h.since);
    const entry: Entry = {
      key: h.key,
      pool: h.pool,
      server: h.server,
      from,
      to: h.state,
      at: Number.isFinite(since) ? since : fallbackAt,
      reason: h.reason,
    };
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.entries.length;
    this.size = Math.min(this.size + 1, this.entries.length);
  }

  /** Servers that left the configuration: a server added again later starts from `unknown`. */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.states.keys()) if (!keys.has(key)) this.states.delete(key);
  }

  /** Transitions in [since, until) of the pools asked for (all when `pools` is undefined), oldest first. */
  between(
    since: number,
    until: number,
    now: number,
    pools: ReadonlySet<string> | undefined,
  ): HealthTransition[] {
    const out: HealthTransition[] = [];
    const oldest = Math.max(since, now - DAY_MS);
    const cap = this.entries.length;
    for (let i = 0; i < this.size; i++) {
      const e = this.entries[(this.next - this.size + i + cap) % cap]!;
      if (e.at < oldest || e.at >= until) continue;
      if (pools && !pools.has(e.pool)) continue;
      out.push({
        key: e.key,
        pool: e.pool,
        server: e.server,
        from: e.from,
        to: e.to,
        at: new Date(e.at).toISOString(),
        ...(e.reason !== undefined ? { reason: e.reason } : {}),
      });
    }
    // Events arrive in order of receipt; `since` stamps may disagree by a few ms.
    return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  get length(): number {
    return this.size;
  }
}
