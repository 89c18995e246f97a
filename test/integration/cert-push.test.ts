/**
 * Pushing to real agents (agent/mgmt's test agent: engine, stores and wss server on 127.0.0.1):
 * import per agent with one agent down, binding to a virtual service, and replacing a
 * certificate everywhere it is used. The fleet here is a plain fan-out over test clients —
 * the shape FleetManager.fanOut has.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdentity, startTestAgent, type TestAgent, type TestClient } from '../support/mgmt-agent.ts';
import { makeCorpus, PASSWORD, RSA_LEAF_CN, type Corpus } from '../support/cert-corpus.ts';
import { freePort } from '../support/ports.ts';
import { inspectCertificates } from '../../src-main/certs/inspect.ts';
import {
  pushCertificate,
  replaceCertificateEverywhere,
  type AgentRequester,
  type PushFleet,
} from '../../src-main/certs/push.ts';
import { importPem } from '../../src-main/certs/push-payload.ts';
import { CA_BUNDLE_NOT_BOUND } from '../../src-main/certs/push.ts';
import type { PushPayload } from '../../src-main/certs/types.ts';
import type { AgentOutcome } from '../../shared/ipc/channel.ts';
import type { FanOutProgress } from '../../src-main/fleet/fan-out.ts';
import type { Failure } from '../../src-main/fleet/rpc-errors.ts';
import { servedLeaf } from '../support/tls.ts';

let corpus: Corpus;
const agents = new Map<string, TestAgent>();
const clients = new Map<string, TestClient>();
let rsa: PushPayload;
let ec: PushPayload;

beforeAll(async () => {
  corpus = makeCorpus();
  const identity = makeIdentity();
  for (const id of ['a', 'b']) {
    const agent = await startTestAgent({ identity });
    agents.set(id, agent);
    clients.set(id, await agent.connect());
  }
  rsa = await payloadOf('rsa-default.pfx');
  ec = await payloadOf('ec-default.pfx');
});
afterAll(async () => {
  for (const client of clients.values()) client.close();
  for (const agent of agents.values()) await agent.close();
  corpus.cleanup();
});

async function payloadOf(file: string): Promise<PushPayload> {
  const result = await inspectCertificates([{ name: file, data: corpus.read(file) }], {
    password: PASSWORD,
    aia: false,
    pushPayload: true,
  });
  if (!result.push) throw new Error(`no payload for ${file}: ${JSON.stringify(result.errors)}`);
  return result.push;
}

const requester = (client: TestClient): AgentRequester => ({
  request: (method, params) => client.result(method, params) as never,
});

/** What the fleet manager does, reduced to the contract: results per agent, failures contained. */
const fleet: PushFleet = {
  fanOut(agentIds, operation, onProgress) {
    let completed = 0;
    return Promise.all(
      agentIds.map(async (agentId) => {
        type R = AgentOutcome<Awaited<ReturnType<typeof operation>>, Failure>;
        let result: R;
        try {
          const client = clients.get(agentId);
          if (!client)
            throw Object.assign(new Error(`agent ${agentId} is offline`), { code: 'not-connected' });
          result = { agentId, ok: true, result: await operation(requester(client), agentId) };
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'ERROR';
          result = { agentId, ok: false, error: { code, message: (error as Error).message } };
        }
        onProgress?.({ result, completed: ++completed, total: agentIds.length });
        return result;
      }),
    );
  },
};

const served = (port: number) => servedLeaf(port, RSA_LEAF_CN);
const leafOf = (payload: PushPayload) => new X509Certificate(payload.chainPem).fingerprint256;

describe('pushCertificate', () => {
  it('imports key and chain (no root) on each agent, with progress, and one agent down fails alone', async () => {
    const progress: FanOutProgress<unknown>[] = [];
    const results = await pushCertificate(fleet, ['a', 'b', 'down'], rsa, {
      name: 'www',
      onProgress: (p) => progress.push(p),
    });
    expect(results.map((r) => [r.agentId, r.ok])).toEqual([
      ['a', true],
      ['b', true],
      ['down', false],
    ]);
    const [a] = results;
    if (!a?.ok) throw new Error('agent a failed');
    expect(a.result.imported).toMatchObject({
      name: 'www',
      kind: 'certificate',
      replaced: false,
      notStored: [],
    });
    expect(a.result.imported.chain.map((c) => c.subject.cn)).toEqual([
      RSA_LEAF_CN,
      'Portico Test Intermediate CA',
    ]);
    expect(results[2]).toEqual({
      agentId: 'down',
      ok: false,
      error: { code: 'not-connected', message: 'agent down is offline' },
    });
    expect(progress.map((p) => [p.completed, p.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('binds to a virtual service for its names, the default unchanged, checking every service first', async () => {
    const client = clients.get('a') as TestClient;
    const port = await freePort();
    await client.result('cert.import', { name: 'old', pem: importPem(ec) });
    await client.result('pool.upsert', {
      pool: { name: 'app', servers: [{ name: 'rs', address: '127.0.0.1', port: 9 }] },
    });
    await client.result('virtualService.upsert', {
      virtualService: {
        name: 'secure',
        listen: { address: '127.0.0.1', port },
        protocol: 'https',
        tls: { certificates: ['old'] },
        pool: 'app',
      },
    });
    expect(await served(port)).toBe(leafOf(ec));

    const refused = await pushCertificate(fleet, ['a'], rsa, { name: 'www', bind: ['secure', 'nope'] });
    expect(refused[0]).toMatchObject({
      ok: false,
      error: {
        message: 'imported as "www", but binding it failed: there is no virtual service "nope" on this agent',
      },
    });
    expect(await served(port)).toBe(leafOf(ec));

    const [bound] = await pushCertificate(fleet, ['a'], rsa, { name: 'www', bind: ['secure'] });
    if (!bound?.ok) throw new Error(JSON.stringify(bound));
    expect(bound.result.bound).toEqual([{ virtualService: 'secure', revision: expect.any(Number) }]);
    const { config } = (await client.result('config.get')) as { config: { virtualServices: unknown[] } };
    expect(config.virtualServices).toEqual([
      expect.objectContaining({
        name: 'secure',
        tls: expect.objectContaining({ certificates: ['www', 'old'], defaultCertificate: 'old' }),
      }),
    ]);
    expect(await served(port)).toBe(leafOf(rsa));
    // A client without SNI is still shown the certificate it was shown before the push.
    expect(await servedLeaf(port, '')).toBe(leafOf(ec));

    // Already bound: nothing to change, no new revision.
    const [again] = await pushCertificate(fleet, ['a'], rsa, { name: 'www', bind: ['secure'] });
    expect(again).toMatchObject({ ok: true, result: { bound: [{ virtualService: 'secure' }] } });
    expect(again?.ok && again.result.bound[0]?.revision).toBeUndefined();
  });
});

describe('pushCertificate of a CA bundle', () => {
  it('imports CA certificates without a key as a CA bundle, and refuses to bind one before any agent is asked', async () => {
    const inspected = await inspectCertificates([{ name: 'chain.pem', data: corpus.read('chain.pem') }], {
      aia: false,
      requireKey: true,
      allowCaBundle: true,
      pushPayload: true,
    });
    const bundle = inspected.push;
    if (!bundle) throw new Error(`no payload: ${JSON.stringify(inspected.errors)}`);
    expect(() => pushCertificate(fleet, ['a'], bundle, { name: 'internal-ca', bind: ['secure'] })).toThrow(
      CA_BUNDLE_NOT_BOUND,
    );
    const [pushed] = await pushCertificate(fleet, ['a'], bundle, { name: 'internal-ca' });
    expect(pushed).toMatchObject({
      ok: true,
      result: { imported: { name: 'internal-ca', kind: 'ca-bundle', chain: [{}, {}] }, bound: [] },
    });
  });
});

describe('replaceCertificateEverywhere', () => {
  it('renews every entry holding the old leaf, on every agent, and the services using it switch', async () => {
    const results = await replaceCertificateEverywhere(fleet, ['a', 'b'], ec, { fingerprint: leafOf(rsa) });
    expect(results).toEqual([
      { agentId: 'a', ok: true, result: { replaced: [{ name: 'www', reloaded: ['secure'] }] } },
      { agentId: 'b', ok: true, result: { replaced: [{ name: 'www', reloaded: [] }] } },
    ]);
    const client = clients.get('a') as TestClient;
    const { virtualServices } = (
      (await client.result('config.get')) as { config: { virtualServices: { listen: { port: number } }[] } }
    ).config;
    expect(await served(virtualServices[0]?.listen.port ?? 0)).toBe(leafOf(ec));
    // Nothing holds the old leaf any more: a second run replaces nothing.
    const second = await replaceCertificateEverywhere(fleet, ['a', 'b'], ec, {
      fingerprint: leafOf(rsa).replaceAll(':', '').toLowerCase(),
    });
    expect(second.map((r) => r.ok && r.result.replaced)).toEqual([[], []]);
  });
});
