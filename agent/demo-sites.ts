/**
 * The demo fleet `npm start` shows: three sites, each a real agent (the built-in engine, the
 * full management plane on 127.0.0.1, agent/demo-host.ts) balancing its own demo real servers —
 * a `web` service and an `api` service, each with its pool — with health checks. The servers
 * answer like small applications do: mostly quickly, some pages slow, now and then a 5xx, a 404
 * for what is missing, so the Console's charts have something to show. Everything is on
 * loopback; the data dirs are temporary and go with stop().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AgentConfigInput } from '../shared/model/config.ts';
import { loopbackPort } from './demo-fleet.ts';
import { startHostedAgent, type HostedAgent } from './demo-host.ts';
import { Engine } from './engine/engine.ts';

export const DEMO_SITES = ['amsterdam', 'london', 'frankfurt'] as const;

/** Real servers per site for the web and api pools (sites differ, as real ones do). */
const SHAPE: Record<(typeof DEMO_SITES)[number], { web: number; api: number; slowMs: number }> = {
  amsterdam: { web: 3, api: 2, slowMs: 40 },
  london: { web: 2, api: 2, slowMs: 80 },
  frankfurt: { web: 2, api: 3, slowMs: 25 },
};

export interface DemoService {
  site: string;
  name: string;
  url: string;
}

export interface DemoSites {
  agents: HostedAgent[];
  /** Every service's URL on 127.0.0.1, per site. */
  services: DemoService[];
  stop(): Promise<void>;
}

interface DemoServer {
  name: string;
  port: number;
  server: Server;
}

/**
 * A demo application server: `/health` for the checks; `/slow` takes a few hundred ms; `/api/…`
 * answers JSON after `typicalMs` ± jitter and fails 1 % of the time with 503; `/missing` is 404;
 * anything else is a small page.
 */
function applicationServer(site: string, name: string, typicalMs: number): Promise<DemoServer> {
  const reply = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/health') return void res.end('ok');
    if (path === '/missing') return void res.writeHead(404).end('not here\n');
    if (path.startsWith('/api/') && Math.random() < 0.01) return void res.writeHead(503).end('busy\n');
    res.setHeader('x-real-server', `${site}/${name}`);
    if (path.startsWith('/api/')) {
      res.setHeader('content-type', 'application/json');
      return void res.end(JSON.stringify({ site, server: name, items: [1, 2, 3] }));
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      `<!doctype html><title>${site}/${name}</title><body style="font:16px system-ui;padding:2em">` +
        `<h1>Answered by ${name} in ${site}</h1><p>Reload to see the pool balance.</p></body>`,
    );
  };
  const server = createServer((req, res) => {
    const slow = req.url?.startsWith('/slow') ? 200 + Math.random() * 400 : 0;
    const delay = slow || typicalMs * (0.5 + Math.random());
    setTimeout(() => reply(req, res), req.url === '/health' ? 0 : delay).unref();
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done({ name, server, port: (server.address() as AddressInfo).port }));
  });
}

function siteConfig(
  web: readonly DemoServer[],
  api: readonly DemoServer[],
  ports: { web: number; api: number },
): AgentConfigInput {
  const check = {
    type: 'http',
    path: '/health',
    intervalMs: 2_000,
    timeoutMs: 1_000,
    rise: 1,
    fall: 2,
  } as const;
  const servers = (list: readonly DemoServer[]) =>
    list.map((s) => ({ name: s.name, address: '127.0.0.1', port: s.port }));
  return {
    version: 2,
    pools: [
      { name: 'web', servers: servers(web), healthCheck: check },
      { name: 'api', servers: servers(api), scheduler: 'least-connections', healthCheck: check },
    ],
    virtualServices: [
      { name: 'web', protocol: 'http', listen: { address: '127.0.0.1', port: ports.web }, pool: 'web' },
      { name: 'api', protocol: 'http', listen: { address: '127.0.0.1', port: ports.api }, pool: 'api' },
    ],
  };
}

export async function startDemoSites(log: Logger): Promise<DemoSites> {
  const agents: HostedAgent[] = [];
  const servers: DemoServer[] = [];
  const dirs: string[] = [];
  const services: DemoService[] = [];
  const stop = async () => {
    await Promise.all(agents.map((a) => a.close().catch(() => undefined)));
    await Promise.all(servers.map((s) => new Promise((done) => s.server.close(done))));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  };
  try {
    for (const site of DEMO_SITES) {
      const shape = SHAPE[site];
      const web = await Promise.all(
        Array.from({ length: shape.web }, (_, i) => applicationServer(site, `web${i + 1}`, shape.slowMs / 4)),
      );
      const api = await Promise.all(
        Array.from({ length: shape.api }, (_, i) => applicationServer(site, `api${i + 1}`, shape.slowMs)),
      );
      servers.push(...web, ...api);
      const dataDir = await mkdtemp(join(tmpdir(), `portico-demo-${site}-`));
      dirs.push(dataDir);
      const agent = await startHostedAgent({
        dataDir,
        name: `demo-${site}`,
        site,
        engine: new Engine({ log, drainMs: 1_000 }),
        log,
      });
      agents.push(agent);
      const ports = { web: await loopbackPort(), api: await loopbackPort() };
      await agent.configStore.apply(siteConfig(web, api, ports), {
        actor: { tokenId: 'demo', peer: 'local' },
      });
      for (const [name, address] of agent.engine.addresses()) {
        services.push({ site, name, url: `http://127.0.0.1:${address.port}/` });
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { agents, services, stop };
}
