/**
 * Gives memory back once a burst of traffic is over. Under load V8's heap grows into more
 * pages, and after the load it keeps them resident (pooled for reuse): it shrinks only when it
 * judges its allocation rate low, a rate it samples at collections, which an idle agent does
 * not run. Measured after the bench's load scenarios: 175 MB resident for good, 104 MB after one
 * memory-reducing collection (bench/README.md, issue 13).
 *
 * So every interval the agent looks at itself: when it has been quiet (under QUIET_SHARE of one
 * core) for QUIET_S and its resident memory is GROWTH_BYTES over what it was after the last such
 * collection, it runs one (V8's "last resort" flavour, the one that releases pooled pages; a
 * plain major collection does not). Under load it never runs; when memory is really in use
 * (10,000 idle clients) it runs once and the new floor stops it.
 *
 * It has a price, hence the long quiet: after such a collection the agent spent about 8% more
 * CPU per new connection for as long as it was measured (40 s of load; keep-alive requests
 * within noise), so short pauses between bursts keep the memory and the speed.
 *
 * It needs the gc() that --expose-gc provides: the systemd unit sets it. Without it (tests,
 * source runs) this does nothing.
 */
import type { Logger } from 'pino';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export const INTERVAL_MS = 5_000;
/** Busier than this share of one core in an interval is not quiet. */
export const QUIET_SHARE = 0.02;
/** How long the agent must have been quiet. */
export const QUIET_S = 30;
export const GROWTH_BYTES = 16 * 1024 * 1024;

export interface Sample {
  /** CPU seconds used in the interval, user + system. */
  cpuS: number;
  intervalS: number;
  rssBytes: number;
}

export function isQuiet(s: Sample): boolean {
  return s.cpuS < QUIET_SHARE * s.intervalS;
}

/**
 * Whether to collect now, given how long the agent has been quiet (this interval included) and
 * what the last collection left (its RSS: the floor).
 */
export function shouldCollect(s: Sample, quietS: number, floorBytes: number, needS = QUIET_S): boolean {
  return quietS >= needS && s.rssBytes > floorBytes + GROWTH_BYTES;
}

export interface IdleCollector {
  stop(): void;
}

/** @param quietS how long a quiet spell must last (tests shorten it) */
export function startIdleCollect(log: Logger, intervalMs = INTERVAL_MS, quietS = QUIET_S): IdleCollector {
  const collect = (globalThis as { gc?: Collect }).gc;
  if (typeof collect !== 'function') return { stop: () => undefined };
  let floor = process.memoryUsage.rss();
  let cpu = process.cpuUsage();
  let at = performance.now();
  let quiet = 0;
  const timer = setInterval(() => {
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const sample = {
      cpuS: (used.user + used.system) / 1e6,
      intervalS: (now - at) / 1000,
      rssBytes: process.memoryUsage.rss(),
    };
    quiet = isQuiet(sample) ? quiet + sample.intervalS : 0;
    if (shouldCollect(sample, quiet, floor, quietS)) {
      quiet = 0;
      collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
      floor = process.memoryUsage.rss();
      const ms = performance.now() - now;
      log.debug(
        { rssBeforeMB: mb(sample.rssBytes), rssAfterMB: mb(floor), ms: Math.round(ms) },
        'quiet: memory given back',
      );
    } else if (sample.rssBytes < floor) floor = sample.rssBytes;
    cpu = process.cpuUsage();
    at = performance.now();
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function mb(bytes: number): number {
  return Math.round(bytes / 1e5) / 10;
}
