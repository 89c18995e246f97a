/**
 * The Console end to end, as an admin uses it: Chromium on browser mode, two real agents on two
 * sites, real back ends, a PFX whose intermediates only AIA can supply. Each step builds on the
 * one before (paired agents, then a pushed certificate, then a template using it), so a failure
 * names the first step that broke.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/cert-corpus.ts';
import { HOP_INT1_CN, HOP_INT2_CN, HOP_LEAF_CN } from '../support/aia-corpus.ts';
import { startBackend, type Backend } from '../support/backends.ts';
import { selfSigned } from '../support/pki.ts';
import { pairOnFleetScreen } from '../support/fleet-screen-pairing.ts';
import { freePort } from '../support/ports.ts';
import { httpsGet } from '../support/tls.ts';
import { axeViolations } from './axe.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from './console-under-test.ts';

let t: ConsoleUnderTest;
let web: Backend;
/** The two services the Agent form creates on lb-london-1, both sending to pool web. */
let wwwPort: number;
let wwwAltPort: number;
/** The Front End's external web site: HTTPS with its own certificate (port 4443 in production). */
let frontEnd: Server;
let frontEndHttp: Backend;

beforeAll(async () => {
  t = await startConsoleUnderTest();
  web = await startBackend('web1');
  [wwwPort, wwwAltPort] = [await freePort(), await freePort()];
  frontEndHttp = await startBackend('fe01-http');
  frontEnd = createHttpsServer(selfSigned('fe01.contoso.test', ['DNS:fe01.contoso.test']), (req, res) => {
    res.setHeader('x-backend', 'fe01');
    res.end(`fe01 saw ${req.headers.host} ${req.url}`);
  });
  await new Promise<void>((resolve) => frontEnd.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  frontEnd?.closeAllConnections();
  frontEnd?.close();
  await frontEndHttp?.close();
  await web?.close();
  await t?.close();
});

// What the page showed when a step failed, beside the screenshots of the steps that passed.
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await t?.screenshot(`failed-${task.name.replace(/\W+/g, '-')}`);
});

/** An HTTPS request as a client on the internet makes it: SNI, and only the root trusted. */
function getOverTls(
  port: number,
  path: string,
  host = '127.0.0.1',
): Promise<{ status: number; body: string }> {
  return httpsGet({ host, port, path, servername: HOP_LEAF_CN, ca: t.corpus.read('root.pem') });
}

const screenButton = (name: string) =>
  t.page.getByRole('navigation').getByRole('button', { name, exact: true });

describe('the Console in Chromium', () => {
  it('pairs two agents on two sites from the Fleet screen', async () => {
    const { page } = t;
    for (const agent of [t.agents.london, t.agents.paris]) await pairOnFleetScreen(page, agent);
    for (const site of ['london', 'paris']) {
      await page
        .getByRole('region', { name: `Site ${site}` })
        .getByText('online')
        .waitFor();
    }
    await t.screenshot('fleet');
  });

  it('creates a pool, then services naming it, on the Agent screen, each validated before it is sent', async () => {
    const { page } = t;
    await page.getByRole('button', { name: 'Open lb-london-1' }).click();
    await page
      .getByRole('heading', { name: /lb-london-1/ })
      .first()
      .waitFor();

    await page.getByRole('button', { name: 'New pool' }).click();
    const poolForm = page.getByRole('form', { name: 'New pool' });
    await poolForm.getByLabel('Name', { exact: true }).fill('web');
    await poolForm.getByLabel('Health check').selectOption('tcp');
    await poolForm.getByLabel('Check interval (ms)').fill('500');
    await poolForm.getByRole('button', { name: 'Add real server' }).click();
    await poolForm.getByLabel('Real server 1 name').fill('web1');
    await poolForm.getByLabel('Real server 1 address').fill('127.0.0.1');
    await poolForm.getByLabel('Real server 1 port').fill('not-a-port');
    await poolForm.getByRole('button', { name: 'Apply' }).click();
    // Refused in the form, next to the field: nothing reached the agent.
    await poolForm.locator('.field-problem').first().waitFor();
    expect(await poolForm.getByLabel('Real server 1 port').getAttribute('aria-invalid')).toBe('true');
    await poolForm.getByLabel('Real server 1 port').fill(String(web.port));
    await t.screenshot('agent-pool-form');
    await poolForm.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/Applied — revision \d+ \(created pool web\)/).waitFor();
    await page.getByRole('article', { name: 'Pool web' }).waitFor();

    // Two services on the one pool: what is drained later is drained for both.
    for (const [name, port] of [
      ['www', wwwPort],
      ['www-alt', wwwAltPort],
    ] as const) {
      await page.getByRole('button', { name: 'New virtual service' }).click();
      const form = page.getByRole('form', { name: 'New virtual service' });
      await form.getByLabel('Name', { exact: true }).fill(name);
      await form.getByLabel('Listen address').fill('127.0.0.1');
      await form.getByLabel('Listen port').fill(String(port));
      if (name === 'www') {
        // No pool chosen and an http service answers 404 to everything: allowed. A tcp one needs a pool.
        await form.getByLabel('Protocol').selectOption('tcp');
        await form.getByRole('button', { name: 'Apply' }).click();
        expect(await form.getByLabel('Pool', { exact: true }).getAttribute('aria-invalid')).toBe('true');
        await form.getByLabel('Protocol').selectOption('http');
      }
      await form.getByLabel('Default pool').selectOption('web');
      if (name === 'www') await t.screenshot('agent-service-form');
      await form.getByRole('button', { name: 'Apply' }).click();
      await page
        .getByText(new RegExp(`Applied — revision \\d+ \\(created virtual service ${name}\\)`))
        .waitFor();
    }
    await page.getByRole('article', { name: 'Pool web' }).getByText('www and www-alt').waitFor();

    for (const port of [wwwPort, wwwAltPort]) {
      const answer = await fetch(`http://127.0.0.1:${port}/hello`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-backend')).toBe('web1');
    }
    await t.screenshot('agent');
  });

  it('inspects a PFX whose intermediates only AIA supplies, and pushes it to both agents', async () => {
    const { page } = t;
    await screenButton('Certificates').click();
    await page.getByLabel('Choose certificate files').setInputFiles(t.corpus.path(t.aia.hopLeafPfx));
    const prompt = page.getByRole('form', { name: 'File passwords' });
    await prompt.getByLabel(`Password for ${t.aia.hopLeafPfx}`).fill(PASSWORD);
    await prompt.getByRole('button', { name: 'Inspect' }).click();

    const chain = page.getByRole('list', { name: 'Chain, leaf first' });
    await chain.getByRole('article').nth(2).waitFor();
    const links = await chain.getByRole('article').allTextContents();
    expect(links.length).toBeGreaterThanOrEqual(3);
    expect(links[0]).toContain(HOP_LEAF_CN);
    expect(links[1]).toContain(HOP_INT2_CN);
    expect(links[1]).toContain(`downloaded from ${t.aiaServer.origin}`);
    expect(links[2]).toContain(HOP_INT1_CN);
    expect(links[2]).toContain('(AIA)');
    await t.screenshot('certificates-inspected');

    const push = page.getByRole('form', { name: 'Push certificate' });
    await push.getByLabel(/lb-london-1/).check();
    await push.getByLabel(/lb-paris-1/).check();
    await push.getByLabel('Store entry name').fill('lyncweb');
    await push.getByRole('button', { name: 'Push to 2 agents' }).click();
    const progress = page.getByRole('list', { name: 'Push progress' });
    for (const name of ['lb-london-1', 'lb-paris-1']) {
      await progress.getByRole('listitem', { name }).and(page.locator('.status-ok')).waitFor();
    }
    // The fleet table lists each pushed copy on its own row, imported, with its Delete.
    const fleetTable = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Used by' }) });
    for (const name of ['lb-london-1', 'lb-paris-1']) {
      const row = fleetTable.getByRole('row', { name: `lyncweb on ${name} (${HOP_LEAF_CN})` });
      await row.waitFor();
      expect(await row.getByRole('cell').nth(1).textContent()).toBe('Imported');
      expect(
        await row
          .getByRole('button', { name: `Delete ${HOP_LEAF_CN}, entry “lyncweb” on ${name}`, exact: false })
          .count(),
      ).toBe(1);
    }
    await t.screenshot('certificates-pushed');
  });

  it('applies the Lync reverse-proxy template to both agents and serves HTTPS through it', async () => {
    const { page } = t;
    await screenButton('Templates').click();
    await page.getByRole('radio', { name: /Lync \/ Skype for Business reverse proxy/ }).check();
    const form = page.getByRole('form', { name: 'Parameters and agents' });
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    await form.getByLabel(/^Public HTTPS port/).fill(String(httpsPort));
    await form.getByLabel(/^Public HTTP port/).fill(String(httpPort));
    await form.getByLabel(/^Public certificate/).selectOption('lyncweb');
    if ((await form.getByLabel('Name of server 1').count()) === 0) {
      await form.getByRole('button', { name: 'Add server' }).click();
    }
    await form.getByLabel('Name of server 1').fill('fe01');
    await form.getByLabel('Address of server 1').fill('127.0.0.1');
    await form
      .getByLabel(/^External web site HTTPS port/)
      .fill(String((frontEnd.address() as AddressInfo).port));
    await form.getByLabel(/^External web site HTTP port/).fill(String(frontEndHttp.port));
    await form.getByLabel(/^Verify Front End certificates/).selectOption('none');

    // Each appliance has its own public address. Both agents run on this one host, where an
    // address:port another process holds is refused, so each gets its own loopback address.
    const sites = [
      { name: 'lb-london-1', vip: '127.0.0.1', other: 'lb-paris-1' },
      { name: 'lb-paris-1', vip: '127.0.0.2', other: 'lb-london-1' },
    ];
    for (const { name, vip, other } of sites) {
      await form.getByLabel(/^Virtual IP/).fill(vip);
      await form.getByLabel(new RegExp(other)).uncheck();
      await form.getByLabel(new RegExp(name)).check();
      await form.getByRole('button', { name: 'Preview' }).click();
      const preview = page.getByRole('listitem', { name: `Preview on ${name}` });
      await preview
        .getByText(/Add virtual service lync-https/)
        .first()
        .waitFor();
      const text = await preview.textContent();
      // The Front Ends once per port, as pools; the two services name them.
      expect(text).toContain('Add pool lync-fe-https: 1 real server: fe01 127.0.0.1:');
      expect(text).toContain('Add pool lync-fe-http: 1 real server: fe01 127.0.0.1:');
      const at = vip.replaceAll('.', '\\.');
      expect(text).toMatch(
        new RegExp(`Add virtual service lync-https: https on ${at}:\\d+ → pool lync-fe-https`),
      );
      expect(text).toMatch(
        new RegExp(`Add virtual service lync-http: http on ${at}:\\d+ → pool lync-fe-http`),
      );
      if (name === 'lb-london-1') await t.screenshot('templates-preview');
      await page.getByRole('button', { name: 'Apply to 1 agent' }).click();
      const applied = page.getByRole('listitem', { name: `Apply on ${name}` });
      await applied.getByText(/Revision \d+ now running/).waitFor();
      expect(await applied.textContent()).toContain(
        'Added pools lync-fe-https, lync-fe-http and virtual services lync-https, lync-http.',
      );
    }
    await t.screenshot('templates-applied');

    // Each agent serves the pushed chain (leaf + both AIA intermediates) on its address and
    // re-encrypts to the Front End.
    for (const { vip } of sites) {
      for (let i = 0; i < 2; i++) {
        const answer = await getOverTls(httpsPort, '/meet/', vip);
        expect(answer.status).toBe(200);
        expect(answer.body).toBe(`fe01 saw ${HOP_LEAF_CN} /meet/`);
      }
    }
    for (const agent of [t.agents.london, t.agents.paris]) {
      const { config } = await t.console.core.config.get(agent.id);
      const https = config.virtualServices.find((vs) => vs.name === 'lync-https');
      expect(https).toMatchObject({
        protocol: 'https',
        pool: 'lync-fe-https',
        tls: { certificates: ['lyncweb'] },
        listen: { port: httpsPort },
      });
    }
  });

  it('drains a pool member from the Health screen: every service using the pool stops sending to it', async () => {
    const { page } = t;
    await screenButton('Health').click();
    const row = page.getByRole('row', { name: 'lb-london-1 web/web1' });
    await row.and(page.locator('.state-up')).waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('used by www, www-alt');
    await t.screenshot('health-up');

    await row.getByRole('button', { name: 'Drain web/web1 on lb-london-1' }).click();
    await row.getByRole('button', { name: 'Enable web/web1 on lb-london-1' }).waitFor();
    // One action: no server is left to either service (503 NO_SERVER), and the agent reports it.
    for (const port of [wwwPort, wwwAltPort]) {
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(503);
    }
    await row.and(page.locator('.state-disabled')).waitFor({ timeout: 5_000 });
    expect(await row.textContent()).toContain('drained');
    await t.screenshot('health-drained');

    // The Agent screen shows the same one member drained, under its pool, and each service's
    // traffic as the agent counts it (its status, read while the screen shows).
    await screenButton('Agent').click();
    await page
      .getByRole('article', { name: 'Virtual service www', exact: true })
      .getByText(/^\d+ open connections?, [1-9]\d* requests \(\d+ 5xx\)$/)
      .waitFor();
    const member = page.getByRole('article', { name: 'Pool web' }).getByRole('row', { name: 'web1' });
    await member.getByText('draining').waitFor();
    await member.getByRole('button', { name: 'Enable web/web1' }).click();
    await member.getByRole('button', { name: 'Drain web/web1' }).waitFor();
    for (const port of [wwwPort, wwwAltPort]) {
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    }
  });

  it('refuses to remove a pool services use, saying which ones', async () => {
    const { page } = t;
    await screenButton('Agent').click();
    const pool = page.getByRole('article', { name: 'Pool web' });
    await pool.getByRole('button', { name: 'Remove pool web' }).click();
    await pool.getByRole('button', { name: 'Yes, remove web' }).click();
    const alert = pool.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'Not removed: Pool web is still used by the virtual services www and www-alt: point them at another pool or remove them first.',
    );
    await t.screenshot('agent-pool-in-use');
  });

  it('shows a stopped real server as down in the health view within 3 seconds', async () => {
    const { page } = t;
    await screenButton('Health').click();
    const row = page.getByRole('row', { name: 'lb-london-1 web/web1' });
    await row.and(page.locator('.state-up')).waitFor({ timeout: 10_000 });

    const stoppedAt = Date.now();
    await web.kill();
    await row.and(page.locator('.state-down')).waitFor({ timeout: 3_000 });
    const seconds = (Date.now() - stoppedAt) / 1000;
    expect(seconds).toBeLessThan(3);
    expect(await row.textContent()).toMatch(/refused|ECONNREFUSED/i);
    await t.screenshot('health-down');
  });

  it('shows a changed agent certificate as a fingerprint mismatch, and re-pairs after the admin compares', async () => {
    const { page } = t;
    const paris = t.agents.paris;
    // The agent gets a new certificate (same key): the pinned fingerprint no longer matches.
    await paris.stop();
    rmSync(join(paris.dataDir, 'identity.crt'));
    await paris.start();
    const presented = (
      JSON.parse(readFileSync(join(paris.dataDir, 'agent.json'), 'utf8')) as { fingerprint: string }
    ).fingerprint;
    expect(presented).not.toBe(paris.fingerprint);

    await screenButton('Fleet').click();
    const row = page.getByRole('row', { name: 'lb-paris-1' });
    await row.getByText('fingerprint mismatch').first().waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain(presented);
    await t.screenshot('fleet-mismatch');

    await page.getByRole('button', { name: 'Re-pair lb-paris-1' }).click();
    const form = page.getByRole('form', { name: 'Re-pair lb-paris-1' });
    expect(await form.textContent()).toContain(presented);
    await form.getByLabel(/I compared it/).check();
    await form.getByRole('button', { name: 'Trust the new fingerprint' }).click();
    await page.getByText('Re-paired lb-paris-1.').waitFor();
    await row.getByText('online').waitFor({ timeout: 15_000 });
  });

  it('reaches every screen from the keyboard, and draws each one in the dark theme', async () => {
    const { page } = t;
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenButton('Fleet').focus();
    for (const name of ['Health', 'Agent', 'Certificates', 'Templates']) {
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Enter');
      expect(await screenButton(name).getAttribute('aria-current')).toBe('page');
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await t.screenshot(`dark-${name.toLowerCase()}`);
    }
    // The theme really changed: the page background is dark.
    const background = await page
      .locator('html')
      .evaluate((root) => root.ownerDocument.defaultView?.getComputedStyle(root).backgroundColor);
    expect(background).toBe('rgb(20, 23, 26)');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('lines up columns under their headers: Fleet site tables alike, Health header over its rows', async () => {
    const { page } = t;
    // Left edges of a row's cells, rounded: what the admin's eye compares down a column.
    const lefts = (row: Locator) =>
      row.evaluate((r) => [...r.children].map((c) => Math.round(c.getBoundingClientRect().left)));
    await screenButton('Fleet').click();
    const heads = await Promise.all(
      ['london', 'paris'].map((site) =>
        lefts(page.getByRole('region', { name: `Site ${site}` }).locator('thead tr')),
      ),
    );
    expect(heads[0]).toHaveLength(9);
    expect(heads[1]).toEqual(heads[0]);

    await screenButton('Health').click();
    const table = page.getByRole('table', { name: 'Real servers' });
    const first = table.getByRole('row', { name: 'lb-london-1 web/web1' });
    await first.waitFor();
    const header = await lefts(table.locator('.health-head'));
    expect(header).toHaveLength(7);
    // Each column right of the one before: no cell wraps onto a second line of the grid.
    expect(header.every((left, i) => i === 0 || left > header[i - 1]!)).toBe(true);
    expect(await lefts(first)).toEqual(header);
  });

  it.each(['light', 'dark'] as const)('passes axe-core on every screen in the %s theme', async (theme) => {
    const { page } = t;
    await page.emulateMedia({ colorScheme: theme });
    const found: string[] = [];
    for (const name of ['Fleet', 'Health', 'Agent', 'Certificates', 'Templates']) {
      await screenButton(name).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      found.push(...(await axeViolations(page)).map((v) => `${name}: ${v}`));
    }
    // The forms too: a new pool (with a real-server row), a new service (with a content rule,
    // after a refused apply so problems show), a removal refused in use, and a pair form.
    await screenButton('Agent').click();
    await page.getByRole('button', { name: 'New pool' }).click();
    const poolForm = page.getByRole('form', { name: 'New pool' });
    await poolForm.getByRole('button', { name: 'Add real server' }).click();
    await poolForm.getByLabel('Persistence', { exact: true }).selectOption('cookie');
    await poolForm.getByLabel('Re-encrypt to real servers (TLS to the servers)').check();
    found.push(...(await axeViolations(page)).map((v) => `Pool form: ${v}`));
    await poolForm.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'New virtual service' }).click();
    const serviceForm = page.getByRole('form', { name: 'New virtual service' });
    await serviceForm.getByLabel('Protocol').selectOption('https');
    await serviceForm.getByRole('button', { name: 'Add content rule' }).click();
    await serviceForm.getByRole('button', { name: 'Apply' }).click();
    await serviceForm.locator('.field-problem').first().waitFor();
    found.push(...(await axeViolations(page)).map((v) => `Service form: ${v}`));
    await serviceForm.getByRole('button', { name: 'Cancel' }).click();
    const pool = page.getByRole('article', { name: 'Pool web' });
    await pool.getByRole('button', { name: 'Remove pool web' }).click();
    await pool.getByRole('button', { name: 'Yes, remove web' }).click();
    await pool.getByRole('alert').waitFor();
    found.push(...(await axeViolations(page)).map((v) => `Pool in use: ${v}`));
    await screenButton('Fleet').click();
    await page.getByRole('button', { name: 'Pair an agent by address…' }).click();
    found.push(...(await axeViolations(page)).map((v) => `Pair form: ${v}`));
    await page.getByRole('form', { name: 'Pair an agent' }).getByRole('button', { name: 'Cancel' }).click();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(found).toEqual([]);
  });
});
