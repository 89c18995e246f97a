/**
 * Console UI benchmark (not a test): `npm run bench:ui`. Two cases, both in Debian's Chromium
 * over browser mode with the built renderer:
 *
 * health — the large fleet the Health screen must stay smooth with (100 agents × 50 pools × 10
 * real servers = 50,000 rows, virtualised; each pool used by one virtual service of its own):
 *
 *   first render   — Health opened for the first time: snapshot fetched over HTTP, flattened,
 *                    sorted and the first rows drawn (median of 5 page loads).
 *   cached render  — Fleet → Health again with the snapshot cached (median of 10).
 *   1,000 events   — 1,000 health events pushed at once (SSE → reducer → cache → render);
 *                    timed until the last one is on screen (median of 5 bursts).
 *
 * The core behind browser mode is the in-memory one, so only the renderer and its transport are
 * measured. Times include one Chrome DevTools Protocol round trip (well under a millisecond here).
 *
 * fleet — the real Console main process paired with fleet-sim's simulated agents, its memory
 * and CPU at rest and under a stream of health events, the Dashboard's first render and frame
 * times (bench/ui-fleet.ts).
 *
 *   npm run bench:ui [-- --only health|fleet] [--agents N] [--servers-per-agent M] [--sites S]
 *                    [--events-per-second E] [--measure SECONDS]
 */
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { build } from 'vite';
import type { HealthView } from '../shared/ipc/health.ts';
import type { HealthState } from '../shared/model/health.ts';
import { createMemoryCore } from '../test/support/memory-core.ts';
import { startWebServer } from '../src-main/web/server.ts';
import { largeFleet } from '../test/support/renderer/large-fleet.ts';
import { FLEET_DEFAULTS, runFleetCase, type FleetCaseOptions } from './ui-fleet.ts';

const ROOT = new URL('..', import.meta.url).pathname;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

async function openHealth(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Health', exact: true }).click();
  await page.locator('.health-row').first().waitFor();
}

async function healthCase(browser: Browser): Promise<string> {
  const view: HealthView = largeFleet();
  const rows = view.sites.reduce(
    (n, s) => n + s.agents.reduce((m, a) => m + a.pools.reduce((k, p) => k + p.servers.length, 0), 0),
    0,
  );
  const core = createMemoryCore();
  core.health.snapshot = async () => view;
  core.fleet.list = async () => ({ sites: view.sites.map((s) => ({ site: s.site, agents: s.agents })) });
  const web = await startWebServer({
    core,
    staticDir: `${ROOT}out/renderer`,
    log: pino({ level: 'silent' }),
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
    const first: number[] = [];
    for (let i = 0; i < 5; i++) {
      // A new document each time: going to the same URL again would only move to its fragment.
      await page.goto('about:blank');
      await page.goto(web.url);
      // With agents paired the Console opens on the Dashboard: wait for it, then go to Health.
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      first.push(await timed(() => openHealth(page)));
    }
    const cached: number[] = [];
    for (let i = 0; i < 10; i++) {
      await page.getByRole('button', { name: 'Fleet', exact: true }).click();
      await page.getByRole('heading', { name: 'Fleet' }).waitFor();
      cached.push(await timed(() => openHealth(page)));
    }

    // 999 servers of other agents turn unknown (ranked below down, so the top row stays put),
    // then agent-0's pool-0/rs-1 goes down: it sorts first, so the burst is done when it shows.
    const bursts: number[] = [];
    for (let burst = 1; burst <= 5; burst++) {
      const since = new Date(Date.UTC(2026, 0, 1, 0, burst)).toISOString();
      const target = page.locator(`.health-row.state-down[aria-label="agent-0 pool-0/rs-1"]`);
      const reset = (state: HealthState) =>
        core.emit({
          type: 'health',
          changes: [
            {
              agentId: 'agent-0',
              server: { key: 'pool-0/rs-1', pool: 'pool-0', server: 'rs-1', state, since },
            },
          ],
        });
      bursts.push(
        await timed(async () => {
          for (let i = 0; i < 999; i++) {
            const agent = 1 + (i % 99);
            const pool = `pool-${Math.floor(i / 99) % 50}`;
            const rs = `rs-${(i + burst) % 10}`;
            // One event per change, as the hub sent them before it batched: the renderer's
            // own batching is what this measures.
            core.emit({
              type: 'health',
              changes: [
                {
                  agentId: `agent-${agent}`,
                  server: {
                    key: `${pool}/${rs}`,
                    pool,
                    server: rs,
                    state: burst % 2 ? 'unknown' : 'up',
                    since,
                  },
                },
              ],
            });
          }
          reset('down');
          await target.waitFor();
        }),
      );
      reset('up');
      await target.waitFor({ state: 'detached' });
    }

    const ms = (v: number) => `${v.toFixed(0)} ms`;
    await page.close();
    return (
      `Console UI, Chromium ${browser.version()}, ${rows.toLocaleString('en')} real servers ` +
      `(${view.sites.reduce((n, s) => n + s.agents.length, 0)} agents)\n` +
      `  Health first render (fetch + draw), median of 5   ${ms(median(first))}   [${first.map(ms).join(', ')}]\n` +
      `  Health render with cached data, median of 10     ${ms(median(cached))}\n` +
      `  1,000 health events applied and shown, median of 5  ${ms(median(bursts))}   ` +
      `(${(median(bursts) / 1000).toFixed(2)} ms per event)   [${bursts.map(ms).join(', ')}]\n`
    );
  } finally {
    await web.close();
  }
}

const USAGE = `usage: npm run bench:ui -- [--only health|fleet] [--agents N] [--servers-per-agent M] [--sites S]
                           [--events-per-second E] [--measure SECONDS]
  --only               one case (default both)
  fleet case (defaults: the issue's fleet): --agents ${FLEET_DEFAULTS.agents}, --servers-per-agent ${FLEET_DEFAULTS.serversPerAgent}, --sites ${FLEET_DEFAULTS.sites},
  --events-per-second ${FLEET_DEFAULTS.eventsPerSecond}, --measure ${FLEET_DEFAULTS.measureSeconds} (seconds at rest, then as many streaming)
`;

function options(): { cases: ('health' | 'fleet')[]; fleet: FleetCaseOptions } | undefined {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      agents: { type: 'string' },
      'servers-per-agent': { type: 'string' },
      sites: { type: 'string' },
      'events-per-second': { type: 'string' },
      measure: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const number = (text: string | undefined, fallback: number, name: string, min: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes a whole number ≥ ${min}`);
    return n;
  };
  if (values.only !== undefined && values.only !== 'health' && values.only !== 'fleet')
    throw new Error(`--only takes health or fleet, not ${values.only}`);
  return {
    cases: values.only ? [values.only] : ['health', 'fleet'],
    fleet: {
      agents: number(values.agents, FLEET_DEFAULTS.agents, 'agents', 1),
      serversPerAgent: number(
        values['servers-per-agent'],
        FLEET_DEFAULTS.serversPerAgent,
        'servers-per-agent',
        1,
      ),
      sites: number(values.sites, FLEET_DEFAULTS.sites, 'sites', 1),
      eventsPerSecond: number(
        values['events-per-second'],
        FLEET_DEFAULTS.eventsPerSecond,
        'events-per-second',
        0,
      ),
      measureSeconds: number(values.measure, FLEET_DEFAULTS.measureSeconds, 'measure', 10),
    },
  };
}

async function main(): Promise<number> {
  let chosen;
  try {
    chosen = options();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!chosen) {
    process.stdout.write(USAGE);
    return 0;
  }
  await build({ configFile: `${ROOT}vite.config.ts`, logLevel: 'warn' });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    if (chosen.cases.includes('health')) process.stdout.write(await healthCase(browser));
    if (chosen.cases.includes('fleet')) process.stdout.write(await runFleetCase(browser, chosen.fleet));
  } finally {
    await browser.close();
  }
  return 0;
}

process.exitCode = await main();
