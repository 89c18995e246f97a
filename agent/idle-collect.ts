/**
 * Gives memory back once a burst of traffic is over. Under load V8's heap grows into more
 * pages, and after the load it keeps them resident (pooled for reuse): it shrinks only when it
 * judges its allocation rate low, a rate it samples at collections, which an idle agent does
 * not run. Measured after the bench's load scenarios: 175 MB resident for good, 104 MB after one
 * memory-reducing collection (bench/README.md, issue 13).
 *
 * So every interval the agent looks at itself: when it was quiet (under QUIET_SHARE of one core)
 * and its resident memory is GROWTH_BYTES over what it was after the last such collection, it
 * runs one (V8's "last resort" flavour, the one that releases pooled pages; a plain major
 * collection does not). Under load it never runs; when memory is really in use (10,000 idle
 * clients) it runs once and the new floor stops it.
 *
 * It needs the gc() that --expose-gc provides: the systemd unit sets it. Without it (tests,
 * source runs) this does nothing.
 */
import type { Logger } from 'pino';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export const INTERVAL_MS = 5_000;
/** Busier than this share of one core in the last interval is not quiet. */
export const QUIET_SHARE = 0.02;
export const GROWTH_BYTES = 16 * 1024 * 1024;

export interface Sample {
  /** CPU seconds used in the interval, user + system. */
  cpuS: number;
  intervalS: number;
  rssBytes: number;
}

/** Whether to collect now, given what the last collection left (its RSS: the floor). */
export function shouldCollect(s: Sample, floorBytes: number): boolean {
  return s.cpuS < QUIET_SHARE * s.intervalS && s.rssBytes > floorBytes + GROWTH_BYTES;
}

export interface IdleCollector {
  stop(): void;
}

export function startIdleCollect(log: Logger, intervalMs = INTERVAL_MS): IdleCollector {
  const collect = (globalThis as { gc?: Collect }).gc;
  if (typeof collect !== 'function') return { stop: () => undefined };
  let floor = process.memoryUsage.rss();
  let cpu = process.cpuUsage();
  let at = performance.now();
  const timer = setInterval(() => {
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const sample = {
      cpuS: (used.user + used.system) / 1e6,
      intervalS: (now - at) / 1000,
      rssBytes: process.memoryUsage.rss(),
    };
    if (shouldCollect(sample, floor)) {
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
