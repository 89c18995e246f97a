/**
 * CPU time and memory of a proxy, read from /proc. A proxy may be several processes (nginx
 * master + worker, later Portico workers), so figures are summed over its process tree.
 */
import { readFileSync } from 'node:fs';
import { processTree } from './proc.ts';
import { runTool } from './proc.ts';

let clkTck = 100;

/** Reads `getconf CLK_TCK` once; /proc/<pid>/stat counts CPU time in these ticks. */
export async function initClockTicks(): Promise<number> {
  const r = await runTool('getconf', ['CLK_TCK'], { timeoutMs: 5000 });
  const n = Number(r.stdout.trim());
  if (Number.isFinite(n) && n > 0) clkTck = n;
  return clkTck;
}

/** utime + stime of one process (all its threads), in seconds; 0 if it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and ')': parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / clkTck;
  } catch {
    return 0;
  }
}

function rssKiBOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by pid and its descendants. */
export function cpuSeconds(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + cpuSecondsOf(p), 0);
}

/** Resident memory of pid and its descendants, in MB (10^6 bytes, as the target is stated). */
export function rssMB(pid: number): number {
  return (processTree(pid).reduce((sum, p) => sum + rssKiBOf(p), 0) * 1024) / 1e6;
}

/**
 * CPU seconds the machine spent busy so far: user, nice, system, irq and softirq. A process's
 * stime includes the softirq work done on its behalf (loopback networking), which /proc/stat
 * books apart, so irq and softirq belong here for the two to be comparable.
 */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal …
  const v = line.trim().split(/\s+/).slice(1, 8).map(Number);
  const busy = (v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0) + (v[5] ?? 0) + (v[6] ?? 0);
  return busy / clkTck;
}

/**
 * CPU seconds used by this bench process, every descendant still running (peers, back end,
 * load tools) and every child it has already reaped (a finished wrk or curl).
 */
export function benchCpuSeconds(): number {
  let reaped = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // cutime (16) and cstime (17) are at 13 and 14 after the state field.
    reaped = (Number(f[13]) + Number(f[14])) / clkTck;
  } catch {
    // /proc unreadable: no correction
  }
  return cpuSeconds(process.pid) + reaped;
}
