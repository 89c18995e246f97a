/**
 * The Dashboard end to end, in Debian's Chromium on browser mode: a demo fleet of three sites
 * (real agent processes, real back ends, light traffic) shows its tiles and charts; a real
 * server killed turns its site's tile red and raises a desktop notification while the Console is
 * not the focused page (the permission granted as an admin would); a second Console connecting
 * later shows the history the agents kept. Screenshots in light and dark in test-results/e2e/;
 * axe finds nothing on the screen. Slots close every 10 s, so steps wait for them (bounded).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type OpenConsole } from '../../src-main/core/open.ts';
import { startWebServer, type WebServer } from '../../src-main/web/server.ts';
import { startDashboardFleet, type DashboardFleet } from '../support/dashboard-fleet.ts';
import { until } from '../support/engine.ts';
import { axeViolations } from './axe.ts';
import { RENDERER_DIR, SCREENSHOT_DIR } from './console-under-test.ts';

const VIEWPORT = { width: 1280, height: 900 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
/** Two slots and a poll. */
const SLOT_WAIT_MS = 35_000;

interface ConsoleInBrowser {
  console: OpenConsole;
  web: WebServer;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

let browser: Browser;
let first: ConsoleInBrowser;
let fleet: DashboardFleet;
const closers: (() => Promise<unknown>)[] = [];

/** A Console on its own directory, served in browser mode, open in a page that may notify. */
async function openConsoleInBrowser(): Promise<ConsoleInBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-e2e-dashboard-'));
  const log = pino({ level: 'silent' });
  const console = openConsole({ log, configDir: dir, discovery: false });
  const web = await startWebServer({ core: console.core, staticDir: RENDERER_DIR, port: 0, log });
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.grantPermissions(['notifications'], { origin: new URL(web.url).origin });
  // The browser's own Notification, observed: each one the page creates is recorded. (A string:
  // this project's types have no DOM; the script runs in the page.)
  await context.addInitScript(`{
    const Real = window.Notification;
    const shown = (window.shownNotifications = []);
    class Observed extends Real {
      constructor(title, options) {
        super(title, options);
        shown.push(options && options.body !== undefined ? { title, body: options.body } : { title });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Observed, configurable: true, writable: true });
  }`);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    console,
    web,
    context,
    page,
    async close() {
      await context.close();
      await web.close();
      await console.close();
      rmSync(dir, { recursive: true, force: true });
      if (pageErrors.length > 0) throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
    },
  };
}

async function screenshot(page: Page, name: string): Promise<void> {
  // <main> scrolls inside the window: grow the window to the screen's whole height for the picture.
  const height = await page.locator('main').evaluate((m) => m.getBoundingClientRect().top + m.scrollHeight);
  await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(Math.max(height, 600), 6000) });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
  await page.setViewportSize(VIEWPORT);
}

const tile = (page: Page, site: string) => page.getByRole('region', { name: `Site ${site}` });
const card = (page: Page, service: string, agent: string) =>
  page.getByRole('article', { name: `${service} on ${agent}` });
/** Slots with a value in a chart of a card (the figure says how many it drew). */
const points = async (page: Page, service: string, agent: string) => {
  const figure = card(page, service, agent).locator('figure').first();
  return (await figure.count()) === 0 ? 0 : Number(await figure.getAttribute('data-points'));
};

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  closers.push(() => browser.close());
  first = await openConsoleInBrowser();
  closers.push(() => first.close());
  fleet = await startDashboardFleet(first.console.core);
  closers.push(() => fleet.close());
  await first.page.goto(first.web.url);
}, 120_000);

afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail')
    await screenshot(first.page, `failed-dashboard-${task.name.replace(/\W+/g, '-')}`);
});

describe('the Dashboard in Chromium', () => {
  it("shows the demo fleet's tiles and its services' charts, light and dark, and axe finds nothing", async () => {
    const { page } = first;
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    for (const site of ['amsterdam', 'frankfurt', 'london']) {
      await tile(page, site).getByText('3 up').waitFor({ timeout: 15_000 });
    }
    await page.getByRole('button', { name: 'Services of amsterdam' }).click();
    // Charts with at least two slots of traffic.
    await until(
      async () => (await points(page, 'web', 'lb-amsterdam')) >= 2,
      'two slots on the chart',
      SLOT_WAIT_MS,
    );
    const web = card(page, 'web', 'lb-amsterdam');
    expect(await web.locator('canvas').count()).toBeGreaterThanOrEqual(4);
    expect(await web.getByRole('figure').first().textContent()).toMatch(/^Requests [\d.]+\/s now, highest/);
    expect(await tile(page, 'amsterdam').textContent()).toMatch(/Requests[\d.]+\/s/);
    expect(await tile(page, 'amsterdam').getAttribute('class')).toContain('level-ok');
    expect(await axeViolations(page)).toEqual([]);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(300);
      await screenshot(page, `dashboard-${scheme}`);
      expect(await axeViolations(page)).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }, 60_000);

  it('a real server killed turns its site red and raises a notification while the Console is not in front', async () => {
    const { page, context } = first;
    // The admin works in another window: the Console's page loses the focus.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
    const other = await context.newPage();
    await other.goto('about:blank');
    await other.bringToFront();
    expect(await page.evaluate('document.hasFocus()')).toBe(false);

    await fleet.sites.frankfurt.web[0]!.kill();
    const frankfurt = tile(page, 'frankfurt');
    await until(
      async () => (await frankfurt.getAttribute('class'))?.includes('level-critical') ?? false,
      'frankfurt red',
      10_000,
    );
    expect(await frankfurt.getByRole('list', { name: 'Problems at frankfurt' }).textContent()).toContain(
      '1 real server down',
    );
    expect(await tile(page, 'london').getAttribute('class')).toContain('level-ok');
    const shown = () =>
      page.evaluate('window.shownNotifications') as Promise<{ title: string; body?: string }[]>;
    await until(async () => (await shown()).length > 0, 'a notification', 10_000);
    expect((await shown())[0]).toEqual({
      title: 'Portico: Real server down',
      body: expect.stringMatching(/^Real server web\/web1 on lb-frankfurt \(frankfurt\) is down/),
    });

    await page.bringToFront();
    await other.close();
    await page
      .getByRole('list', { name: 'Alerts needing attention' })
      .getByText(/web\/web1 on lb-frankfurt/)
      .waitFor();
    await screenshot(page, 'dashboard-server-down');
  }, 60_000);

  it("a second Console connecting later shows the agents' history at once", async () => {
    // Some slots have passed on the first Console: the agents hold them. Four take 30 s or more
    // to gather slot by slot; a Console that fills from the history shows them in seconds.
    await until(async () => (await points(first.page, 'web', 'lb-amsterdam')) >= 4, 'four slots', 45_000);
    const held = await points(first.page, 'web', 'lb-amsterdam');
    const late = await openConsoleInBrowser();
    closers.push(() => late.close());
    await fleet.pair(late.console.core);
    const started = Date.now();
    await late.page.goto(late.web.url);
    await late.page.getByRole('button', { name: 'Services of amsterdam' }).click();
    await until(async () => (await points(late.page, 'web', 'lb-amsterdam')) >= held, 'the history', 15_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    await screenshot(late.page, 'dashboard-second-console');
  }, 90_000);
});
