/**
 * An incomplete chain in the Console, end to end (issue 18): Chromium on browser mode, real
 * agents. A certificate whose intermediate is in no file, not in the library and has no AIA URL
 * is said to be incomplete on the Certificates screen; the core refuses to push it without the
 * admin's consent (nothing reaches an agent); the push panel asks, naming the missing issuer,
 * and the confirmed push lands on the agent. axe finds nothing on the confirmation, light or
 * dark; screenshots in test-results/e2e/.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestPki, type Issued } from '../support/pki.ts';
import { axeViolations } from './axe.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from './console-under-test.ts';

const ISSUER_CN = 'Contoso Issuing CA 1';
const LEAF_CN = 'mail.contoso.test';
const FILE = 'mail-no-intermediate.pem';

let t: ConsoleUnderTest;
let pki: TestPki;
let leaf: Issued;

beforeAll(async () => {
  t = await startConsoleUnderTest();
  pki = new TestPki();
  // Issued by an intermediate nobody will give: no AIA URL either, so nothing can complete it.
  const root = pki.root('Contoso Root', 'ec', { days: 365 });
  const intermediate = pki.issue(root, { cn: ISSUER_CN, ca: true, days: 365 });
  leaf = pki.issue(intermediate, { cn: LEAF_CN, sans: [LEAF_CN], days: 365 });
  writeFileSync(t.corpus.path(FILE), leaf.key + leaf.cert);
  const london = t.agents.london;
  await t.console.core.fleet.pair({ address: '127.0.0.1', port: london.port, token: london.token });
}, 60_000);
afterAll(async () => {
  await t?.close();
  pki?.cleanup();
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await t?.screenshot(`failed-${task.name.replace(/\W+/g, '-')}`);
});

/** Where `mail` is stored across the fleet, as the Certificates screen's usage list sees it. */
async function placementsOfLeaf(): Promise<string[]> {
  const { certificates } = await t.console.core.certs.usage();
  const fingerprint = certificates.find((c) => c.subject.cn === LEAF_CN);
  return fingerprint?.placements.map((p) => `${p.agentName}/${p.entry}`) ?? [];
}

describe('an incomplete chain in the Console', () => {
  it('is refused by the core without the admin consenting: nothing reaches an agent', async () => {
    const inspected = await t.console.core.certs.inspect({
      files: [{ name: FILE, bytes: new Uint8Array(t.corpus.read(FILE)) }],
    });
    expect(inspected).toMatchObject({ pushable: true, complete: false, errors: [] });
    expect(inspected.incomplete?.code).toBe('CHAIN_INCOMPLETE');
    await expect(
      t.console.core.certs.push({
        inspectionId: inspected.inspectionId,
        targets: [{ agentId: t.agents.london.id, name: 'mail' }],
      }),
    ).rejects.toMatchObject({
      code: 'CERT_ERROR',
      message: expect.stringContaining(`its issuer CN=${ISSUER_CN} was found nowhere`),
      details: { code: 'CHAIN_INCOMPLETE' },
    });
    expect(await placementsOfLeaf()).toEqual([]);
  }, 30_000);

  it('is pushed from the screen only after a confirmation naming the missing issuer, and lands', async () => {
    const { page } = t;
    await page.getByRole('navigation').getByRole('button', { name: 'Certificates', exact: true }).click();
    await page.getByLabel('Choose certificate files').setInputFiles(t.corpus.path(FILE));

    const notice = page.locator('.push-incomplete');
    await notice.waitFor();
    expect(await notice.textContent()).toContain(
      `Incomplete chain: The chain stops at CN=${LEAF_CN}: its issuer CN=${ISSUER_CN} was found nowhere (in the files, the Console's library, or at the AIA URL)`,
    );
    expect(await notice.textContent()).toContain(
      'drop the intermediate certificate file beside the PFX, or push anyway after confirming.',
    );

    const push = page.getByRole('form', { name: 'Push certificate' });
    await push.getByLabel(/lb-london-1/).check();
    await push.getByLabel('Store entry name').fill('mail');
    await push.getByRole('button', { name: 'Push to 1 agent' }).click();
    const ask = page.getByRole('group', { name: new RegExp(`^Push without ${ISSUER_CN}\\?`) });
    await ask.waitFor();
    expect(await placementsOfLeaf()).toEqual([]);

    for (const theme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      expect(await axeViolations(page)).toEqual([]);
      await t.screenshot(`certificates-incomplete-confirm-${theme}`);
    }

    await ask.getByRole('button', { name: `Push anyway without ${ISSUER_CN}` }).click();
    await page
      .getByRole('list', { name: 'Push progress' })
      .getByRole('listitem', { name: 'lb-london-1' })
      .and(page.locator('.status-ok'))
      .waitFor();
    expect(await placementsOfLeaf()).toEqual(['lb-london-1/mail']);
    await t.screenshot('certificates-incomplete-pushed');
  }, 60_000);
});
