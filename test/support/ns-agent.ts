/**
 * A real `portico-agent` process inside a network namespace (`ip netns exec NS node agent/cli.ts`),
 * its management API on that namespace's 127.0.0.1:7443, reached from the test through
 * netns.ts's `reach()`. It can be killed with any signal and started again on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../src-main/fleet/agent-client.ts';
import { TestClient } from './mgmt-agent.ts';
import { reach, track, type Reach } from './netns.ts';

const CLI = new URL('../../agent/cli.ts', import.meta.url).pathname;
const API_PORT = 7443;
const METRICS_PORT = 9100;

export interface NsAgent {
  ns: string;
  name: string;
  dataDir: string;
  /** JSON log lines of the current process, in order. */
  logs: Record<string, unknown>[];
  pid(): number;
  alive(): boolean;
  /** The 127.0.0.1 port here that leads to its management API. */
  apiPort(): number;
  /** A management session over the relay. */
  client(): Promise<TestClient>;
  /** The Console's own client (pinned fingerprint, token), not yet started. */
  consoleClient(): AgentClient;
  /** GET /metrics (started with --metrics 127.0.0.1:9100 in its namespace). */
  metrics(): Promise<string>;
  /** Agent id and fingerprint from agent.json. */
  identity(): { id: string; fingerprint: string };
  signal(sig: NodeJS.Signals): void;
  /** Waits for the process to exit (after a kill). */
  exited(): Promise<void>;
  /** SIGTERM, bounded; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Starts again on the same data dir. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export interface NsAgentOptions {
  name: string;
  config?: unknown;
  /** ha.json written before the first start. */
  ha?: unknown;
  args?: string[];
}

export async function startAgentIn(ns: string, opts: NsAgentOptions): Promise<NsAgent> {
  const dataDir = mkdtempSync(join(tmpdir(), `portico-${opts.name}-`));
  if (opts.config !== undefined)
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify(opts.config, null, 2));
  if (opts.ha !== undefined)
    writeFileSync(join(dataDir, 'ha.json'), JSON.stringify(opts.ha, null, 2), { mode: 0o600 });
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let logs: Record<string, unknown>[] = [];
  let api: Reach | undefined;
  let metrics: Reach | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const start = async () => {
    logs = [];
    const lines = logs;
    let stderr = '';
    const proc = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        CLI,
        '--data-dir',
        dataDir,
        '--api',
        `127.0.0.1:${API_PORT}`,
        '--no-mdns',
        '--metrics',
        `127.0.0.1:${METRICS_PORT}`,
        '--name',
        opts.name,
        ...(opts.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORTICO_LOG_LEVEL: 'debug' } },
    );
    child = proc;
    track(proc);
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    let buf = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          lines.push({ msg: line });
        }
      }
    });
    const end = Date.now() + 20_000;
    while (!lines.some((l) => l.msg === 'agent started')) {
      if (proc.exitCode !== null || Date.now() > end) {
        proc.kill('SIGKILL');
        throw new Error(
          `agent ${opts.name} did not start: ${stderr.replace(/Admin token[^\n]*\n\s+\S+/, '<token>').slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    api ??= await reach(ns, '127.0.0.1', API_PORT);
    metrics ??= await reach(ns, '127.0.0.1', METRICS_PORT);
  };

  const token = () => readFileSync(join(dataDir, 'token'), 'utf8').trim();
  const identity = () => {
    const json = JSON.parse(readFileSync(join(dataDir, 'agent.json'), 'utf8')) as {
      id: string;
      fingerprint: string;
    };
    return { id: json.id, fingerprint: json.fingerprint };
  };
  const stop = async (graceMs = 10_000) => {
    if (!alive()) return;
    child!.kill('SIGTERM');
    const timer = setTimeout(() => child!.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    ns,
    name: opts.name,
    dataDir,
    get logs() {
      return logs;
    },
    pid: () => child!.pid!,
    apiPort: () => api!.port,
    alive,
    client: () =>
      TestClient.open(`wss://127.0.0.1:${api!.port}/v1`, {
        ca: readFileSync(join(dataDir, 'identity.crt'), 'utf8'),
        headers: { authorization: `Bearer ${token()}` },
      }),
    consoleClient: () =>
      new AgentClient({
        endpoint: { address: '127.0.0.1', port: api!.port, fingerprint: identity().fingerprint },
        token,
        tuning: {
          connectTimeoutMs: 5_000,
          requestTimeoutMs: 20_000,
          backoff: { baseMs: 100, maxMs: 500, factor: 2, jitter: 0.5 },
        },
      }),
    identity,
    metrics: async () => (await fetch(`http://127.0.0.1:${metrics!.port}/metrics`)).text(),
    signal: (sig) => child?.kill(sig),
    exited: () => exited,
    stop,
    start,
    async dispose() {
      if (alive()) {
        child!.kill('SIGCONT');
        await stop(5_000);
      }
      await api?.close();
      await metrics?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
