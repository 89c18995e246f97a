/**
 * `npm run web`: the Console in a browser. Opens the settings store, connects to every paired
 * agent, browses mDNS (unless --no-discovery), and serves the same DesktopApi as the Electron
 * app on 127.0.0.1 with a session secret in the printed URL. `--demo` also runs a demo agent
 * in this process and pairs it, so there is something to look at at once.
 *
 *   npm run web -- [--port N] [--config-dir DIR] [--no-discovery] [--demo]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { favourMemory } from '../core/favour-memory.ts';
import { openConsole } from '../core/open.ts';
import { startDemoAgent, type DemoAgent } from '../core/demo-agent.ts';
import { certLibraryDir, consoleDir } from '../store/console-dir.ts';
import { startWebServer } from './server.ts';

const USAGE = `usage: npm run web -- [--port N] [--config-dir DIR] [--no-discovery] [--demo]

  --port N          listen on 127.0.0.1:N (default: a free port)
  --config-dir DIR  the Console's directory (default: $PORTICO_CONSOLE_DIR or the per-user config dir)
  --no-discovery    do not browse mDNS for agents
  --demo            also run a demo agent with two real servers here, paired automatically
`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'config-dir': { type: 'string' },
        'no-discovery': { type: 'boolean' },
        demo: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`error: --port takes 0–65535\n${USAGE}`);
    return 2;
  }
  favourMemory();
  // Logs on stderr, so stdout carries only what the user reads (the URL).
  const log = pino({ level: process.env.PORTICO_LOG_LEVEL ?? 'info' }, pino.destination(2));
  const configDir = consoleDir(process.env, values['config-dir']);
  const app = openConsole({
    log,
    discovery: values['no-discovery'] !== true,
    configDir,
    certs: { libraryDir: certLibraryDir(configDir) },
  });
  const web = await startWebServer({
    core: app.core,
    staticDir: resolve(import.meta.dirname, '..', '..', 'out', 'renderer'),
    port,
    log,
  });
  let demo: DemoAgent | undefined;
  if (values.demo) {
    demo = await startDemoAgent(app.core, log);
    process.stdout.write(`Demo agent paired (site "demo"); its service: ${demo.url}\n`);
  }
  process.stdout.write(
    `Portico Console (browser mode) — open this URL; it carries the session secret, keep it private:\n  ${web.url}\n` +
      'Ctrl-C stops it.\n',
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await web.close();
  // The demo agent's data dir goes with it: its pairing entry would only show as offline next time.
  if (demo) await app.core.fleet.remove(demo.agentId).catch(() => undefined);
  await app.close();
  // The demo agent stops on the same signal (agent/run.ts listens for it too).
  await demo?.stopped;
  return 0;
}

process.exitCode = await main();
