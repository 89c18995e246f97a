/**
 * Pairing an agent in a real browser as an admin does on the Fleet screen: by address, with
 * its token, the fingerprint the agent presents shown and pinned only once confirmed, and the
 * paired notice (which repeats the fingerprint) dismissed.
 */
import type { Page } from 'playwright-core';
import type { FleetAgent } from './fleet-agent.ts';

export async function pairOnFleetScreen(page: Page, agent: FleetAgent): Promise<void> {
  await page.getByRole('button', { name: 'Pair an agent by address…' }).click();
  const form = page.getByRole('form', { name: 'Pair an agent' });
  await form.getByLabel('Address').fill('127.0.0.1');
  await form.getByLabel('Port').fill(String(agent.port));
  await form.getByLabel('Token').fill(agent.token);
  await form.getByRole('button', { name: 'Pair' }).click();
  const confirm = page.getByRole('group', { name: 'Confirm the fingerprint' });
  const shown = (await confirm.textContent()) ?? '';
  if (!shown.includes(agent.fingerprint))
    throw new Error(
      `the confirmation shows "${shown}", not ${agent.name}'s fingerprint ${agent.fingerprint}`,
    );
  await confirm.getByRole('button', { name: 'Pin it and pair' }).click();
  const paired = page.getByRole('status').filter({ hasText: `Paired with ${agent.name}` });
  await paired.waitFor();
  const said = (await paired.textContent()) ?? '';
  if (!said.includes(agent.fingerprint))
    throw new Error(`the paired notice says "${said}", not ${agent.name}'s fingerprint ${agent.fingerprint}`);
  await paired.getByRole('button', { name: 'Done' }).click();
}
