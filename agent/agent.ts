/**
 * The agent process: the engine fed from `<data-dir>/config.json`. SIGHUP re-reads the file
 * and applies it as a diff; an invalid file is refused with every problem logged and the
 * running config stays.
 */
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { ApplyError, Engine } from './engine/engine.ts';
import type { CertificateSource } from './engine/tls.ts';
import { ConfigFileError, readConfigFile } from './config/config-file.ts';

export interface AgentOptions {
  dataDir: string;
  log: Logger;
  certs?: CertificateSource;
  drainMs?: number;
}

export interface RunningAgent {
  engine: Engine;
  /** Re-reads the config file and applies it; false (with the problems logged) if refused. */
  reload(): Promise<boolean>;
  stop(graceMs?: number): Promise<void>;
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const engine = new Engine({
    log: opts.log,
    ...(opts.certs ? { certs: opts.certs } : {}),
    ...(opts.drainMs !== undefined ? { drainMs: opts.drainMs } : {}),
  });
  // The first apply must succeed: an agent that cannot run its config says so and exits.
  await engine.apply(await readConfigFile(opts.dataDir));

  let chain = Promise.resolve(true);
  const reload = (): Promise<boolean> => {
    // Reloads run one after another, never interleaved.
    chain = chain.then(async () => {
      try {
        await engine.apply(await readConfigFile(opts.dataDir));
        return true;
      } catch (err) {
        if (err instanceof ConfigFileError || err instanceof ApplyError) {
          opts.log.error({ problems: err.problems }, 'config refused; the running config stays');
          return false;
        }
        opts.log.error({ err: (err as Error).message }, 'reload failed; the running config stays');
        return false;
      }
    });
    return chain;
  };
  return { engine, reload, stop: (graceMs) => engine.stop(graceMs) };
}
