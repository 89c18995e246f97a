/**
 * Issue 16 in Chromium over browser mode, with two real agents on two sites: a CA bundle (an
 * internal root, no key) pushed to both agents from the Certificates screen, and the Agent
 * screen's pool and service forms saying every bad input in the admin's words — no validation
 * library's wording, no array index, no method name — whether the form or the agent found it.
 * Pairing and the objects a step starts from are set up through the core: the screens that do
 * those have their own end-to-end test (console.e2e.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/engine.ts';
import { pairOnline } from '../support/pair-online.ts';
import { TestPki } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from './console-under-test.ts';

/** What a validation library or a protocol would say, which no admin should read. */
const RAW = /Too (small|big)|expected (string|number)|Invalid (input|option)|received|\[\d+\]/;
/**
 * A method name in front of a message: `virtualService.upsert: …`. Letters only on both sides
 * of the dot, so an address with its port (`127.0.0.1:8080`), which a message may well name, is
 * not taken for one.
 */
const METHOD = /\b[A-Za-z]+\.[A-Za-z]+:/;
/** A program's word for a value that is not there, which the admin never typed. */
const NO_VALUE = /\b(null|undefined|NaN)\b/;

let t: ConsoleUnderTest;
let pki: TestPki;
let london: string;
let paris: string;
/** The port london's service `first` listens on, which paris then asks for too. */
let takenPort: number;

const core = () => t.console.core;
const origin = () => new URL(t.web.url).origin;
const screenButton = (name: string) =>
  t.page.getByRole('navigation').getByRole('button', { name, exact: true });

beforeAll(async () => {
  t = await startConsoleUnderTest();
  pki = new TestPki();
  london = t.agents.london.id;
  paris = t.agents.paris.id;
  await pairOnline(core().fleet, [t.agents.london, t.agents.paris]);
  takenPort = await freePort();
  let { revision } = await core().config.get(london);
  ({ revision } = await core().config.upsertPool({
    agentId: london,
    expectRevision: revision,
    pool: { name: 'web', servers: [{ name: 'web1', address: '127.0.0.1', port: await freePort() }] },
  }));
  await core().config.upsertVirtualService({
    agentId: london,
    expectRevision: revision,
    virtualService: {
      name: 'first',
      protocol: 'http',
      listen: { address: '127.0.0.1', port: takenPort },
      pool: 'web',
    },
  });
  await t.page.reload();
}, 90_000);
afterAll(async () => {
  pki?.cleanup();
  await t?.close();
});
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await t?.screenshot(`plain-failed-${task.name.replace(/\W+/g, '-')}`);
});

/** Every message the form shows: at its fields, in its problem list, and the agent's refusal. */
async function shownIn(form: Locator): Promise<string[]> {
  const texts = [
    ...(await form.locator('.field-problem').allTextContents()),
    ...(await form.getByRole('alert').allTextContents()),
  ];
  return texts.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Asserts each message is there and in words, and returns them for the failure's message. */
function expectPlain(messages: string[], what: string): void {
  expect(messages.length, `${what}: no message shown`).toBeGreaterThan(0);
  for (const message of messages) {
    expect(message, `${what}: raw validation text`).not.toMatch(RAW);
    expect(message, `${what}: a method name`).not.toMatch(METHOD);
    expect(message, `${what}: a program's word for no value`).not.toMatch(NO_VALUE);
  }
}

describe('plain words and CA bundles, in Chromium', () => {
  it('the patterns catch what they are for, and pass an address with its port', () => {
    expect('Too small: expected string to have >=1 characters').toMatch(RAW);
    expect('Invalid input: expected number, received NaN').toMatch(RAW);
    expect('virtualServices[0].listen.port: bad').toMatch(RAW);
    expect('virtualService.upsert: the agent is offline').toMatch(METHOD);
    expect('realServer.setEnabled: the agent is offline').toMatch(METHOD);
    expect('127.0.0.1:8080 is already in use').not.toMatch(METHOD);
    expect('write a number here, not null').toMatch(NO_VALUE);
  });

  it('pushes a CA bundle (a root, no key) to two agents from the Certificates screen', async () => {
    const { page } = t;
    const root = pki.root('Plain Words Internal Root');
    const file = join(pki.dir, 'internal-root.pem');
    writeFileSync(file, root.cert);

    await page.goto(`${origin()}/#/agent/${london}`);
    await screenButton('Certificates').click();
    await page.getByLabel('Choose certificate files').setInputFiles(file);
    const panel = page.getByRole('region', { name: 'Push CA bundle to agents' });
    await panel.waitFor();
    expect(await panel.textContent()).toContain('they are stored as a CA bundle');
    const push = panel.getByRole('form', { name: 'Push certificate' });
    // A CA bundle serves no clients: there is nothing to bind it to.
    expect(await push.getByLabel('Bind to virtual services').count()).toBe(0);
    await push.getByLabel(/lb-london-1/).check();
    await push.getByLabel(/lb-paris-1/).check();
    await push.getByLabel('Store entry name').fill('internal-ca');
    await push.getByRole('button', { name: 'Push to 2 agents' }).click();
    const progress = page.getByRole('list', { name: 'Push progress' });
    for (const name of ['lb-london-1', 'lb-paris-1'])
      await progress.getByRole('listitem', { name }).and(page.locator('.status-ok')).waitFor();
    await t.screenshot('plain-ca-bundle-pushed');

    for (const agentId of [london, paris]) {
      const client = t.console.fleet.client(agentId)!;
      const listed = (await client.request('cert.list')).certificates.find((c) => c.name === 'internal-ca');
      expect(listed, `internal-ca on ${agentId}`).toMatchObject({ kind: 'ca-bundle' });
    }
  }, 60_000);

  // Each row: a form, the field made bad, the value typed there. Everything else is valid, so
  // the message shown is about that one input.
  const poolCases = [
    { field: 'Real server 1 port', value: '70000' },
    { field: 'Real server 1 port', value: '' },
    { field: 'Real server 1 weight', value: '-1' },
    { field: 'Real server 1 address', value: '10.0.0.5:8080' },
    { field: 'Real server 1 name', value: 'web one' },
    { field: 'Name', value: 'my pool' },
    { field: 'Retries', value: '99' },
    { field: 'Connect timeout (ms)', value: 'soon' },
  ];
  const serviceCases = [
    { field: 'Listen port', value: '70000' },
    { field: 'Listen port', value: '' },
    { field: 'Listen address', value: '10.0.0.5:8080' },
    { field: 'Name', value: 'my service' },
    // The same address:port as service first on this agent.
    { field: 'Listen port', value: 'TAKEN' },
  ];

  it.each(poolCases)('says pool input $field = "$value" in plain words', async ({ field, value }) => {
    const { page } = t;
    await page.goto(`${origin()}/#/agent/${london}`);
    const before = (await core().config.get(london)).revision;
    await page.getByRole('button', { name: 'New pool' }).click();
    const form = page.getByRole('form', { name: 'New pool' });
    await form.getByLabel('Name', { exact: true }).fill('api');
    await form.getByRole('button', { name: 'Add real server' }).click();
    await form.getByLabel('Real server 1 name').fill('api1');
    await form.getByLabel('Real server 1 address').fill('127.0.0.1');
    await form.getByLabel('Real server 1 port').fill('8080');
    await form.getByLabel(field, { exact: true }).fill(value);
    await form.getByRole('button', { name: 'Apply' }).click();
    await until(
      async () => (await form.getByLabel(field, { exact: true }).getAttribute('aria-invalid')) === 'true',
      `${field} marked invalid`,
      10_000,
    );
    expectPlain(await shownIn(form), `pool ${field} = "${value}"`);
    // Refused in the form: nothing reached the agent.
    expect((await core().config.get(london)).revision).toBe(before);
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it.each(serviceCases)('says service input $field = "$value" in plain words', async ({ field, value }) => {
    const { page } = t;
    await page.goto(`${origin()}/#/agent/${london}`);
    const before = (await core().config.get(london)).revision;
    await page.getByRole('button', { name: 'New virtual service' }).click();
    const form = page.getByRole('form', { name: 'New virtual service' });
    await form.getByLabel('Name', { exact: true }).fill('second');
    await form.getByLabel('Listen address').fill('127.0.0.1');
    await form.getByLabel('Listen port').fill(String(await freePort()));
    await form.getByLabel(field, { exact: true }).fill(value === 'TAKEN' ? String(takenPort) : value);
    await form.getByRole('button', { name: 'Apply' }).click();
    await until(
      async () => (await form.getByLabel(field, { exact: true }).getAttribute('aria-invalid')) === 'true',
      `${field} marked invalid`,
      10_000,
    );
    expectPlain(await shownIn(form), `service ${field} = "${value}"`);
    expect((await core().config.get(london)).revision).toBe(before);
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it("says the agent's refusal of an address:port another agent holds in words, without a method name", async () => {
    const { page } = t;
    // london's service first holds 127.0.0.1:takenPort on this host; paris asks for it too.
    await page.goto(`${origin()}/#/agent/${paris}`);
    const before = (await core().config.get(paris)).revision;
    await page.getByRole('button', { name: 'New virtual service' }).click();
    const form = page.getByRole('form', { name: 'New virtual service' });
    await form.getByLabel('Name', { exact: true }).fill('second');
    await form.getByLabel('Listen address').fill('127.0.0.1');
    await form.getByLabel('Listen port').fill(String(takenPort));
    await form.getByRole('button', { name: 'Apply' }).click();
    const refusal = form.getByRole('alert').first();
    await refusal.waitFor({ timeout: 15_000 });
    const messages = await shownIn(form);
    expectPlain(messages, 'the agent refusing a taken address:port');
    expect(messages.join(' ')).toContain(String(takenPort));
    await t.screenshot('plain-agent-refusal');
    expect((await core().config.get(paris)).revision).toBe(before);
    expect((await core().config.get(paris)).config.virtualServices).toEqual([]);
  }, 30_000);
});
