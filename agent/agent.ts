/**
 * The agent process: the engine fed from `<data-dir>/config.json`. SIGHUP re-reads the file
 * and applies it as a diff; an invalid file is refused with every problem logged and the
 * running config stays.
 */
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { removeStaleTemps } from './fs/atomic-write.ts';
import { ApplyError, Engine } from './engine/engine.ts';
import type { CertificateSource } from './engine/tls.ts';
import type { ChallengeResponder } from './engines/challenges.ts';
import { ConfigFileError } from './config/config-file.ts';
import { ConfigInvalidError, ConfigStore } from './config/config-store.ts';
import type { DataPlane } from './engines/data-plane.ts';
import { HaproxyEngine } from './engines/haproxy/haproxy-engine.ts';
import { createSimulatedDataPlane } from './engines/simulated/index.ts';

export interface AgentOptions {
  dataDir: string;
  log: Logger;
  certs?: CertificateSource;
  drainMs?: number;
  /** Which engine carries the traffic (default builtin; haproxy: HAProxy as this process's child). */
  engine?: 'builtin' | 'haproxy' | 'simulated';
  /** HTTP-01 answers the engine serves while an ACME order waits (agent/acme). */
  challenges?: ChallengeResponder;
}

export interface RunningAgent {
  engine: DataPlane;
  config: ConfigStore;
  /** Re-reads the config file and applies it; false (with the problems logged) if refused. */
  reload(): Promise<boolean>;
  stop(graceMs?: number): Promise<void>;
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const stale = await removeStaleTemps(opts.dataDir);
  if (stale) opts.log.info({ files: stale }, 'removed temporary files left by an earlier crash');
  const engineOptions = {
    log: opts.log,
    ...(opts.certs ? { certs: opts.certs } : {}),
    ...(opts.drainMs !== undefined ? { drainMs: opts.drainMs } : {}),
    ...(opts.challenges ? { challenges: opts.challenges } : {}),
  };
  const engine: DataPlane =
    opts.engine === 'haproxy'
      ? await HaproxyEngine.create({ dataDir: opts.dataDir, ...engineOptions })
      : opts.engine === 'simulated'
        ? createSimulatedDataPlane()
        : new Engine(engineOptions);
  // The first apply must succeed: an agent that cannot run its config says so and exits (and
  // stops what the engine started: HAProxy is a child of this process).
  const config = await ConfigStore.open(opts.dataDir, engine, opts.log).catch(async (err: unknown) => {
    await engine.stop(0);
    throw err;
  });

  // Reloads queue behind API changes in the store, never interleaved with them.
  const reload = async (): Promise<boolean> => {
    try {
      await config.reloadFromFile();
      return true;
    } catch (err) {
      if (err instanceof ConfigFileError || err instanceof ApplyError || err instanceof ConfigInvalidError) {
        opts.log.error({ problems: err.problems }, 'config refused; the running config stays');
        return false;
      }
      opts.log.error({ err: (err as Error).message }, 'reload failed; the running config stays');
      return false;
    }
  };
  return { engine, config, reload, stop: (graceMs) => engine.stop(graceMs) };
}
