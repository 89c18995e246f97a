/**
 * A small demo fleet for the Dashboard's tests in Chromium: three sites, each a real
 * `portico-agent` process (test/support/fleet-agent.ts) with a `web` pool of two real back ends
 * and an `api` pool of one behind their services, health-checked twice a second, under light
 * generated traffic (agent/demo-traffic.ts, bounded in rate; stopped by close()). Configured
 * through a Console core, as an admin would from the Agent screen.
 */
import { startDemoTraffic, type DemoTraffic } from '../../agent/demo-traffic.ts';
import type { RunningConsoleCore } from '../../src-main/core/console-core.ts';
import { startBackend, type Backend } from './backends.ts';
import { until } from './engine.ts';
import { startFleetAgent, type FleetAgent } from './fleet-agent.ts';
import { freePort } from './ports.ts';

export const DASHBOARD_SITES = ['amsterdam', 'frankfurt', 'london'] as const;
export type DashboardSite = (typeof DASHBOARD_SITES)[number];

export interface SiteUnderTest {
  agent: FleetAgent;
  web: Backend[];
  api: Backend[];
}

export interface DashboardFleet {
  sites: Record<DashboardSite, SiteUnderTest>;
  traffic: DemoTraffic;
  /** Pairs every agent with `core` (another Console joining later does this too). */
  pair(core: RunningConsoleCore): Promise<void>;
  close(): Promise<void>;
}

/** Starts the agents and back ends, pairs them with `core` and configures them through it. */
export async function startDashboardFleet(core: RunningConsoleCore): Promise<DashboardFleet> {
  const closers: (() => Promise<unknown>)[] = [];
  const sites = {} as Record<DashboardSite, SiteUnderTest>;
  const urls: string[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  const pair = async (console: RunningConsoleCore) => {
    for (const site of DASHBOARD_SITES) {
      const { agent } = sites[site];
      await console.fleet.pair({
        address: '127.0.0.1',
        port: agent.port,
        token: agent.token,
        expectedFingerprint: agent.fingerprint,
      });
    }
  };
  try {
    for (const site of DASHBOARD_SITES) {
      const agent = await startFleetAgent({ name: `lb-${site}`, site });
      closers.push(() => agent.dispose());
      const web = [await startBackend(`${site}-web1`), await startBackend(`${site}-web2`)];
      const api = [await startBackend(`${site}-api1`)];
      for (const b of [...web, ...api]) closers.push(() => b.close());
      sites[site] = { agent, web, api };
    }
    await pair(core);
    for (const site of DASHBOARD_SITES) {
      const { agent, web, api } = sites[site];
      await until(
        async () =>
          (await core.fleet.list()).sites.some((s) =>
            s.agents.some((a) => a.id === agent.id && a.state.kind === 'online'),
          ),
        `${site} online`,
        15_000,
      );
      const check = {
        type: 'http',
        path: '/health',
        intervalMs: 500,
        timeoutMs: 400,
        rise: 1,
        fall: 1,
      } as const;
      const servers = (list: Backend[]) =>
        list.map((b) => ({ name: b.name.split('-')[1]!, address: '127.0.0.1', port: b.port }));
      let revision = 0;
      for (const [name, list] of [
        ['web', web],
        ['api', api],
      ] as const) {
        ({ revision } = await core.config.upsertPool({
          agentId: agent.id,
          pool: { name, servers: servers(list), healthCheck: check },
          expectRevision: revision,
        }));
        const port = await freePort();
        ({ revision } = await core.config.upsertVirtualService({
          agentId: agent.id,
          virtualService: { name, protocol: 'http', listen: { address: '127.0.0.1', port }, pool: name },
          expectRevision: revision,
        }));
        urls.push(`http://127.0.0.1:${port}/`);
      }
    }
    const traffic = startDemoTraffic(urls);
    closers.push(async () => traffic.stop());
    return { sites, traffic, pair, close };
  } catch (err) {
    await close();
    throw err;
  }
}
