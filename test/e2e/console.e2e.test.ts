/**
 * The Console end to end, as an admin uses it: Chromium on browser mode, two real agents on two
 * sites, real back ends, a PFX whose intermediates only AIA can supply. Each step builds on the
 * one before (paired agents, then a pushed certificate, then a template using it), so a failure
 * names the first step that broke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../../shared/certs/testing/corpus.ts';
import { HOP_INT1_CN, HOP_INT2_CN, HOP_LEAF_CN } from '../../src-main/certs/testing/aia-corpus.ts';
import { startBackend, type Backend } from '../support/backends.ts';
import { freePort } from '../support/ports.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from './console-under-test.ts';

let t: ConsoleUnderTest;
let web: Backend;

beforeAll(async () => {
  t = await startConsoleUnderTest();
  web = await startBackend('web1');
});
afterAll(async () => {
  await web?.close();
  await t?.close();
});

const screenButton = (name: string) => t.page.getByRole('navigation').getByRole('button', { name, exact: true });

describe('the Console in Chromium', () => {
  it('pairs two agents on two sites from the Fleet screen', async () => {
    const { page } = t;
    for (const agent of [t.agents.london, t.agents.paris]) {
      await page.getByRole('button', { name: 'Pair an agent by address…' }).click();
      const form = page.getByRole('form', { name: 'Pair an agent' });
      await form.getByLabel('Address').fill('127.0.0.1');
      await form.getByLabel('Port').fill(String(agent.port));
      await form.getByLabel('Token').fill(agent.token);
      await form.getByRole('button', { name: 'Pair' }).click();
      const paired = page.getByRole('status').filter({ hasText: `Paired with ${agent.name}` });
      await paired.waitFor();
      expect(await paired.textContent()).toContain(agent.fingerprint);
      await paired.getByRole('button', { name: 'Done' }).click();
    }
    for (const site of ['london', 'paris']) {
      await page.getByRole('region', { name: `Site ${site}` }).getByText('online').waitFor();
    }
    await t.screenshot('fleet');
  });

  it('creates a virtual service on the Agent screen, validated before it is sent', async () => {
    const { page } = t;
    await page.getByRole('button', { name: 'Open lb-london-1' }).click();
    await page.getByRole('heading', { name: /lb-london-1/ }).first().waitFor();
    await page.getByRole('button', { name: 'New virtual service' }).click();
    const form = page.getByRole('form', { name: 'New virtual service' });
    await form.getByLabel('Name', { exact: true }).fill('web');
    await form.getByLabel('Listen address').fill('127.0.0.1');
    await form.getByLabel('Listen port').fill('not-a-port');
    await form.getByRole('button', { name: 'Apply' }).click();
    // Refused in the form, next to the field: nothing reached the agent.
    await form.locator('.field-problem').first().waitFor();
    expect(await form.getByLabel('Listen port').getAttribute('aria-invalid')).toBe('true');

    const port = await freePort();
    await form.getByLabel('Listen port').fill(String(port));
    await form.getByLabel('Health check').selectOption('tcp');
    await form.getByLabel('Check interval (ms)').fill('500');
    await form.getByRole('button', { name: 'Add real server' }).click();
    await form.getByLabel('Real server 1 name').fill('web1');
    await form.getByLabel('Real server 1 address').fill('127.0.0.1');
    await form.getByLabel('Real server 1 port').fill(String(web.port));
    await form.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(/Applied — revision \d+/).waitFor();

    const answer = await fetch(`http://127.0.0.1:${port}/hello`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-backend')).toBe('web1');
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
    await t.screenshot('certificates-pushed');
  });

  it('shows a stopped real server as down in the health view within 3 seconds', async () => {
    const { page } = t;
    await screenButton('Health').click();
    const row = page.getByRole('row', { name: 'lb-london-1 web/web1' });
    await row.and(page.locator('.state-up')).waitFor({ timeout: 10_000 });
    await t.screenshot('health-up');

    const stoppedAt = Date.now();
    await web.kill();
    await row.and(page.locator('.state-down')).waitFor({ timeout: 3_000 });
    const seconds = (Date.now() - stoppedAt) / 1000;
    expect(seconds).toBeLessThan(3);
    expect(await row.textContent()).toMatch(/refused|ECONNREFUSED/i);
    await t.screenshot('health-down');
  });
});
