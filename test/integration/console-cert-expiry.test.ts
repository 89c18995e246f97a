/**
 * Certificate expiry alerts from the Console core over a real agent (issue 15): a certificate
 * stored on the agent raises nothing while more than 30 days are left, a warning within 30
 * days and a critical alert within 7, each pushed as an `alerts` event (what the desktop
 * notification tells), and the alert ends once the certificate is gone. The certificate-check
 * clock is injected, so the same certificate is seen at each point of its life.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/ipc/alerts.ts';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import type { RunningConsoleCore } from '../../src-main/core/console-core.ts';
import type { FleetManager } from '../../src-main/fleet/index.ts';
import { until } from '../support/engine.ts';
import { startFleetAgent, type FleetAgent } from '../support/fleet-agent.ts';
import { selfSigned } from '../support/pki.ts';
import { startTestConsoleCore, type TestConsoleCore } from '../support/test-console-core.ts';

const DAY_MS = 86_400_000;

let agent: FleetAgent;
let running: TestConsoleCore | undefined;
let fleet: FleetManager;
let core: RunningConsoleCore;
let events: ConsoleEvent[] = [];
/** The certificate checks' clock: moved by each test. */
let now = Date.now();
let notAfter: number;

beforeAll(async () => {
  agent = await startFleetAgent({ name: 'lb-expiry', site: 'east' });
  running = startTestConsoleCore('cert-expiry', {
    // Checked again every 100 ms: each test moves the clock and waits for the next check.
    certWatch: { settleMs: 50, everyMs: 100, now: () => now },
  });
  ({ fleet, core, events } = running);
  await core.fleet.pair({
    address: '127.0.0.1',
    port: agent.port,
    token: agent.token,
    expectedFingerprint: agent.fingerprint,
  });
  await fleet.client(agent.id)!.whenOnline(20_000);
  const www = selfSigned('www.expiry.test', ['DNS:www.expiry.test']);
  notAfter = Date.parse(new X509Certificate(www.cert).validTo);
  now = notAfter - 40 * DAY_MS;
  await fleet.client(agent.id)!.request('cert.import', { name: 'www', pem: [www.key, www.cert] });
}, 60_000);

afterAll(async () => {
  await running?.close();
  await agent?.dispose();
});

const expiryAlerts = async () =>
  (await core.alerts.list()).alerts.filter((a) => a.kind === 'certificate-expiring');
const raised = () =>
  events
    .flatMap((e) => (e.type === 'alerts' ? e.raised : []))
    .filter((a) => a.kind === 'certificate-expiring');

/** Waits for the active expiry alert to have `severity`, after at least one more check. */
async function alertWith(severity: Alert['severity']): Promise<Alert> {
  let found: Alert | undefined;
  await until(
    async () => {
      found = (await expiryAlerts()).find((a) => a.resolvedAt === undefined && a.severity === severity);
      return found !== undefined;
    },
    `a ${severity} certificate alert`,
    10_000,
  );
  return found!;
}

describe('certificate expiry alerts from the Console core', () => {
  it('raises nothing with 40 days left', async () => {
    // Several checks pass (the fleet table sees the certificate) without an alert.
    await until(
      async () => (await core.acme.certificates()).certificates.some((c) => c.name === 'www'),
      'the certificate listed',
      10_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await expiryAlerts()).toEqual([]);
  });

  it('warns within 30 days, naming the certificate, the day and the agent, and pushes it to notify', async () => {
    now = notAfter - 29.5 * DAY_MS;
    const alert = await alertWith('warning');
    expect(alert.message).toBe(
      `Certificate www.expiry.test expires in 29 days, on ${new Date(notAfter).toISOString().slice(0, 10)} (on lb-expiry)`,
    );
    expect(alert).toMatchObject({ agentId: agent.id, site: 'east' });
    await until(() => raised().some((a) => a.severity === 'warning'), 'the warning pushed', 5_000);
  });

  it('raises a critical alert within 7 days, in place of the warning', async () => {
    await core.alerts.acknowledge();
    now = notAfter - 6.5 * DAY_MS;
    const alert = await alertWith('critical');
    expect(alert.message).toMatch(/^Certificate www\.expiry\.test expires in 6 days/);
    // The warning was acknowledged; the critical alert is new, so not.
    expect(alert).not.toHaveProperty('acknowledgedAt');
    // Pushed as a new alert: the desktop notification tells it, though the warning was seen.
    await until(() => raised().some((a) => a.severity === 'critical'), 'the critical alert pushed', 5_000);
    // One alert for the certificate, raised again at the new severity, not a second one.
    expect((await expiryAlerts()).filter((a) => a.resolvedAt === undefined)).toHaveLength(1);
  });

  it('ends once the certificate is gone from the agent', async () => {
    await fleet.client(agent.id)!.request('cert.remove', { name: 'www' });
    await until(
      async () => (await expiryAlerts()).every((a) => a.resolvedAt !== undefined),
      'the alert resolved',
      10_000,
    );
  });
});
