/**
 * Issue 12's Console end to end: one agent on the built-in engine and one driving HAProxy
 * (`--engine haproxy`, Debian's HAProxy as the agent's child), both real processes, paired from
 * the Fleet screen in Chromium, which shows each agent's engine and its version; then the same
 * template (HTTPS offload, with a certificate each agent holds) applied to both from the
 * Templates screen, each on its own loopback address as appliances have theirs (one host: two
 * agents cannot hold one address and port). Each engine serves it, its own counters show the
 * requests, and the Health screen shows the pool member up on both.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCertCommand } from '../../agent/certs/cert-command.ts';
import { openConsole, type OpenConsole } from '../../src-main/core/open.ts';
import { startWebServer, type WebServer } from '../../src-main/web/server.ts';
import { startBackend, type Backend } from '../support/backends.ts';
import { until } from '../support/engine.ts';
import { startFleetAgent, type FleetAgent } from '../support/fleet-agent.ts';
import { TestPki, type Issued } from '../support/pki.ts';
import { pairOnFleetScreen } from '../support/fleet-screen-pairing.ts';
import { freePort } from '../support/ports.ts';
import { httpsGet } from '../support/tls.ts';
import { axeViolations } from './axe.ts';
import { RENDERER_DIR, SCREENSHOT_DIR } from './console-under-test.ts';

const VIEWPORT = { width: 1280, height: 900 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SITE_NAME = 'www.engines.test';

let browser: Browser;
let page: Page;
let opened: OpenConsole;
let web: WebServer;
let builtin: FleetAgent;
let haproxy: FleetAgent;
let backend: Backend;
let pki: TestPki;
let leaf: Issued;
const closers: (() => Promise<unknown> | unknown)[] = [];

/** The certificate both agents hold under the name `www`, imported as an admin does on the box. */
async function importCertificate(agent: FleetAgent): Promise<void> {
  const key = join(pki.dir, 'www.key.pem');
  const chain = join(pki.dir, 'www.chain.pem');
  writeFileSync(key, leaf.key, { mode: 0o600 });
  writeFileSync(chain, leaf.chain + leaf.root);
  let err = '';
  const io = { stdout: { write: () => true }, stderr: { write: (s: string) => ((err += s), true) } };
  const code = await runCertCommand(
    ['import', '--data-dir', agent.dataDir, '--name', 'www', '--pem', key, '--pem', chain],
    io as never,
  );
  if (code !== 0) throw new Error(`cert import on ${agent.name} failed: ${err}`);
}

/** One request on a new connection, as a client on the internet sends it (SNI, the root trusted). */
function getOverTls(host: string, port: number): Promise<{ status: number; body: string }> {
  return httpsGet({ host, port, path: '/engines', servername: SITE_NAME, ca: leaf.root });
}

async function screenshot(name: string): Promise<void> {
  const height = await page.locator('main').evaluate((m) => m.getBoundingClientRect().top + m.scrollHeight);
  await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(Math.max(height, 600), 6000) });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
  await page.setViewportSize(VIEWPORT);
}

const screenButton = (name: string) =>
  page.getByRole('navigation').getByRole('button', { name, exact: true });

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  pki = new TestPki();
  const root = pki.root('Engines Root');
  leaf = pki.issue(root, { cn: SITE_NAME, sans: [SITE_NAME] });
  builtin = await startFleetAgent({ name: 'lb-builtin', site: 'berlin' });
  closers.push(() => builtin.dispose());
  haproxy = await startFleetAgent({ name: 'lb-haproxy', site: 'berlin', engine: 'haproxy' });
  closers.push(() => haproxy.dispose());
  for (const agent of [builtin, haproxy]) await importCertificate(agent);
  backend = await startBackend('web1');
  closers.push(() => backend.close());

  const dir = join(pki.dir, 'console');
  const log = pino({ level: 'silent' });
  opened = openConsole({ log, configDir: dir, discovery: false });
  closers.push(() => opened.close());
  web = await startWebServer({ core: opened.core, staticDir: RENDERER_DIR, port: 0, log });
  closers.push(() => web.close());
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  closers.push(() => browser.close());
  page = await browser.newPage({ viewport: VIEWPORT });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  closers.push(() => {
    if (pageErrors.length > 0) throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
  });
  await page.goto(web.url);
}, 120_000);

afterAll(async () => {
  const problems: string[] = [];
  for (const c of closers.reverse()) await Promise.resolve(c()).catch((e: Error) => problems.push(e.message));
  pki?.cleanup();
  if (problems.length) throw new Error(problems.join('; '));
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await screenshot(`failed-engines-${task.name.replace(/\W+/g, '-')}`);
});

describe('a built-in agent and an HAProxy agent in one Console', () => {
  it('pairs both from the Fleet screen, which shows each engine and its version', async () => {
    for (const agent of [builtin, haproxy]) await pairOnFleetScreen(page, agent);
    const engineOf = (name: string) => page.getByRole('row', { name }).getByRole('cell').nth(2);
    await until(
      async () => /haproxy/.test((await engineOf('lb-haproxy').textContent()) ?? ''),
      'engines',
      15_000,
    );
    // Each agent reports its engine's kind and version: HAProxy's own (Debian's 2.6 here), and
    // the agent's for the built-in one.
    expect(await engineOf('lb-haproxy').textContent()).toMatch(/^haproxyHAProxy 2\.\d+\.\d+/);
    expect(await engineOf('lb-builtin').textContent()).toMatch(/^builtinportico \d+\.\d+\.\d+/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot('engines-fleet');
  }, 60_000);

  it('applies one template to both, and each engine serves it', async () => {
    // Each appliance has its own public address; on this one host an address:port another
    // process holds is refused, so each agent gets its own loopback address, the same port and
    // the same document otherwise, from the same screen.
    const vips = { 'lb-builtin': '127.0.0.1', 'lb-haproxy': '127.0.0.2' };
    const port = await freePort();
    await screenButton('Templates').click();
    for (const [name, vip] of Object.entries(vips)) {
      await page.getByRole('radio', { name: /^HTTPS offload/ }).check();
      const form = page.getByRole('form', { name: 'Parameters and agents' });
      await form.getByLabel(/^Service name/).fill('www');
      await form.getByLabel(/^Virtual IP/).fill(vip);
      await form.getByLabel(/^HTTPS port/).fill(String(port));
      await form.getByLabel(/^Certificate/).selectOption('www');
      if ((await form.getByLabel('Name of server 1').count()) === 0)
        await form.getByRole('button', { name: 'Add server' }).click();
      await form.getByLabel('Name of server 1').fill('web1');
      await form.getByLabel('Address of server 1').fill('127.0.0.1');
      await form.getByLabel(/^Real-server port/).fill(String(backend.port));
      for (const other of Object.keys(vips))
        await form.getByLabel(new RegExp(other)).setChecked(other === name);
      await form.getByRole('button', { name: 'Preview' }).click();
      await page
        .getByRole('listitem', { name: `Preview on ${name}` })
        .getByText(/Add virtual service www/)
        .first()
        .waitFor();
      await page.getByRole('button', { name: 'Apply to 1 agent' }).click();
      await page
        .getByRole('listitem', { name: `Apply on ${name}` })
        .getByText(/Revision \d+ now running/)
        .waitFor({ timeout: 30_000 });
      await screenshot(`engines-template-applied-${name}`);
    }

    // The same document on both, but for the address.
    for (const agent of [builtin, haproxy]) {
      const { config } = await opened.core.config.get(agent.id);
      expect(config.virtualServices.find((vs) => vs.name === 'www')).toMatchObject({
        protocol: 'https',
        pool: 'www',
        tls: { certificates: ['www'] },
        listen: { address: vips[agent.name as keyof typeof vips], port },
      });
      expect(config.pools.find((p) => p.name === 'www')?.servers).toMatchObject([
        { name: 'web1', address: '127.0.0.1', port: backend.port },
      ]);
    }

    // Each engine serves it: TLS ends at the balancer, the real server is told so, and the
    // agent's own counters (HAProxy's, read through its runtime API) show the requests.
    const served = async (agent: FleetAgent) =>
      (await opened.core.health.status(agent.id)).virtualServices.find((s) => s.name === 'www')?.requests ??
      0;
    for (const agent of [builtin, haproxy]) {
      for (let i = 0; i < 5; i++) {
        const answer = await getOverTls(vips[agent.name as keyof typeof vips], port);
        expect(answer.status).toBe(200);
        const echoed = JSON.parse(answer.body) as { backend: string; headers: Record<string, string> };
        expect(echoed.backend).toBe('web1');
        expect(echoed.headers['x-forwarded-proto']).toBe('https');
      }
      await until(async () => (await served(agent)) >= 5, `${agent.name} counting its requests`, 15_000);
    }

    // The Health screen: the pool member, checked by each engine, up on both.
    await screenButton('Health').click();
    for (const name of ['lb-builtin', 'lb-haproxy']) {
      await page.locator(`.health-row.state-up[aria-label="${name} www/web1"]`).waitFor({ timeout: 15_000 });
    }
    await screenshot('engines-health');
  }, 120_000);
});
