/**
 * Certificates from an ACME CA, requested from the Console in Chromium (issue 15): two real
 * agents order one certificate from Debian's pebble, each proving the name on its own port-80
 * service, and both serve it on their https service; the fleet table shows both entries as
 * ACME with a next renewal. Then a validation that cannot reach one agent shows the CA's
 * problem, in words, next to that agent.
 *
 * The CA reaches a name at one address (pebble-challtestsrv says every name is 127.0.0.1, and
 * pebble validates on one port), as a public name points at one front: lb-london-1's port-80
 * service takes it. It answers its own pending challenges and, like any request it has no
 * answer for, sends the rest to its pool: lb-paris-1's port-80 service, which answers its
 * own. So both agents prove the same name, each with its own order and account.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../src-main/fleet/index.ts';
import { until } from '../support/engine.ts';
import type { FleetAgent } from '../support/fleet-agent.ts';
import { startChallengeDns, startPebble, type ChallengeDns, type Pebble } from '../support/pebble.ts';
import { selfSigned } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';
import { axeViolations } from './axe.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from './console-under-test.ts';

let t: ConsoleUnderTest;
let dns: ChallengeDns;
let pebble: Pebble;
/** Port 80 as the CA sees it (lb-london-1), lb-paris-1's port 80, and each one's https. */
const ports = { front80: 0, paris80: 0, londonHttps: 0, parisHttps: 0 };

const redirect = (name: string, port: number) => ({
  name,
  listen: { address: '127.0.0.1', port },
  protocol: 'redirect' as const,
});
const https = (port: number) => ({
  name: 'secure',
  listen: { address: '127.0.0.1', port },
  protocol: 'https' as const,
  tls: { certificates: ['placeholder'] },
});

/** Pairs a fleet agent through the core (the Fleet screen's pairing has its own e2e) and waits until it is online. */
async function pairOnline(agent: FleetAgent): Promise<AgentClient> {
  const core = t.console.core;
  await core.fleet.pair({
    address: '127.0.0.1',
    port: agent.port,
    token: agent.token,
    expectedFingerprint: agent.fingerprint,
  });
  await until(() => t.console.fleet.client(agent.id) !== undefined, `${agent.name} known`, 20_000);
  const client = t.console.fleet.client(agent.id)!;
  await client.whenOnline(20_000);
  return client;
}

/** The leaf an https service presents for `servername`, and whether pebble's root verifies its chain. */
function served(port: number, servername: string, root: string) {
  return new Promise<{ issuer: string; authorized: boolean; fingerprint: string }>((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, servername, ca: root, rejectUnauthorized: false },
      () => {
        const cert = socket.getPeerX509Certificate();
        const authorized = socket.authorized;
        socket.destroy();
        if (!cert) return reject(new Error('no certificate presented'));
        resolve({ issuer: cert.issuer, authorized, fingerprint: cert.fingerprint256 });
      },
    );
    socket.once('error', reject);
  });
}

const screenButton = (name: string) =>
  t.page.getByRole('navigation').getByRole('button', { name, exact: true });

beforeAll(async () => {
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  t = await startConsoleUnderTest();
  dns = await startChallengeDns();
  pebble = await startPebble({ httpPort: ports.front80, dnsPort: dns.port });
  const { london, paris } = t.agents;
  const placeholder = selfSigned('placeholder.test', ['DNS:placeholder.test']);
  for (const [agent, https80] of [
    [london, ports.londonHttps],
    [paris, ports.parisHttps],
  ] as const) {
    const client = await pairOnline(agent);
    // The CA of pebble's own https, as an admin imports a private CA's: named in the request.
    await client.request('cert.import', { name: 'pebble-https', pem: [pebble.tlsCa] });
    await client.request('cert.import', { name: 'placeholder', pem: [placeholder.key, placeholder.cert] });
    await client.request('virtualService.upsert', { virtualService: https(https80) });
  }
  await t.console.fleet.client(paris.id)!.request('virtualService.upsert', {
    virtualService: redirect('port80', ports.paris80),
  });
  const londonClient = t.console.fleet.client(london.id)!;
  await londonClient.request('pool.upsert', {
    pool: { name: 'paris80', servers: [{ name: 'lb-paris-1', address: '127.0.0.1', port: ports.paris80 }] },
  });
  await londonClient.request('virtualService.upsert', {
    virtualService: {
      name: 'port80',
      listen: { address: '127.0.0.1', port: ports.front80 },
      protocol: 'http',
      pool: 'paris80',
    },
  });
}, 120_000);

const after: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const f of after.splice(0)) await f();
  await t?.close();
  await pebble?.stop();
  await dns?.stop();
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await t?.screenshot(`failed-acme-${task.name.replace(/\W+/g, '-')}`);
});

describe('certificates from an ACME CA, in Chromium', () => {
  it('requests one certificate on two agents from pebble; both serve it and list it as ACME with a next renewal', async () => {
    const { page } = t;
    await screenButton('Certificates').click();
    await page.getByRole('button', { name: 'Request a certificate' }).click();
    const form = page.getByRole('form', { name: 'Request a certificate' });
    await form.getByLabel(/lb-london-1/).check();
    await form.getByLabel(/lb-paris-1/).check();
    await form.getByLabel('Names (DNS)').fill('www.acme.test, acme.test');
    await form.getByLabel('Store entry name').fill('www');
    await form.getByRole('radio', { name: /Another ACME CA/ }).check();
    await form.getByLabel('Directory URL', { exact: true }).fill(pebble.directoryUrl);
    await form.getByLabel(/CA bundle that signs its https/).fill('pebble-https');
    await form.getByLabel('Contact email').fill('admin@acme.test');
    await form.getByRole('checkbox', { name: 'secure (on every agent chosen)' }).check();
    await t.screenshot('acme-request-form');
    await form.getByRole('button', { name: 'Request on 2 agents' }).click();

    const progress = page.getByRole('list', { name: 'Request progress' });
    for (const name of ['lb-london-1', 'lb-paris-1']) {
      const agent = progress.getByRole('listitem', { name });
      // The agent's outcome (its certificate, or the CA's problem): the 'ok' event may come first.
      await agent.locator('.operation-result, [role=alert]').waitFor({ timeout: 90_000 });
      expect(await agent.textContent()).toMatch(
        /Issued “www”: expires \d{4}-\d\d-\d\d .*renews on .*Served by: secure\./,
      );
    }
    await t.screenshot('acme-requested');

    // Both agents serve the CA's chain for the name on their https service.
    const root = await pebble.root();
    const seen = [];
    for (const port of [ports.londonHttps, ports.parisHttps]) {
      const leaf = await served(port, 'www.acme.test', root);
      expect(leaf).toMatchObject({ authorized: true });
      expect(leaf.issuer).toMatch(/Pebble Intermediate/);
      seen.push(leaf.fingerprint);
    }
    // Two orders, two certificates: each agent renews its own.
    expect(new Set(seen).size).toBe(2);

    // One fleet table, a row per stored copy: source, expiry, renewal, use and the row's actions.
    const table = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Renewal' }) });
    expect(await page.getByRole('table').count()).toBe(1);
    for (const agent of ['lb-london-1', 'lb-paris-1']) {
      const row = table.getByRole('row', { name: `www on ${agent} (www.acme.test)` });
      await row.waitFor();
      const cells = await row.getByRole('cell').allTextContents();
      expect(cells[1]).toBe('ACME');
      expect(cells[3]).toMatch(/^Next renewal \d{4}-\d\d-\d\d$/);
      expect(cells[4]).toBe('secure');
      expect(await row.getByRole('button', { name: `Renew now: www on ${agent}` }).isEnabled()).toBe(true);
      expect(await row.getByRole('button', { name: /^Delete www\.acme\.test, entry “www”/ }).count()).toBe(1);
    }
    // An imported certificate is listed too, as such.
    expect(
      await table
        .getByRole('row', { name: 'placeholder on lb-london-1' })
        .getByRole('cell')
        .nth(1)
        .textContent(),
    ).toBe('Imported');
    expect(await axeViolations(page)).toEqual([]);

    // Renew now: lb-paris-1 orders again and serves the new certificate.
    await table.getByRole('button', { name: 'Renew now: www on lb-paris-1' }).click();
    const renewing = page.getByRole('region', { name: 'Renewing www on lb-paris-1' });
    await renewing
      .getByRole('listitem', { name: 'lb-paris-1' })
      .locator('.operation-result, [role=alert]')
      .waitFor({ timeout: 90_000 });
    expect(await renewing.textContent()).toMatch(/Issued “www”, replacing the previous certificate: expires/);
    const renewed = await served(ports.parisHttps, 'www.acme.test', root);
    expect(renewed.authorized).toBe(true);
    expect(renewed.fingerprint).not.toBe(seen[1]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page)).toEqual([]);
    await t.screenshot('acme-fleet-table-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  }, 150_000);

  it('shows the CA’s problem in words next to the agent it could not reach', async () => {
    const { page } = t;
    // lb-london-1 forwards lb-paris-1's challenge to a server that knows nothing of it (404).
    // A server of the test's own, not a port given up: another test file could take a freed
    // port and hold the CA's validation until it times out.
    const stranger = createServer((_, res) => res.writeHead(404).end('no such token'));
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    after.push(() => new Promise<void>((resolve) => stranger.close(() => resolve())));
    await t.console.fleet.client(t.agents.london.id)!.request('pool.upsert', {
      pool: {
        name: 'paris80',
        servers: [{ name: 'stranger', address: '127.0.0.1', port: (stranger.address() as AddressInfo).port }],
      },
    });
    const form = page.getByRole('form', { name: 'Request a certificate' });
    await form.getByLabel(/lb-london-1/).uncheck();
    await form.getByLabel('Names (DNS)').fill('mail.acme.test');
    await form.getByLabel('Store entry name').fill('mail');
    await form.getByRole('button', { name: 'Request on 1 agent' }).click();
    const agent = page
      .getByRole('list', { name: 'Request progress' })
      .getByRole('listitem', { name: 'lb-paris-1' });
    await agent.getByRole('alert').waitFor({ timeout: 90_000 });
    const problem = await agent.getByRole('alert').textContent();
    expect(problem).toMatch(/^mail\.acme\.test: /);
    expect(problem).not.toMatch(/^cert\.request/);
    await t.screenshot('acme-request-failed');
    // Nothing stored under the name that failed.
    const table = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Renewal' }) });
    await table.getByRole('row', { name: 'www on lb-paris-1' }).waitFor();
    expect(await table.getByRole('row', { name: 'mail on lb-paris-1' }).count()).toBe(0);
  }, 120_000);
});
