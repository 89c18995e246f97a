/**
 * A real `portico-agent` process on a fresh data dir, as an admin runs it: the config written
 * to config.json before start, the management API on a free loopback port, logs collected from
 * stdout. Tests that must prove the process survives (hostile traffic, soak) use this rather
 * than an in-process Engine: a crash ends the child, not the test runner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient } from './mgmt-agent.ts';
import { until } from './engine.ts';
import { freePort } from './ports.ts';

const repo = new URL('../..', import.meta.url).pathname;

export interface AgentProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly dataDir: string;
  readonly apiPort: number;
  /** Parsed JSON log lines, in order. */
  readonly logs: Record<string, unknown>[];
  /** Everything the agent wrote to stderr (crashes), without the first start's token banner. */
  stderr(): string;
  /** A new authenticated management session. */
  client(): Promise<TestClient>;
  /** Open file descriptors of the agent process now (sockets included). */
  fdCount(): number;
  /** Resident set size of the agent process now, in bytes. */
  rssBytes(): number;
  /** True while the process runs. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
  /** Stops the process if it runs and removes the data dir. */
  cleanup(): Promise<void>;
}

export interface AgentProcessOptions {
  /** config.json written before start (an object, serialised as an admin would). */
  config?: unknown;
  /** Extra command-line arguments. */
  args?: string[];
  /** Files to put in the data dir before start, by relative name. */
  files?: Record<string, string>;
  /** Environment additions. */
  env?: Record<string, string>;
  /** Reuse this data dir instead of a fresh one (restart after a kill). */
  dataDir?: string;
  startTimeoutMs?: number;
}

export async function startAgentProcess(opts: AgentProcessOptions = {}): Promise<AgentProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'portico-agent-'));
  if (opts.config !== undefined)
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify(opts.config, null, 2));
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dataDir, name), text);
  const apiPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(repo, 'agent/cli.ts'),
      '--data-dir',
      dataDir,
      '--api',
      `127.0.0.1:${apiPort}`,
      '--no-mdns',
      ...(opts.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let buf = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  try {
    await until(
      () => {
        if (!alive()) throw new Error(`the agent exited during start:\n${withoutToken(stderr)}`);
        return logs.some((l) => l.msg === 'agent started');
      },
      'the agent to start',
      opts.startTimeoutMs ?? 15_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const pid = child.pid!;
  const stop = async (graceMs = 5_000): Promise<number | null> => {
    if (!alive()) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return {
    child,
    pid,
    dataDir,
    apiPort,
    logs,
    stderr: () => withoutToken(stderr),
    client: () =>
      TestClient.open(`wss://127.0.0.1:${apiPort}/v1`, {
        ca: readFileSync(join(dataDir, 'identity.crt'), 'utf8'),
        headers: { authorization: `Bearer ${readFileSync(join(dataDir, 'token'), 'utf8').trim()}` },
      }),
    fdCount: () => readdirSync(`/proc/${pid}/fd`).length,
    rssBytes: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    alive,
    stop,
    cleanup: async () => {
      await stop(2_000);
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The admin token is printed once at first start; it has no place in a test's failure text. */
function withoutToken(text: string): string {
  return text.replace(/^(Admin token for this agent[^\n]*\n)\s+\S+/m, '$1  <token>');
}
