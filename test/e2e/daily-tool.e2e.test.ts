/**
 * The Console as an admin's daily tool (issue 16), in Chromium over browser mode with two real
 * agents on two sites: deleting a virtual service and a certificate copy after confirmations
 * that say what and where; one back end drained on both agents with a confirmation that says how
 * many and where, then enabled again from a multi-selection; a template preview that says which
 * agent the apply would fail on (a certificate missing there), the apply on the other, and the
 * retry of the failed one after the fix; a rollback from the Activity screen; deep links and
 * reloads that keep the screen and its filters; axe-core on the new screens in both themes.
 * Pairing, pools and the certificates a step starts from are set up through the core: the
 * screens that do those have their own end-to-end test (console.e2e.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RSA_LEAF_CN } from '../support/cert-corpus.ts';
import { startBackend, type Backend } from '../support/backends.ts';
import { until } from '../support/engine.ts';
import { pairOnline } from '../support/pair-online.ts';
import { freePort } from '../support/ports.ts';
import { axeViolations } from './axe.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from './console-under-test.ts';

let t: ConsoleUnderTest;
let backend: Backend;
let london: string;
let paris: string;
/** Accessibility problems seen along the way; the axe tests at the end assert none. */
const found: string[] = [];

const core = () => t.console.core;
const file = (name: string) => ({ name, bytes: new Uint8Array(t.corpus.read(name)) });
/** Pushes the corpus's RSA leaf (key, leaf, intermediate) to one agent under `name`. */
async function pushLeaf(agentId: string, name: string): Promise<void> {
  const { inspectionId } = await core().certs.inspect({
    files: [file('leaf-rsa.key'), file('leaf-rsa.pem'), file('intermediate.pem')],
    aia: false,
  });
  const pushed = await core().certs.push({ inspectionId, targets: [{ agentId, name }] });
  if (!pushed.results[0]?.ok) throw new Error(`push ${name}: ${JSON.stringify(pushed.results[0])}`);
}
const serverEnabled = async (agentId: string) =>
  (await core().config.get(agentId)).config.pools.find((p) => p.name === 'web')?.servers[0]?.enabled;
const screenButton = (name: string) =>
  t.page.getByRole('navigation').getByRole('button', { name, exact: true });
const origin = () => new URL(t.web.url).origin;
/** A screen's filter by its label (a select's accessible name also carries its options' text). */
const filter = (label: string) =>
  t.page
    .locator('.filters label')
    .filter({ hasText: new RegExp(`^${label}`) })
    .locator('select');

beforeAll(async () => {
  t = await startConsoleUnderTest();
  backend = await startBackend('web1');
  london = t.agents.london.id;
  paris = t.agents.paris.id;
  await pairOnline(core().fleet, [t.agents.london, t.agents.paris]);
  // The same back end as pool web's member on both agents; a service using it on each.
  for (const agentId of [london, paris]) {
    let { revision } = await core().config.get(agentId);
    ({ revision } = await core().config.upsertPool({
      agentId,
      expectRevision: revision,
      pool: { name: 'web', servers: [{ name: 'web1', address: '127.0.0.1', port: backend.port }] },
    }));
    await core().config.upsertVirtualService({
      agentId,
      expectRevision: revision,
      virtualService: {
        name: 'site',
        protocol: 'http',
        listen: { address: '127.0.0.1', port: await freePort() },
        pool: 'web',
      },
    });
  }
  await pushLeaf(london, 'www');
  await pushLeaf(paris, 'spare');
  await t.page.reload();
}, 90_000);
afterAll(async () => {
  await backend?.close();
  await t?.close();
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await t?.screenshot(`daily-failed-${task.name.replace(/\W+/g, '-')}`);
});

describe('the Console as a daily tool, in Chromium', () => {
  it('deletes a virtual service and a certificate copy after confirmations that say what and where', async () => {
    const { page } = t;
    await page.goto(`${origin()}/#/agent/${london}`);
    const service = page.getByRole('article', { name: 'Virtual service site' });
    await service.getByRole('button', { name: 'Remove virtual service site' }).click();
    const ask = service.getByRole('group', { name: 'Remove virtual service site?' });
    expect(await ask.textContent()).toMatch(
      /Remove virtual service site from lb-london-1 \(site london\): its listener on 127\.0\.0\.1:\d+ closes/,
    );
    await ask.getByRole('button', { name: 'Yes, remove site' }).click();
    await page.getByRole('status').filter({ hasText: 'removed virtual service site' }).waitFor();
    expect((await core().config.get(london)).config.virtualServices.map((v) => v.name)).toEqual([]);
    // Only that agent's: the other still runs its own.
    expect((await core().config.get(paris)).config.virtualServices.map((v) => v.name)).toEqual(['site']);

    await screenButton('Certificates').click();
    // One row per stored copy, named by entry, agent and the certificate's name.
    const row = page.getByRole('row', { name: `spare on lb-paris-1 (${RSA_LEAF_CN})` });
    await row
      .getByRole('button', { name: `Delete ${RSA_LEAF_CN}, entry “spare” on lb-paris-1 (site paris)` })
      .click();
    const confirm = page.getByRole('group', {
      name: `Delete ${RSA_LEAF_CN} from entry “spare” on lb-paris-1 (site paris)?`,
    });
    expect(await confirm.textContent()).toContain('Other copies stay');
    await confirm.getByRole('button', { name: 'Yes, delete it from lb-paris-1' }).click();
    await until(
      async () =>
        !(await t.console.fleet.client(paris)!.request('cert.list')).certificates.some(
          (c) => c.name === 'spare',
        ),
      'the copy on paris deleted',
      10_000,
    );
    // The list follows: paris's copy is gone, london's stays.
    await row.waitFor({ state: 'detached' });
    expect(await page.getByRole('row', { name: `on lb-london-1 (${RSA_LEAF_CN})` }).count()).toBe(1);
  }, 60_000);

  it('drains one back end on both agents with a confirmation saying how many and where, then enables a selection', async () => {
    const { page } = t;
    await page.goto(`${origin()}/#/health`);
    const londonRow = page.getByRole('row', { name: 'lb-london-1 web/web1' });
    await londonRow.getByRole('button', { name: `Drain 127.0.0.1:${backend.port} everywhere` }).click();
    const confirm = page.getByRole('region', { name: `Drain 127.0.0.1:${backend.port} everywhere` });
    expect(await confirm.getByRole('status').textContent()).toContain(
      'Drain 1 real server on 1 agent (lb-london-1) in site london?',
    );
    await confirm.getByRole('radio', { name: 'The whole fleet' }).check();
    await confirm
      .getByRole('status')
      .filter({
        hasText: 'Drain 2 real servers on 2 agents (lb-london-1 and lb-paris-1) in sites london and paris?',
      })
      .waitFor();
    found.push(...(await axeViolations(page)).map((v) => `Bulk confirmation: ${v}`));
    expect(await serverEnabled(london)).toBe(true);
    await confirm.getByRole('button', { name: 'Yes, drain 2' }).click();
    await confirm.getByRole('status').filter({ hasText: 'Drained 2 on lb-london-1, lb-paris-1.' }).waitFor();
    expect([await serverEnabled(london), await serverEnabled(paris)]).toEqual([false, false]);
    await confirm.getByRole('button', { name: 'Done' }).click();
    // A drained server says how many connections it still has: none here.
    await londonRow.getByText('empty: no connection open').waitFor();
    await t.screenshot('daily-health-drained');

    for (const name of ['lb-london-1', 'lb-paris-1'])
      await page
        .getByRole('row', { name: `${name} web/web1` })
        .getByRole('checkbox')
        .check();
    await page
      .getByRole('toolbar', { name: 'Selected real servers' })
      .getByRole('button', { name: 'Enable selected' })
      .click();
    const enable = page.getByRole('region', { name: 'Enable 2 selected real servers' });
    await enable.getByRole('button', { name: 'Yes, enable 2' }).click();
    await enable.getByRole('status').filter({ hasText: 'Enabled 2 on' }).waitFor();
    expect([await serverEnabled(london), await serverEnabled(paris)]).toEqual([true, true]);
  }, 60_000);

  it('rolls an agent back to an earlier revision from the Activity screen', async () => {
    const { page } = t;
    await page.goto(`${origin()}/#/activity/${london}`);
    const drained = page.getByRole('row', { name: 'Drained a real server on lb-london-1' });
    const show = drained.getByRole('button', { name: /^Show revision \d+ on lb-london-1$/ });
    const revision = Number((await show.getAttribute('aria-label'))!.match(/revision (\d+)/)![1]);
    await show.click();
    const diff = page.getByRole('list', { name: `Changes of revision ${revision}` });
    expect(await diff.textContent()).toContain('servers["web1"].enabled');
    found.push(...(await axeViolations(page)).map((v) => `Activity with a diff: ${v}`));
    await t.screenshot('daily-activity');

    const running = (await core().config.get(london)).revision;
    await page.getByRole('button', { name: `Roll back to revision ${revision}` }).click();
    const ask = page.getByRole('group', { name: `Roll back lb-london-1 to revision ${revision}?` });
    await ask.getByText(`runs again as revision ${running + 1}`).waitFor();
    await ask.getByRole('button', { name: 'Yes, roll back lb-london-1' }).click();
    await page
      .getByRole('status')
      .filter({
        hasText: `Rolled back: revision ${running + 1} now runs the configuration of revision ${revision}.`,
      })
      .waitFor();
    // Revision N was the drained one: the server is drained again, on london only.
    expect([await serverEnabled(london), await serverEnabled(paris)]).toEqual([false, true]);
    // The rollback is itself in the activity.
    await page.getByRole('row', { name: `Rolled back to revision ${revision} on lb-london-1` }).waitFor();
  }, 60_000);

  it('previews exactly what the apply will do, applies where it works, and retries the failed agent after the fix', async () => {
    const { page } = t;
    await page.goto(`${origin()}/#/templates`);
    await page.getByRole('radio', { name: /^HTTPS offload/ }).check();
    const form = page.getByRole('form', { name: 'Parameters and agents' });
    await form.getByLabel(/lb-london-1/).check();
    await form.getByLabel(/lb-paris-1/).check();
    await form.getByLabel(/^Service name/).fill('offload');
    await form.getByLabel(/^Virtual IP/).fill('127.0.0.1');
    await form.getByLabel(/^HTTPS port/).fill(String(await freePort()));
    await form
      .getByLabel(/^Certificate/)
      .first()
      .selectOption('www');
    if ((await form.getByLabel('Name of server 1').count()) === 0)
      await form.getByRole('button', { name: 'Add server' }).click();
    await form.getByLabel('Name of server 1').fill('web1');
    await form.getByLabel('Address of server 1').fill('127.0.0.1');
    await form.getByLabel(/^Real-server port/).fill(String(backend.port));
    await form.getByRole('button', { name: 'Preview' }).click();

    const onLondon = page.getByRole('listitem', { name: 'Preview on lb-london-1' });
    await onLondon.getByText(/Add virtual service offload/).waitFor();
    const onParis = page.getByRole('listitem', { name: 'Preview on lb-paris-1' });
    await onParis.getByText('To fix:').waitFor();
    expect(await onParis.textContent()).toContain(
      'Applying here would fail: certificate "www", named by virtual service offload, is not in lb-paris-1\'s store',
    );
    expect(await onParis.textContent()).toContain(
      'To fix: push “www” to lb-paris-1 from Certificates, then retry the failed agents.',
    );
    found.push(...(await axeViolations(page)).map((v) => `Preview with a failing agent: ${v}`));
    await t.screenshot('daily-preview-failing-agent');
    await page.getByRole('button', { name: 'Apply to 1 agent' }).click();
    await page
      .getByRole('listitem', { name: 'Apply on lb-london-1' })
      .getByText(/Revision \d+ now running/)
      .waitFor();

    // The fix: the certificate pushed to paris. Its own port: both agents run on this host.
    await pushLeaf(paris, 'www');
    await form.getByLabel(/^HTTPS port/).fill(String(await freePort()));
    await page.getByRole('button', { name: 'Retry the failed agents (1)' }).click();
    await page
      .getByRole('listitem', { name: 'Preview on lb-paris-1' })
      .getByText(/Add virtual service offload/)
      .waitFor();
    expect(await page.getByRole('listitem', { name: 'Preview on lb-london-1' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Apply to 1 agent' }).click();
    await page
      .getByRole('listitem', { name: 'Apply on lb-paris-1' })
      .getByText(/Revision \d+ now running/)
      .waitFor();
    for (const agentId of [london, paris])
      expect((await core().config.get(agentId)).config.virtualServices.map((v) => v.name)).toContain(
        'offload',
      );
  }, 90_000);

  it('keeps the screen and its filters on a reload and a deep link', async () => {
    const { page } = t;
    await page.goto(`${origin()}/#/health?state=disabled&q=web1`);
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    expect(await filter('State').inputValue()).toBe('disabled');
    expect(await page.getByRole('searchbox', { name: 'Name' }).inputValue()).toBe('web1');
    // Only the drained london copy matches.
    await page.getByRole('row', { name: 'lb-london-1 web/web1' }).waitFor();
    expect(await page.getByRole('row', { name: 'lb-paris-1 web/web1' }).count()).toBe(0);
    // A filter changed on the screen is in the address, so a reload keeps it too.
    await filter('State').selectOption('all');
    await until(async () => page.url().endsWith('#/health?q=web1'), 'the address follows the filter', 5_000);

    await page.goto(`${origin()}/#/activity/${paris}`);
    await page.reload();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    expect(await filter('Agent').inputValue()).toBe(paris);
    expect(await screenButton('Activity').getAttribute('aria-current')).toBe('page');
  }, 60_000);

  it.each(['light', 'dark'] as const)(
    'passes axe-core on Activity, About, the search and the shortcuts in the %s theme',
    async (theme) => {
      const { page } = t;
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${origin()}/#/about`);
      await page.getByRole('heading', { name: 'About' }).waitFor();
      await page
        .getByRole('cell', { name: 'lb-paris-1' })
        .or(page.getByRole('rowheader', { name: 'lb-paris-1' }))
        .waitFor();
      found.push(...(await axeViolations(page)).map((v) => `About (${theme}): ${v}`));
      await screenButton('Activity').click();
      await page.getByRole('table').waitFor();
      found.push(...(await axeViolations(page)).map((v) => `Activity (${theme}): ${v}`));
      await page.keyboard.press('/');
      await page.keyboard.type('web1');
      await page.getByRole('list', { name: 'Search results' }).getByRole('link').first().waitFor();
      found.push(...(await axeViolations(page)).map((v) => `Search (${theme}): ${v}`));
      await page.keyboard.press('Escape');
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      found.push(...(await axeViolations(page)).map((v) => `Shortcuts (${theme}): ${v}`));
      await page.keyboard.press('Escape');
      if (theme === 'dark') await t.screenshot('daily-about-dark');
      await page.emulateMedia({ colorScheme: 'light' });
      expect(found).toEqual([]);
    },
    60_000,
  );
});
