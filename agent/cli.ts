/**
 * `portico-agent` command line.
 *   portico-agent [run] --data-dir DIR      run in the foreground (JSON logs on stdout)
 *   portico-agent check --data-dir DIR      validate DIR/config.json and print every problem
 *   portico-agent cert …                    the certificate store (see `cert --help`)
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startAgent } from './agent.ts';
import { openCertStore } from './certs/engine-source.ts';
import { createLogger } from './log.ts';
import { ConfigFileError, readConfigFile } from './config/config-file.ts';
import { ApplyError } from './engine/engine.ts';
import { removePidFile, writePidFile } from './pid-file.ts';

const USAGE = `usage:
  portico-agent [run] --data-dir DIR     run the agent in the foreground
  portico-agent check --data-dir DIR     validate DIR/config.json
  portico-agent cert (import|list|remove) --data-dir DIR …   manage certificates`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'run';
  const rest = command === argv[0] ? argv.slice(1) : argv;
  if (command === 'cert') {
    const { runCertCommand } = await import('./certs/cert-command.ts');
    return runCertCommand(rest, { stdout: process.stdout, stderr: process.stderr });
  }
  let values: { 'data-dir'?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values['data-dir']) {
    process.stderr.write(`--data-dir is required\n${USAGE}\n`);
    return 2;
  }
  const dataDir = resolve(values['data-dir']);

  if (command === 'check') {
    try {
      const cfg = await readConfigFile(dataDir);
      process.stdout.write(`ok: ${cfg.virtualServices.length} virtual services\n`);
      return 0;
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
  }
  if (command !== 'run') {
    process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
    return 2;
  }

  const log = createLogger();
  let agent;
  try {
    agent = await startAgent({ dataDir, log, certs: openCertStore(dataDir) });
  } catch (err) {
    if (err instanceof ConfigFileError || err instanceof ApplyError) {
      log.fatal({ problems: err.problems }, 'cannot start: the configuration is not valid');
    } else log.fatal({ err: (err as Error).message }, 'cannot start');
    return 1;
  }
  await writePidFile(dataDir);
  log.info(
    { dataDir, pid: process.pid, listeners: Object.fromEntries(agent.engine.addresses()) },
    'agent started',
  );
  process.on('SIGHUP', () => {
    log.info('SIGHUP: reloading config');
    void agent.reload();
  });
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'draining and stopping');
      void agent.stop(10_000).then(done);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await removePidFile(dataDir);
  log.info('stopped');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
