/**
 * The Console end to end, as an admin uses it: Chromium on browser mode, two real agents on two
 * sites, real back ends, a PFX whose intermediates only AIA can supply. Each step builds on the
 * one before (paired agents, then a pushed certificate, then a template using it), so a failure
 * names the first step that broke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleUnderTest, type ConsoleUnderTest } from './console-under-test.ts';

let t: ConsoleUnderTest;

beforeAll(async () => {
  t = await startConsoleUnderTest();
});
afterAll(async () => {
  await t?.close();
});

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
});
