/**
 * `npm start`: a live agent on loopback a newcomer can poke at once — two demo real servers and
 * an agent balancing them, with the data dir in .portico-demo/ so its config.json can be
 * edited and re-read with SIGHUP (the pid is printed). Ctrl-C stops everything.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startAgent } from './agent.ts';
import { demoConfig, loopbackPort, startDemoServers, stopDemoServers } from './demo-fleet.ts';
import { createLogger } from './log.ts';

const dataDir = resolve(process.env.PORTICO_DEMO_DIR ?? '.portico-demo');

async function main(): Promise<void> {
  const log = createLogger(process.env.PORTICO_LOG_LEVEL ?? 'warn');
  const servers = await startDemoServers();
  const port = await loopbackPort(8080);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(resolve(dataDir, 'config.json'), `${JSON.stringify(demoConfig(port, servers), null, 2)}\n`);
  const agent = await startAgent({ dataDir, log });
  process.on('SIGHUP', () => void agent.reload());
  process.stdout.write(
    `Portico demo agent (pid ${process.pid}) is balancing two real servers.\n` +
      `  Open  http://127.0.0.1:${port}/   (reload to see round-robin)\n` +
      `  Config ${dataDir}/config.json — edit it, then: kill -HUP ${process.pid}\n` +
      `  Ctrl-C stops the demo.\n`,
  );
  const stop = async () => {
    await agent.stop(1000);
    await stopDemoServers(servers);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();
