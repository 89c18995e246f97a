/**
 * This process's resident memory, CPU and event-loop delay, measured over an interval: CPU as
 * cores used (user + system seconds per wall second, so 1.0 is one core busy), the delay as the
 * worst a timer waited (every agent's API answers on this one loop).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface Usage {
  rssMB: number;
  heapMB: number;
  cores: number;
  seconds: number;
  /** Event-loop delay, ms: 99th percentile and maximum over the interval. */
  loopP99Ms: number;
  loopMaxMs: number;
}

export class UsageMeter {
  private cpu = process.cpuUsage();
  private at = process.hrtime.bigint();
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.loop.enable();
  }

  /** Usage since the last read (or since the meter was made). */
  read(): Usage {
    const cpu = process.cpuUsage(this.cpu);
    const now = process.hrtime.bigint();
    const seconds = Number(now - this.at) / 1e9;
    this.cpu = process.cpuUsage();
    this.at = now;
    const mem = process.memoryUsage();
    const usage = {
      rssMB: mem.rss / 2 ** 20,
      heapMB: mem.heapUsed / 2 ** 20,
      cores: (cpu.user + cpu.system) / 1e6 / seconds,
      seconds,
      loopP99Ms: this.loop.percentile(99) / 1e6,
      loopMaxMs: this.loop.max / 1e6,
    };
    this.loop.reset();
    return usage;
  }
}

export function formatUsage(u: Usage): string {
  return (
    `rss ${u.rssMB.toFixed(0)} MB, heap ${u.heapMB.toFixed(0)} MB, cpu ${u.cores.toFixed(2)} cores over ` +
    `${u.seconds.toFixed(1)} s, event loop delay p99 ${u.loopP99Ms.toFixed(0)} ms (max ${u.loopMaxMs.toFixed(0)})`
  );
}
