/**
 * A real `portico-agent` for the Console's tests, as an admin runs it (`node agent/cli.ts run`),
 * on 127.0.0.1 without mDNS, in its own data dir, with the id, fingerprint and token a pairing
 * needs. Each one has its own generated id, identity and token, which in-process test agents
 * (fixed id) cannot give a multi-agent fleet. It can be stopped and started again on the same
 * port with the same data dir: a real restart. (agent-process.ts is the one the hostile and
 * soak runs drive: a written config, logs, resource readings.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './engine.ts';
import { freePort } from './ports.ts';

const CLI = new URL('../../agent/cli.ts', import.meta.url).pathname;

export interface FleetAgent {
  dataDir: string;
  port: number;
  id: string;
  name: string;
  fingerprint: string;
  token: string;
  /** SIGTERM, and wait for the exit (bounded). */
  stop(): Promise<void>;
  /** Starts again with the same data dir and port. */
  start(): Promise<void>;
  /** Stops it if running and removes the data dir. */
  dispose(): Promise<void>;
}

export async function startFleetAgent(opts: {
  name: string;
  site: string;
  /** `--engine` (default: the agent's own default, builtin). */
  engine?: 'builtin' | 'haproxy';
}): Promise<FleetAgent> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-fleet-agent-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    const lines: string[] = [];
    let stderr = '';
    const proc = spawn(
      process.execPath,
      [
        CLI,
        '--data-dir',
        dataDir,
        '--api',
        `127.0.0.1:${port}`,
        '--no-mdns',
        '--name',
        opts.name,
        '--site',
        opts.site,
        ...(opts.engine ? ['--engine', opts.engine] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let buffered = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await until(
      () => {
        if (proc.exitCode !== null) throw new Error(`agent exited with ${proc.exitCode}: ${stderr}`);
        return lines.some((l) => l.includes('"msg":"agent started"'));
      },
      `agent ${opts.name} to start`,
      20_000,
    );
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  const agentFile = JSON.parse(readFileSync(join(dataDir, 'agent.json'), 'utf8')) as {
    id: string;
    fingerprint: string;
  };
  return {
    dataDir,
    port,
    id: agentFile.id,
    name: opts.name,
    fingerprint: agentFile.fingerprint,
    token: readFileSync(join(dataDir, 'token'), 'utf8').trim(),
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
