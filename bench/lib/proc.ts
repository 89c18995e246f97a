/**
 * Child processes of the benchmark: every one is registered here so that a normal end, an
 * error, Ctrl-C or SIGTERM kills all of them (and their children, e.g. nginx workers) by PID.
 * Nothing is ever killed by name: other people's nginx/haproxy on the same machine are safe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A long-running server we started (back end, proxies). Its output goes to files, not pipes. */
export interface Daemon {
  name: string;
  pid: number;
  /** Settles when the process has exited (never rejects). */
  exited: Promise<ExitInfo>;
  /** null while it runs. */
  exitInfo(): ExitInfo | null;
  stdoutPath: string;
  stderrPath: string;
}

const live = new Set<ChildProcess>();

/**
 * Shell prefix that raises the open-files limit before exec'ing the real program, so 10,000
 * idle client connections (plus upstream sockets) fit. If 65536 is above the hard limit (an
 * unprivileged container), fall back to the hard limit rather than failing. `exec` keeps the
 * PID, so the PID we hold is the program's own, which is what /proc accounting needs.
 */
const ULIMIT_EXEC = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';

/** The open-files limit our children will actually get with ULIMIT_EXEC. */
export async function childNofile(): Promise<number> {
  const r = await runTool('/bin/sh', ['-c', ULIMIT_EXEC, 'sh', '/bin/sh', '-c', 'ulimit -n'], {
    timeoutMs: 5000,
  });
  const n = Number(r.stdout.trim());
  return Number.isFinite(n) && n > 0 ? n : 1024;
}

export function startDaemon(
  name: string,
  cmd: string,
  args: string[],
  opts: { cwd?: string; logDir: string; env?: NodeJS.ProcessEnv },
): Daemon {
  // Output to files: the bench process must not spend CPU draining pipes during a measurement,
  // and a chatty child must never block on a full pipe.
  const stdoutPath = `${opts.logDir}/${name}.stdout.log`;
  const stderrPath = `${opts.logDir}/${name}.stderr.log`;
  const out = openSync(stdoutPath, 'a');
  const err = openSync(stderrPath, 'a');
  const child = spawn('/bin/sh', ['-c', ULIMIT_EXEC, name, cmd, ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', out, err],
  });
  closeSync(out);
  closeSync(err);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
  live.add(child);
  let info: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      info = { code, signal };
      live.delete(child);
      resolve(info);
    });
    child.once('error', () => {
      info = { code: null, signal: null };
      live.delete(child);
      resolve(info);
    });
  });
  return { name, pid: child.pid, exited, exitInfo: () => info, stdoutPath, stderrPath };
}

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a short-lived tool (wrk, curl, getconf) with a hard time limit and captured output. */
export function runTool(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; raiseLimit?: boolean },
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = opts.raiseLimit
      ? spawn('/bin/sh', ['-c', ULIMIT_EXEC, cmd, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    // Bounded output: these tools print a few KiB; cap in case something goes wrong.
    const cap = 1 << 20;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < cap) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < cap) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut });
    };
    child.once('close', done);
    child.once('error', (e) => {
      stderr += String(e);
      done(null, null);
    });
  });
}

/** pid and all its descendants, read from /proc (children files are per thread). */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  // Bounded: a process tree of a proxy is tiny; the cap only guards against /proc oddities.
  while (queue.length > 0 && out.length < 1024) {
    const p = queue.shift() as number;
    out.push(p);
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue; // already gone
    }
    for (const tid of tids) {
      try {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) queue.push(Number(k));
      } catch {
        // thread or process vanished meanwhile
      }
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalAll(pids: number[], sig: NodeJS.Signals): void {
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM the daemon and its descendants, SIGKILL whatever is left after graceMs. */
export async function stopDaemon(d: Daemon, graceMs = 3000): Promise<void> {
  if (d.exitInfo()) return;
  // Collect the tree first: once the parent dies, orphans are reparented and harder to find.
  const tree = processTree(d.pid);
  signalAll(tree, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && tree.some(alive)) await sleep(50);
  signalAll(tree.filter(alive), 'SIGKILL');
  await Promise.race([d.exited, sleep(1000)]);
}

/** Async cleanup: every registered child (daemons and tools), by PID, with their descendants. */
export async function killAllChildren(graceMs = 3000): Promise<void> {
  const pids = [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);
  const tree = pids.flatMap((p) => processTree(p));
  signalAll(tree, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && tree.some(alive)) await sleep(50);
  signalAll(tree.filter(alive), 'SIGKILL');
}

/** Last resort from a synchronous 'exit' handler: no waiting possible, so SIGKILL at once. */
export function killAllChildrenSync(): void {
  const pids = [...live].map((c) => c.pid).filter((p): p is number => p !== undefined);
  signalAll(
    pids.flatMap((p) => processTree(p)),
    'SIGKILL',
  );
}

/** Distinct free TCP ports on 127.0.0.1: hold them all open at once, then release together. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const t = setTimeout(() => finish(false), timeoutMs);
    function finish(ok: boolean) {
      clearTimeout(t);
      sock.destroy();
      resolve(ok);
    }
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}

/** Waits until host:port accepts a TCP connection, the daemon exits, or timeoutMs passes. */
export async function waitForPort(d: Daemon, host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Bounded by the deadline; 100 ms between attempts keeps start-up detection quick but cheap.
  while (Date.now() < deadline) {
    const info = d.exitInfo();
    if (info) {
      throw new Error(
        `${d.name} exited (code ${info.code}, signal ${info.signal}) before ${host}:${port} accepted connections`,
      );
    }
    if (await tryConnect(host, port, 500)) return;
    await sleep(100);
  }
  throw new Error(`${d.name} did not accept connections on ${host}:${port} within ${timeoutMs / 1000} s`);
}

/** Last `maxBytes` of a log file, for error messages. */
export function tailFile(path: string, maxBytes = 4000): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.length > maxBytes ? '…' + text.slice(-maxBytes) : text;
  } catch {
    return '';
  }
}
