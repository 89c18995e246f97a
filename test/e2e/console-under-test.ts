/**
 * End-to-end support: everything the Console talks to, real and on loopback. Two portico-agent
 * processes on two sites, the Console core with its certificate pipeline (AIA allowed, the test
 * root trusted instead of the system's), browser mode serving the built renderer, and Debian's
 * Chromium driven by playwright-core. Screenshots go to test-results/e2e/ for a person to look at.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { makeCorpus, type Corpus } from '../support/cert-corpus.ts';
import { openConsole, type OpenConsole } from '../../src-main/core/open.ts';
import { addAiaHierarchy, type AiaCorpus } from '../support/aia-corpus.ts';
import { startAiaServer, type AiaServer } from '../support/aia-server.ts';
import { startFleetAgent, type FleetAgent } from '../support/fleet-agent.ts';
import { startWebServer, type WebServer } from '../../src-main/web/server.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'e2e');

const VIEWPORT = { width: 1280, height: 900 };

/** The flags the Console's E2E runs Chromium with: no GPU, no calls home, no sandbox in containers. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface ConsoleUnderTest {
  agents: { london: FleetAgent; paris: FleetAgent };
  console: OpenConsole;
  web: WebServer;
  browser: Browser;
  page: Page;
  corpus: Corpus;
  aia: AiaCorpus;
  aiaServer: AiaServer;
  /** Saves test-results/e2e/<name>.png of the whole page. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startConsoleUnderTest(): Promise<ConsoleUnderTest> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await Promise.resolve(closeOne()).catch(() => undefined);
  };
  try {
    const corpus = makeCorpus();
    closers.push(() => corpus.cleanup());
    const aiaServer = await startAiaServer();
    closers.push(() => aiaServer.close());
    const aia = addAiaHierarchy(corpus, aiaServer.origin);
    aia.publish(aiaServer, { slowMs: 100, hugeBytes: 1024 });

    const london = await startFleetAgent({ name: 'lb-london-1', site: 'london' });
    closers.push(() => london.dispose());
    const paris = await startFleetAgent({ name: 'lb-paris-1', site: 'paris' });
    closers.push(() => paris.dispose());

    const configDir = mkdtempSync(join(tmpdir(), 'portico-e2e-console-'));
    closers.push(() => rmSync(configDir, { recursive: true, force: true }));
    const log = pino({ level: 'silent' });
    const opened = openConsole({
      log,
      configDir,
      discovery: false,
      certs: {
        libraryDir: join(configDir, 'library'),
        trustedRoots: [corpus.read('root.pem')],
        systemRoots: false,
      },
    });
    closers.push(() => opened.close());
    const web = await startWebServer({ core: opened.core, staticDir: RENDERER_DIR, port: 0, log });
    closers.push(() => web.close());

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    closers.push(() => browser.close());
    const page = await browser.newPage({ viewport: VIEWPORT });
    // A page error is a defect even when the screen still looks right.
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    closers.push(() => {
      if (pageErrors.length > 0) throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
    });
    await page.goto(web.url);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });

    return {
      agents: { london, paris },
      console: opened,
      web,
      browser,
      page,
      corpus,
      aia,
      aiaServer,
      screenshot: async (name) => {
        // <main> scrolls inside the window, so a full-page shot would cut it: grow the window
        // to the screen's whole height for the picture, then put it back.
        const height = await page
          .locator('main')
          .evaluate((main) => main.getBoundingClientRect().top + main.scrollHeight);
        await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(Math.max(height, 600), 6000) });
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
        await page.setViewportSize(VIEWPORT);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
