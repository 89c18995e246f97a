/**
 * This process's resident memory and CPU, measured over an interval: CPU as cores used (user +
 * system seconds per wall second), so 1.0 is one core busy.
 */
export interface Usage {
  rssMB: number;
  heapMB: number;
  cores: number;
  seconds: number;
}

export class UsageMeter {
  private cpu = process.cpuUsage();
  private at = process.hrtime.bigint();

  /** Usage since the last read (or since the meter was made). */
  read(): Usage {
    const cpu = process.cpuUsage(this.cpu);
    const now = process.hrtime.bigint();
    const seconds = Number(now - this.at) / 1e9;
    this.cpu = process.cpuUsage();
    this.at = now;
    const mem = process.memoryUsage();
    return {
      rssMB: mem.rss / 2 ** 20,
      heapMB: mem.heapUsed / 2 ** 20,
      cores: (cpu.user + cpu.system) / 1e6 / seconds,
      seconds,
    };
  }
}

export function formatUsage(u: Usage): string {
  return `rss ${u.rssMB.toFixed(0)} MB, heap ${u.heapMB.toFixed(0)} MB, cpu ${u.cores.toFixed(2)} cores over ${u.seconds.toFixed(1)} s`;
}
