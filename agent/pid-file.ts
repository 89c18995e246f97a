/**
 * `<data-dir>/agent.pid`: lets the command line reach the agent running on the same data dir,
 * so that `cert import` of a renewed certificate takes effect at once (SIGHUP → reload → the
 * listener's contexts are swapped). The pid is only signalled when /proc shows it is still a
 * portico agent: a stale file must never make us signal an unrelated process.
 */
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const PID_FILE = 'agent.pid';

export async function writePidFile(dataDir: string): Promise<void> {
  await writeFile(join(dataDir, PID_FILE), `${process.pid}\n`, { mode: 0o644 });
}

export async function removePidFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, PID_FILE), { force: true });
}

/** The pid of a live agent on this data dir, if there is one. */
export async function runningAgent(dataDir: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(join(dataDir, PID_FILE), 'utf8'), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /portico-agent|agent[/\\]cli\.ts|agent[/\\]demo\.ts/.test(cmdline) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Asks a running agent to re-read its config and certificates; the pid it reached, if any. */
export async function reloadRunningAgent(dataDir: string): Promise<number | undefined> {
  const pid = await runningAgent(dataDir);
  if (pid === undefined) return undefined;
  try {
    process.kill(pid, 'SIGHUP');
    return pid;
  } catch {
    return undefined;
  }
}
