/**
 * "Replace this certificate everywhere it is used" through the Console core over real agent
 * processes: the old certificate stored under different names on two agents and served by https
 * services; after the replace, HTTPS through each agent shows the new one. An agent without the
 * old certificate replaces nothing; a stopped agent fails alone.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { RSA_LEAF_CN, type Corpus } from '../support/cert-corpus.ts';
import { type Backend } from '../support/backends.ts';
import { until } from '../support/engine.ts';
import { pairOnline } from '../support/pair-online.ts';
import { freePort } from '../support/ports.ts';
import { type RunningConsoleCore } from '../../src-main/core/console-core.ts';
import { FleetManager } from '../../src-main/fleet/index.ts';
import { type FleetAgent } from '../support/fleet-agent.ts';
import { servedLeaf } from '../support/tls.ts';
import { startCoreFleet, type CoreFleet } from '../support/core-fleet.ts';

let setup: CoreFleet;
let a: FleetAgent;
let b: FleetAgent;
let rs: Backend;
let corpus: Corpus;
let fleet: FleetManager;
let core: RunningConsoleCore;
let events: ConsoleEvent[];

beforeAll(async () => {
  setup = await startCoreFleet('rep', ['rs']);
  ({ a, b, corpus, fleet, core, events } = setup);
  [rs] = setup.backends as [Backend];
}, 60_000);

afterAll(() => setup?.close());

const online = async (agentId: string) =>
  (await core.fleet.list()).sites.some((s) =>
    s.agents.some((x) => x.id === agentId && x.state.kind === 'online'),
  );
const served = (port: number) => servedLeaf(port, RSA_LEAF_CN);
const file = (name: string) => ({ name, bytes: new Uint8Array(corpus.read(name)) });
const leafOf = (name: string) => new X509Certificate(corpus.read(name)).fingerprint256;
const inspectOld = () =>
  core.certs.inspect({
    files: [file('leaf-rsa.key'), file('leaf-rsa.pem'), file('intermediate.pem')],
    aia: false,
  });

/** Agent → https service → its port. */
const ports = new Map<string, Map<string, number>>();

/** An https service serving `certificate`, sending to the agent's one pool (`rs`, added the first time). */
async function httpsService(agentId: string, name: string, certificate: string): Promise<void> {
  const port = await freePort();
  const current = await core.config.get(agentId);
  let { revision } = current;
  if (!current.config.pools.some((p) => p.name === 'rs')) {
    const pool = { name: 'rs', servers: [{ name: 'rs', address: '127.0.0.1', port: rs.port }] };
    ({ revision } = await core.config.upsertPool({ agentId, expectRevision: revision, pool }));
  }
  await core.config.upsertVirtualService({
    agentId,
    expectRevision: revision,
    virtualService: {
      name,
      listen: { address: '127.0.0.1', port },
      protocol: 'https',
      tls: { certificates: [certificate] },
      pool: 'rs',
    },
  });
  if (!ports.has(agentId)) ports.set(agentId, new Map());
  ports.get(agentId)!.set(name, port);
}

describe('certs.replaceEverywhere over real agents', () => {
  it('replaces every entry holding the old certificate on each agent: HTTPS shows the new one', async () => {
    await pairOnline(core.fleet, [a, b], 15_000);

    const old = await inspectOld();
    expect(old.pushable).toBe(true);
    const pushed = await core.certs.push({
      inspectionId: old.inspectionId,
      targets: [
        { agentId: a.id, name: 'www' },
        { agentId: a.id, name: 'www-old' },
        { agentId: b.id, name: 'edge' },
      ],
    });
    expect(pushed.results.every((r) => r.ok)).toBe(true);
    await httpsService(a.id, 'site-https', 'www');
    await httpsService(a.id, 'legacy-https', 'www-old');
    await httpsService(b.id, 'edge-https', 'edge');
    for (const [, services] of ports)
      for (const port of services.values()) expect(await served(port)).toBe(leafOf('leaf-rsa.pem'));

    const renewed = await core.certs.inspect({ files: [file('leaf-ec-bundle.pem')], aia: false });
    expect(renewed.pushable).toBe(true);
    // mail.portico.test lacks every name of www.portico.test: refused, names listed, nothing changed.
    await expect(
      core.certs.replaceEverywhere({
        inspectionId: renewed.inspectionId,
        fingerprint: leafOf('leaf-rsa.pem'),
      }),
    ).rejects.toMatchObject({
      code: 'CERT_ERROR',
      message: expect.stringContaining(
        'does not cover these names of the one it replaces: www.portico.test, portico.test, 192.0.2.10',
      ),
      details: { code: 'NAMES_NOT_COVERED', names: ['www.portico.test', 'portico.test', '192.0.2.10'] },
    });
    for (const [, services] of ports)
      for (const port of services.values()) expect(await served(port)).toBe(leafOf('leaf-rsa.pem'));

    events.length = 0;
    const operationId = 'replace-www-0001';
    // The admin confirmed that no client uses the names the new certificate lacks.
    const result = await core.certs.replaceEverywhere({
      inspectionId: renewed.inspectionId,
      fingerprint: leafOf('leaf-rsa.pem'),
      allowUncoveredNames: true,
      operationId,
    });
    expect(result.operationId).toBe(operationId);
    expect(result.results).toEqual([
      {
        agentId: a.id,
        ok: true,
        result: {
          replaced: [
            { name: 'www', reloaded: ['site-https'] },
            { name: 'www-old', reloaded: ['legacy-https'] },
          ],
        },
      },
      { agentId: b.id, ok: true, result: { replaced: [{ name: 'edge', reloaded: ['edge-https'] }] } },
    ]);
    for (const [, services] of ports)
      for (const port of services.values()) expect(await served(port)).toBe(leafOf('leaf-ec.pem'));
    for (const agentId of [a.id, b.id]) {
      const statuses = events.flatMap((e) =>
        e.type === 'progress' && e.operationId === operationId && e.agentId === agentId ? [e.status] : [],
      );
      expect(statuses[0]).toBe('pending');
      expect(statuses.at(-1)).toBe('ok');
    }
    // The root stayed home, as with push.
    const listed = await fleet.client(b.id)!.request('cert.list');
    expect(listed.certificates.find((c) => c.name === 'edge')?.certificates).toBe(2);
  }, 60_000);

  it('an agent without the certificate reports nothing replaced', async () => {
    const old = await inspectOld();
    await core.certs.push({ inspectionId: old.inspectionId, targets: [{ agentId: a.id, name: 'spare' }] });
    const renewed = await core.certs.inspect({ files: [file('leaf-ec-bundle.pem')], aia: false });
    const result = await core.certs.replaceEverywhere({
      inspectionId: renewed.inspectionId,
      fingerprint: leafOf('leaf-rsa.pem').toLowerCase(),
      agentIds: [a.id, b.id],
      allowUncoveredNames: true,
    });
    expect(result.results).toEqual([
      { agentId: a.id, ok: true, result: { replaced: [{ name: 'spare', reloaded: [] }] } },
      { agentId: b.id, ok: true, result: { replaced: [] } },
    ]);
    await expect(
      core.certs.replaceEverywhere({ inspectionId: 'gone', fingerprint: leafOf('leaf-rsa.pem') }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 30_000);

  it('with one agent stopped, its result is its own error and the other succeeds', async () => {
    // The old certificate back on both, so each has something to replace.
    const old = await inspectOld();
    await core.certs.push({
      inspectionId: old.inspectionId,
      targets: [
        { agentId: a.id, name: 'www' },
        { agentId: b.id, name: 'edge' },
      ],
    });
    await b.stop();
    await until(async () => !(await online(b.id)), 'agent b offline', 15_000);
    const renewed = await core.certs.inspect({ files: [file('leaf-ec-bundle.pem')], aia: false });
    const result = await core.certs.replaceEverywhere({
      inspectionId: renewed.inspectionId,
      fingerprint: leafOf('leaf-rsa.pem'),
      allowUncoveredNames: true,
    });
    expect(result.results).toEqual([
      { agentId: a.id, ok: true, result: { replaced: [{ name: 'www', reloaded: ['site-https'] }] } },
      { agentId: b.id, ok: false, error: expect.objectContaining({ code: 'AGENT_OFFLINE' }) },
    ]);
    expect(await served(ports.get(a.id)!.get('site-https')!)).toBe(leafOf('leaf-ec.pem'));
  }, 30_000);
});
