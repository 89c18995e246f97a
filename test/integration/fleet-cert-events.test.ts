/**
 * Renewals an agent runs on its own schedule reach the Console as pushed events: a real agent
 * process, a real ACME CA (pebble) issuing 30-second certificates, and the Console core over a
 * fleet manager; the certificate is ordered by another console. The fleet subscribes to the agent's `cert` topic on connect, in a call of its
 * own (an agent older than ACME refuses the topic; fleet-agent-client.test.ts shows that costs
 * nothing else), so the renewal, asked by nobody, becomes a `certs` event for the renderer and
 * a new check of the expiry watch, whose critical alert moves to the renewed certificate.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { certAlertId } from '../../src-main/alerts/cert-watch.ts';
import type { RunningConsoleCore } from '../../src-main/core/console-core.ts';
import { AgentClient, type FleetChange, type FleetManager } from '../../src-main/fleet/index.ts';
import { until } from '../support/engine.ts';
import { startFleetAgent, type FleetAgent } from '../support/fleet-agent.ts';
import { startChallengeDns, startPebble, type ChallengeDns, type Pebble } from '../support/pebble.ts';
import { freePort } from '../support/ports.ts';
import { startTestConsoleCore, type TestConsoleCore } from '../support/test-console-core.ts';

let dns: ChallengeDns;
let pebble: Pebble;
let agent: FleetAgent;
let running: TestConsoleCore | undefined;
let fleet: FleetManager;
let core: RunningConsoleCore;
let events: ConsoleEvent[] = [];
const changes: FleetChange[] = [];

beforeAll(async () => {
  const httpPort = await freePort();
  dns = await startChallengeDns();
  // Renewed at two thirds of the lifetime: 20 s after issue.
  pebble = await startPebble({ httpPort, dnsPort: dns.port, validitySeconds: 30 });
  agent = await startFleetAgent({ name: 'acme-lb', site: 'east' });
  running = startTestConsoleCore('fleet-cert-events', {
    certs: { systemRoots: false },
    certWatch: { settleMs: 100 },
  });
  ({ fleet, core, events } = running);
  // Nothing is paired yet, so no change has been missed.
  fleet.onChange((change) => changes.push(change));
  await fleet.pair({ address: '127.0.0.1', port: agent.port, token: agent.token });
  const client = fleet.client(agent.id)!;
  await client.whenOnline(10_000);
  // Port 80 as the CA sees it (pebble validates on httpPort), and pebble's own https CA.
  await client.request('virtualService.upsert', {
    virtualService: {
      name: 'port80',
      listen: { address: '127.0.0.1', port: httpPort },
      protocol: 'redirect',
    },
  });
  await client.request('cert.import', { name: 'pebble-https', pem: [pebble.tlsCa] });
}, 60_000);

afterAll(async () => {
  await running?.close();
  await agent?.dispose();
  await pebble?.stop();
  await dns?.stop();
});

it('a renewal the agent runs by itself reaches the renderer and moves the expiry alert to the new certificate', async () => {
  // Ordered by another console (its own session): this Console hears of it only through the
  // `cert` topic its fleet subscribed to on connect.
  const other = new AgentClient({
    endpoint: { address: '127.0.0.1', port: agent.port, fingerprint: agent.fingerprint },
    token: () => agent.token,
  });
  other.start();
  let first: string;
  try {
    await other.whenOnline(10_000);
    const result = await other.request(
      'cert.request',
      {
        name: 'short',
        domains: ['short.acme.test'],
        directoryUrl: pebble.directoryUrl,
        email: 'admin@acme.test',
        directoryCa: 'pebble-https',
      },
      { timeoutMs: 60_000 },
    );
    first = result.summary.fingerprint;
  } finally {
    await other.stop();
  }

  // 30 seconds to live: the expiry watch calls it critical.
  const criticalOf = async (fingerprint: string) =>
    (await core.alerts.list()).alerts.find(
      (a) => a.id === certAlertId(fingerprint, 'critical') && a.resolvedAt === undefined,
    );
  await until(
    async () => (await criticalOf(first)) !== undefined,
    'a critical alert for the certificate ordered elsewhere',
    15_000,
  );

  expect(events.some((e) => e.type === 'certs' && e.agentId === agent.id)).toBe(true);

  // Nobody asks from here on: the agent renews at two thirds of the lifetime.
  const asked = events.length;
  await until(
    () => events.slice(asked).some((e) => e.type === 'certs' && e.agentId === agent.id),
    'a certs event for the renewal',
    40_000,
  );
  const renewed = (await core.acme.certificates()).certificates.find(
    (c) => c.agentId === agent.id && c.name === 'short',
  );
  expect(renewed?.fingerprint).toBeDefined();
  expect(renewed!.fingerprint).not.toBe(first);
  expect(renewed).toMatchObject({ source: 'acme', renewal: { failures: 0 } });
  // The fleet manager passed on the steps the agent took by itself, as it does for the others.
  const steps = changes.flatMap((c) => (c.kind === 'cert' && c.cert.name === 'short' ? [c.cert.step] : []));
  expect(steps.filter((s) => s === 'installed').length).toBeGreaterThanOrEqual(2);

  // The watch read the fleet again after the renewal (its next regular check is hours away).
  await until(
    async () =>
      (await criticalOf(renewed!.fingerprint)) !== undefined && (await criticalOf(first)) === undefined,
    'the critical alert to follow the renewed certificate',
    15_000,
  );
}, 90_000);
