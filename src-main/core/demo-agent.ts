/**
 * `npm run web -- --demo`: a real portico-agent in this process (agent/run.ts, as an admin runs
 * it, on loopback without mDNS) with two demo real servers behind one virtual service, paired
 * with the Console automatically, so a newcomer sees a live fleet at once. Its data dir is a
 * temporary directory: the demo leaves nothing behind but the pairing entry.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { demoConfig, loopbackPort, startDemoServers, stopDemoServers } from '../../agent/demo-fleet.ts';
import { runAgent } from '../../agent/run.ts';
import { ConsoleError } from '../../shared/ipc/errors.ts';
import type { ConsoleCore } from './types.ts';

export interface DemoAgent {
  agentId: string;
  /** The demo virtual service: open it in a browser to see round-robin. */
  url: string;
  /** Resolves when the agent has stopped (it stops on SIGINT/SIGTERM, like portico-agent). */
  stopped: Promise<void>;
}

export const DEMO_AGENT_NAME = 'demo-agent';
export const DEMO_SITE = 'demo';

export async function startDemoAgent(core: ConsoleCore, log: Logger): Promise<DemoAgent> {
  await forgetEarlierDemoAgents(core);
  const servers = await startDemoServers();
  const [apiPort, webPort] = [await loopbackPort(), await loopbackPort()];
  const dataDir = await mkdtemp(join(tmpdir(), 'portico-demo-agent-'));
  // The Electron app may exit without the signal the agent stops on; the demo leaves no files.
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  await writeFile(join(dataDir, 'config.json'), `${JSON.stringify(demoConfig(webPort, servers), null, 2)}\n`);
  const running = runAgent({
    dataDir,
    // Warnings only: its start-up chatter would bury the URL the newcomer needs.
    log: log.child({ demoAgent: true }, { level: 'warn' }),
    api: { host: '127.0.0.1', port: apiPort },
    name: DEMO_AGENT_NAME,
    site: DEMO_SITE,
    mdns: false,
    // The token is read from its file below; nobody needs it on the terminal.
    console: { write: () => undefined },
  });
  const stopped = running.then(async () => {
    await stopDemoServers(servers);
    await rm(dataDir, { recursive: true, force: true });
  });
  const agentId = await pairWhenReady(core, dataDir, apiPort, running);
  return { agentId, url: `http://127.0.0.1:${webPort}/`, stopped };
}

/**
 * Each demo agent has a new identity; one from an earlier run that was not shut down cleanly
 * would only show up as offline forever.
 */
async function forgetEarlierDemoAgents(core: ConsoleCore): Promise<void> {
  const fleet = await core.fleet.list();
  for (const agent of fleet.sites.find((s) => s.site === DEMO_SITE)?.agents ?? []) {
    if (agent.name === DEMO_AGENT_NAME) await core.fleet.remove(agent.id).catch(() => undefined);
  }
}

/** The API listens a moment after the identity files exist: retry UNREACHABLE, for at most 15 s. */
async function pairWhenReady(
  core: ConsoleCore,
  dataDir: string,
  port: number,
  running: Promise<number>,
): Promise<string> {
  let exited = false;
  void running.then(() => (exited = true));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error('the demo agent stopped before it could be paired');
    try {
      const token = (await readFile(join(dataDir, 'token'), 'utf8')).trim();
      const { fingerprint } = JSON.parse(await readFile(join(dataDir, 'agent.json'), 'utf8')) as {
        fingerprint: string;
      };
      const paired = await core.fleet.pair({
        address: '127.0.0.1',
        port,
        token,
        expectedFingerprint: fingerprint,
      });
      return paired.agent.id;
    } catch (err) {
      const retry =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ||
        (err instanceof ConsoleError && err.code === 'UNREACHABLE');
      if (!retry || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
