/**
 * bench:ui's fleet case (issue 14): the Console's main process — browser mode, as `npm run web`
 * runs it — paired with `npm run fleet-sim`'s agents (by default 200 agents × 250 real servers in
 * 8 sites, each the real management plane over the simulated engine, in their own process), and
 * the Dashboard open in Chromium. Measured, each against the issue's goal:
 *
 *   Console RSS and CPU — the main process alone, from /proc: while the fleet connects (peak),
 *                         at rest, and while fleet-sim streams health events (default 5,000/s);
 *   first render        — a fresh page load until every site's tile is drawn (median of 5),
 *                         and a site's service cards with their charts (median of 5);
 *   frame time          — requestAnimationFrame intervals on the Dashboard, a site's charts
 *                         shown, while the events stream (p95; 16.7 ms is every 60 Hz frame
 *                         made), and the long animation frames (> 50 ms) Chromium reports.
 *
 * The timeline follows fleet-sim's own: it measures itself at rest and then streaming, once the
 * Console holds a session with every agent (--wait-for-sessions), and says so on stdout.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { initClockTicks, cpuSeconds, rssMB } from './lib/procfs.ts';
import { startDaemon, stopDaemon, type Daemon } from './lib/proc.ts';
import { median, percentileSorted } from './lib/stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;

export interface FleetCaseOptions {
  agents: number;
  serversPerAgent: number;
  sites: number;
  eventsPerSecond: number;
  /** fleet-sim's --measure: seconds at rest, then seconds streaming. */
  measureSeconds: number;
}

export const FLEET_DEFAULTS: FleetCaseOptions = {
  agents: 200,
  serversPerAgent: 250,
  sites: 8,
  eventsPerSecond: 5_000,
  measureSeconds: 40,
};

const GOALS = { rssMB: 300, firstRenderMs: 500, frameP95Ms: 16 };

interface Sample {
  at: number;
  rssMB: number;
  cpu: number;
}

/** The Console's RSS and CPU every 500 ms, so any window can be read afterwards. */
function sampleProcess(pid: number): { samples: Sample[]; stop(): void } {
  const samples: Sample[] = [];
  const take = () => samples.push({ at: Date.now(), rssMB: rssMB(pid), cpu: cpuSeconds(pid) });
  take();
  const timer = setInterval(take, 500);
  return { samples, stop: () => clearInterval(timer) };
}

function windowOf(samples: Sample[], from: number, to: number) {
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  if (inside.length < 2) return { peakMB: NaN, endMB: NaN, cores: NaN };
  const first = inside[0]!;
  const last = inside.at(-1)!;
  return {
    peakMB: Math.max(...inside.map((s) => s.rssMB)),
    endMB: last.rssMB,
    cores: (last.cpu - first.cpu) / ((last.at - first.at) / 1000),
  };
}

/** Resolves with the first line of a daemon's stdout matching `pattern` (bounded; its exit fails it). */
async function lineOf(d: Daemon, pattern: RegExp, what: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = readFileSync(d.stdoutPath, 'utf8')
      .split('\n')
      .find((l) => pattern.test(l));
    if (line !== undefined) return line;
    const exit = d.exitInfo();
    if (exit) {
      const err = readFileSync(d.stderrPath, 'utf8').slice(-2_000);
      throw new Error(`${d.name} exited (${exit.code ?? exit.signal}) before ${what}: ${err}`);
    }
    if (Date.now() > deadline) throw new Error(`no ${what} from ${d.name} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

/** A fresh document of the Console until every site's tile is drawn. */
async function loadDashboard(page: Page, url: string, sites: number): Promise<number> {
  await page.goto('about:blank');
  return timed(async () => {
    await page.goto(url);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: 60_000 });
    await page
      .locator('section.tile .tile-figures')
      .nth(sites - 1)
      .waitFor({ timeout: 60_000 });
  });
}

/** requestAnimationFrame intervals and long animation frames over `ms` (in the page). */
async function recordFrames(page: Page, ms: number): Promise<{ intervals: number[]; long: number[] }> {
  // Strings: bench code is typed without the DOM; these run in the page.
  await page.evaluate(`{
    const rec = (window.frameRecord = { times: [], long: [], on: true });
    const loop = (t) => { if (!rec.on) return; rec.times.push(t); requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
    try {
      rec.observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) rec.long.push(e.duration); });
      rec.observer.observe({ type: 'long-animation-frame' });
    } catch {}
  }`);
  await page.waitForTimeout(ms);
  const { times, long } = (await page.evaluate(`(() => {
    const rec = window.frameRecord;
    rec.on = false;
    rec.observer && rec.observer.disconnect();
    return { times: rec.times, long: rec.long };
  })()`)) as { times: number[]; long: number[] };
  const intervals = times.slice(1).map((t, i) => t - times[i]!);
  return { intervals, long };
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const mb = (v: number) => `${v.toFixed(0)} MB`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

export async function runFleetCase(browser: Browser, o: FleetCaseOptions): Promise<string> {
  await initClockTicks();
  const work = mkdtempSync(join(tmpdir(), 'portico-bench-ui-fleet-'));
  const configDir = join(work, 'console');
  const daemons: Daemon[] = [];
  let sampler: ReturnType<typeof sampleProcess> | undefined;
  try {
    const sim = startDaemon(
      'fleet-sim',
      process.execPath,
      [
        join(ROOT, 'scripts/fleet-sim.ts'),
        ...['--agents', String(o.agents), '--servers-per-agent', String(o.serversPerAgent)],
        ...['--sites', String(o.sites), '--config-dir', configDir],
        ...['--wait-for-sessions', String(o.agents), '--measure', String(o.measureSeconds)],
        ...['--events-per-second', String(o.eventsPerSecond), '--report-every', '0'],
      ],
      { logDir: work },
    );
    daemons.push(sim);
    const simStarted = Date.now();
    await lineOf(sim, /^fleet-sim ready/, 'the paired fleet', 600_000);
    const pairedIn = (Date.now() - simStarted) / 1000;

    const consoleStarted = Date.now();
    const web = startDaemon(
      'console',
      process.execPath,
      [join(ROOT, 'src-main/web/main.ts'), '--config-dir', configDir, '--no-discovery'],
      { logDir: work, env: { ...process.env, PORTICO_LOG_LEVEL: 'warn' } },
    );
    daemons.push(web);
    const url = /http:\/\/127\.0\.0\.1:\d+\/#secret=\S+/.exec(
      await lineOf(web, /#secret=/, 'its URL', 60_000),
    )![0];
    sampler = sampleProcess(web.pid);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // The first load happens while the Console connects to every agent and fills its history.
    const whileConnecting = await loadDashboard(page, url, o.sites);

    await lineOf(sim, /sessions open$/, 'a session from the Console on every agent', 600_000);
    const connectedAt = Date.now();
    const connectS = (connectedAt - consoleStarted) / 1000;

    // At rest: first renders, then the Console alone until fleet-sim starts streaming.
    const first: number[] = [];
    for (let i = 0; i < 5; i++) first.push(await loadDashboard(page, url, o.sites));
    const services: number[] = [];
    const site = (await page.locator('section.tile').first().getAttribute('aria-label'))!.replace(
      /^Site /,
      '',
    );
    for (let i = 0; i < 5; i++) {
      if (i > 0) await loadDashboard(page, url, o.sites);
      services.push(
        await timed(async () => {
          await page.getByRole('button', { name: `Services of ${site}` }).click();
          await page.locator('article figure[data-points]').first().waitFor({ timeout: 30_000 });
        }),
      );
    }
    const restFrom = Date.now();
    await lineOf(sim, /^ {2}at rest:/, "fleet-sim's rest figures", (o.measureSeconds + 120) * 1000);
    const restTo = Date.now();

    // Streaming: a second for the stream to reach its rate, then frames for most of the window.
    await page.waitForTimeout(2_000);
    const streamFrom = Date.now();
    const frames = await recordFrames(page, Math.max(5_000, (o.measureSeconds - 8) * 1000));
    const streamingLine = await lineOf(
      sim,
      /^ {2}streaming:/,
      "fleet-sim's streaming figures",
      (o.measureSeconds + 120) * 1000,
    );
    const streamTo = Date.now();
    const duringStream = await loadDashboard(page, url, o.sites);
    sampler.stop();
    await page.close();

    const s = sampler.samples;
    const fill = windowOf(s, consoleStarted, restFrom);
    const rest = windowOf(s, restFrom, restTo);
    const stream = windowOf(s, streamFrom, streamTo);
    const rate = /(\d+) health events\/s/.exec(streamingLine)?.[1] ?? '?';
    const sorted = [...frames.intervals].sort((a, b) => a - b);
    const p95 = percentileSorted(sorted, 95);
    const firstMedian = median(first);
    const lines = [
      `Console with a simulated fleet: ${o.agents} agents × ${o.serversPerAgent} real servers in ${o.sites} sites ` +
        `(fleet-sim started and paired in ${pairedIn.toFixed(0)} s; the Console had a session with every agent ` +
        `${connectS.toFixed(0)} s after it started)`,
      `  Console main process RSS while connecting and filling      peak ${mb(fill.peakMB)}, cpu ${fill.cores.toFixed(2)} cores`,
      `  Console main process at rest                               ${mb(rest.endMB)} (peak ${mb(rest.peakMB)}), ` +
        `cpu ${rest.cores.toFixed(2)} cores`,
      `  Console main process at ${rate} health events/s            ${mb(stream.endMB)} (peak ${mb(stream.peakMB)}), ` +
        `cpu ${stream.cores.toFixed(2)} cores   goal ≤ ${GOALS.rssMB} MB: ${verdict(stream.peakMB <= GOALS.rssMB)}`,
      `  Dashboard first render (fresh page, all tiles), median of 5  ${ms(firstMedian)}   [${first.map(ms).join(', ')}]   ` +
        `goal ≤ ${GOALS.firstRenderMs} ms: ${verdict(firstMedian <= GOALS.firstRenderMs)}`,
      `    while the fleet connected ${ms(whileConnecting)}; while events streamed ${ms(duringStream)}`,
      `  A site's service cards with charts, median of 5            ${ms(median(services))}   [${services.map(ms).join(', ')}]`,
      `  Frame interval while events stream, ${frames.intervals.length} frames   p50 ${percentileSorted(sorted, 50).toFixed(1)} ms, ` +
        `p95 ${p95.toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms; long animation frames (> 50 ms): ` +
        `${frames.long.length}${frames.long.length ? `, longest ${ms(Math.max(...frames.long))}` : ''}   ` +
        `goal p95 ≤ ${GOALS.frameP95Ms} ms (every 60 Hz frame: 16.7): ${verdict(p95 <= 16.7 + 0.5)}`,
      `  fleet-sim itself: ${streamingLine.trim()}`,
    ];
    if (pageErrors.length) lines.push(`  page errors: ${pageErrors.join('; ')}`);
    return `${lines.join('\n')}\n`;
  } finally {
    sampler?.stop();
    for (const d of daemons.reverse()) await stopDaemon(d, 15_000);
    rmSync(work, { recursive: true, force: true });
  }
}
