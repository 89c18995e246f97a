/**
 * Schedulers: pure choice of one real server out of a group. No I/O, no clocks, so every
 * distribution is table-tested. State that must survive between picks (the round-robin cursor,
 * smooth-weighted counters) lives in the scheduler object, one per server group.
 */
import type { Scheduler as SchedulerKind } from '../../shared/model/config.ts';

/** What a scheduler needs to know of a server. RealServerRuntime satisfies it. */
export interface Candidate {
  readonly weight: number;
  /** In-flight connections (L4) or requests (L7). */
  readonly active: number;
  /** Enabled, not down, and under its connection limit. */
  isAvailable(): boolean;
  /** Stable per-server seed for source-IP hashing (derived from its name). */
  readonly hashSeed: number;
}

export interface Scheduler<T extends Candidate> {
  /** A server for this client, never one in `exclude` (servers already tried for this request). */
  pick(servers: readonly T[], clientIp: string, exclude?: ReadonlySet<T>): T | undefined;
}

/**
 * A server a scheduler may pick: available, not already tried, and with a weight. Weight 0 takes
 * no new traffic under every scheduler (as in HAProxy), while a client already bound to the
 * server by persistence still reaches it: a soft drain.
 */
const usable = <T extends Candidate>(s: T, exclude?: ReadonlySet<T>) =>
  s.weight > 0 && s.isAvailable() && !(exclude && exclude.has(s));

class RoundRobin<T extends Candidate> implements Scheduler<T> {
  private cursor = 0;
  pick(servers: readonly T[], _ip: string, exclude?: ReadonlySet<T>): T | undefined {
    const n = servers.length;
    for (let i = 0; i < n; i++) {
      const s = servers[(this.cursor + i) % n]!;
      if (usable(s, exclude)) {
        this.cursor = (this.cursor + i + 1) % n;
        return s;
      }
    }
    return undefined;
  }
}

/**
 * nginx's smooth weighted round-robin: weights 5,1,1 give a,a,b,a,c,a,a rather than a burst of
 * five a's, so a heavy server is not hit in bursts.
 */
class WeightedRoundRobin<T extends Candidate> implements Scheduler<T> {
  private current = new WeakMap<T, number>();
  pick(servers: readonly T[], _ip: string, exclude?: ReadonlySet<T>): T | undefined {
    let total = 0;
    let best: T | undefined;
    let bestScore = -Infinity;
    for (const s of servers) {
      if (!usable(s, exclude)) continue;
      const score = (this.current.get(s) ?? 0) + s.weight;
      this.current.set(s, score);
      total += s.weight;
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    if (best) this.current.set(best, bestScore - total);
    return best;
  }
}

/** Fewest in-flight per unit of weight; ties rotate so equal servers share the load. */
class LeastConnections<T extends Candidate> implements Scheduler<T> {
  private rotate = 0;
  pick(servers: readonly T[], _ip: string, exclude?: ReadonlySet<T>): T | undefined {
    const n = servers.length;
    let best: T | undefined;
    let bestLoad = Infinity;
    const start = this.rotate++ % (n || 1);
    for (let i = 0; i < n; i++) {
      const s = servers[(start + i) % n]!;
      if (!usable(s, exclude)) continue;
      const load = s.active / s.weight;
      if (load < bestLoad) {
        bestLoad = load;
        best = s;
      }
    }
    return best;
  }
}

/**
 * Rendezvous (highest-random-weight) hashing: a client keeps its server while that server is
 * available, and when one server goes away only its own clients move.
 */
class SourceIpHash<T extends Candidate> implements Scheduler<T> {
  pick(servers: readonly T[], clientIp: string, exclude?: ReadonlySet<T>): T | undefined {
    const h = hashString(clientIp);
    let best: T | undefined;
    let bestScore = -1;
    for (const s of servers) {
      if (!usable(s, exclude)) continue;
      const score = mix32(h ^ s.hashSeed);
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    return best;
  }
}

export function createScheduler<T extends Candidate>(kind: SchedulerKind): Scheduler<T> {
  switch (kind) {
    case 'round-robin':
      return new RoundRobin<T>();
    case 'weighted-round-robin':
      return new WeightedRoundRobin<T>();
    case 'least-connections':
      return new LeastConnections<T>();
    case 'source-ip-hash':
      return new SourceIpHash<T>();
  }
}

/** FNV-1a over UTF-16 code units: cheap and good enough to spread addresses. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit finaliser (murmur3's) so that nearby inputs give unrelated scores. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
