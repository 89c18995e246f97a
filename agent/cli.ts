/**
 * `portico-agent` command line: parses arguments and hands over to the module that does the
 * work. Exit status: 0 ok, 1 failed or refused, 2 usage.
 */
import { DEFAULT_AGENT_PORT } from '../shared/protocol/transport.ts';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigFileError, readConfigFile } from './config/config-file.ts';
import { ConfigInvalidError } from './config/config-store.ts';
import { ApplyError } from './engines/data-plane.ts';
import { AGENT_FILE, readAgentFile } from './identity/index.ts';
import { createLogger } from './log.ts';
import { parseEndpoint, runAgent } from './run.ts';

const USAGE = `usage:
  portico-agent [run] --data-dir DIR [--api HOST:PORT] [--name NAME] [--site SITE]
                [--mdns-interface ADDR|IFACE]... [--no-mdns] [--metrics HOST:PORT]
                [--engine builtin|haproxy|simulated]
      run the agent in the foreground (JSON logs on stdout); the API defaults to 127.0.0.1:7443;
      the engine chosen is remembered in DIR/agent.json (default builtin; simulated: no traffic,
      status counters from a traffic model, for demos and fleet-scale tests)
  portico-agent check --data-dir DIR [--engine builtin|haproxy|simulated]
      validate DIR/config.json and list every problem; with haproxy, show the rendered haproxy.cfg
  portico-agent cert (import|request|renew|list|remove) --data-dir DIR …   the certificate store
      (cert --help); request/renew: from an ACME CA, through the running agent
  portico-agent token [rotate] --data-dir DIR                 print or replace the admin token
`;

const RUN_OPTIONS = {
  'data-dir': { type: 'string' },
  api: { type: 'string' },
  name: { type: 'string' },
  site: { type: 'string' },
  'mdns-interface': { type: 'string', multiple: true },
  'no-mdns': { type: 'boolean' },
  metrics: { type: 'string' },
  engine: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith('-') ? argv[0] : 'run';
  const rest = command === argv[0] ? argv.slice(1) : argv;
  const io = { stdout: process.stdout, stderr: process.stderr };
  if (command === 'cert') return (await import('./certs/cert-command.ts')).runCertCommand(rest, io);
  if (command === 'token') return (await import('./identity/token-command.ts')).runTokenCommand(rest, io);
  if (command !== 'run' && command !== 'check') return usage(`unknown command "${command}"`);

  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: RUN_OPTIONS }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values['data-dir']) return usage('--data-dir is required');
  const dataDir = resolve(values['data-dir']);
  const engine = values.engine;
  if (engine !== undefined && engine !== 'builtin' && engine !== 'haproxy' && engine !== 'simulated')
    return usage(`--engine "${engine}": use builtin, haproxy or simulated`);

  if (command === 'check') {
    try {
      const { config, convertedFrom } = await readConfigFile(dataDir);
      const chosen = engine ?? (await readAgentFile(join(dataDir, AGENT_FILE)))?.engine;
      const out = process.stdout;
      out.write(`ok: ${config.pools.length} pools, ${config.virtualServices.length} virtual services\n`);
      if (convertedFrom) {
        // Shown, not written: the agent converts the file (keeping the original) when it runs it.
        out.write(
          'config.json is in the version 1 format. The agent will convert it when it starts (keeping the\n' +
            'original as config.v1.json); this is what it will run:\n',
        );
        out.write(`${JSON.stringify(config, null, 2)}\n`);
      }
      if (chosen === 'haproxy') {
        const { showRenderedConfig } = await import('./engines/haproxy/check-command.ts');
        return await showRenderedConfig(dataDir, config, io);
      }
      return 0;
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 1;
    }
  }

  let api;
  let metrics;
  try {
    api = parseEndpoint(values.api ?? `127.0.0.1:${DEFAULT_AGENT_PORT}`, '--api');
    metrics = values.metrics === undefined ? undefined : parseEndpoint(values.metrics, '--metrics');
  } catch (err) {
    return usage((err as Error).message);
  }
  const log = createLogger();
  try {
    return await runAgent({
      dataDir,
      log,
      api,
      metrics,
      name: values.name,
      site: values.site,
      mdns: !values['no-mdns'],
      mdnsInterfaces: values['mdns-interface'],
      engine,
      console: process.stderr,
    });
  } catch (err) {
    if (err instanceof ConfigFileError || err instanceof ApplyError || err instanceof ConfigInvalidError) {
      log.fatal({ problems: err.problems }, 'cannot start: the configuration is not valid');
    } else log.fatal({ err: (err as Error).message }, 'cannot start');
    return 1;
  }
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\n${USAGE}`);
  return 2;
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
