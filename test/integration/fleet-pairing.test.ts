/**
 * Pairing against real agents: in-process test agents (agent/mgmt/testing.ts) where the test
 * swaps the identity behind a port, and a real agent process where a different agent (another
 * id) must take the place of a paired one.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  makeIdentity,
  startTestAgent,
  TEST_TOKEN,
  type Identity,
  type TestAgent,
} from '../support/mgmt-agent.ts';
import { until } from '../support/engine.ts';
import { KEY_FILE, openNodeConsoleStore, type ConsoleStore } from '../../src-main/store/index.ts';
import type { AgentState } from '../../src-main/fleet/agent-state.ts';
import { FleetManager } from '../../src-main/fleet/fleet-manager.ts';
import {
  fetchFingerprint,
  pairAgent,
  pairTargetFrom,
  PairingError,
  repairAgent,
} from '../../src-main/fleet/pairing.ts';
import { startFleetAgent } from '../support/fleet-agent.ts';

const fingerprintOf = (id: Identity) => new X509Certificate(id.cert).fingerprint256;
const tuning = { connectTimeoutMs: 3_000, backoff: { baseMs: 20, maxMs: 200, factor: 2, jitter: 0.5 } };

let dir: string;
let store: ConsoleStore;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-pairing-'));
  store = openNodeConsoleStore({ cwd: dir });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

async function agentOn(opts: { identity?: Identity; port?: number } = {}): Promise<TestAgent> {
  const agent = await startTestAgent({
    ...(opts.identity ? { identity: opts.identity } : {}),
    server: { ...(opts.port ? { port: opts.port } : {}) },
  });
  let closed = false;
  const close = agent.close;
  agent.close = async () => {
    if (!closed) await close();
    closed = true;
  };
  cleanups.push(() => agent.close());
  return agent;
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err as PairingError,
  );

describe('pairing', () => {
  it('pins the certificate seen on first contact and stores the token only encrypted', async () => {
    const agent = await agentOn();
    const port = agent.server.port;
    const seen = await fetchFingerprint('127.0.0.1', port);
    expect(seen).toBe(fingerprintOf(agent.identity));
    // Reading the fingerprint sends nothing: not even a refused upgrade.
    expect(agent.server.counters()).toMatchObject({ sessionsOpened: 0, refused: {} });

    const result = await pairAgent({ address: '127.0.0.1', port, token: TEST_TOKEN }, { store });
    expect(result).toMatchObject({
      fingerprint: seen,
      refreshed: false,
      info: { id: 'agent-test', site: 'lab' },
    });
    expect(store.listAgents()).toEqual([
      expect.objectContaining({
        id: 'agent-test',
        name: 'test',
        site: 'lab',
        address: '127.0.0.1',
        port,
        fingerprint: seen,
      }),
    ]);

    const onDisk = readFileSync(store.path, 'utf8');
    expect(onDisk).not.toContain(TEST_TOKEN);
    expect(onDisk).toContain(seen);
    if (process.platform !== 'win32') expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    // The next Console start reads it back, token included.
    expect(openNodeConsoleStore({ cwd: dir }).tokenOf('agent-test')).toBe(TEST_TOKEN);
  });

  it('refuses when the certificate is not the one the mDNS record advertised, without sending the token', async () => {
    const agent = await agentOn();
    const advertised = fingerprintOf(makeIdentity());
    const target = pairTargetFrom({
      name: 'lb (1234)',
      host: 'lb.local',
      addresses: ['fe80::1', '127.0.0.1'],
      port: agent.server.port,
      txt: { id: 'x', name: 'lb', site: 'lab', version: '1', fingerprint: advertised },
    });
    expect(target).toEqual({
      address: '127.0.0.1',
      port: agent.server.port,
      advertisedFingerprint: advertised,
    });
    const err = await rejection(pairAgent({ ...target, token: TEST_TOKEN }, { store }));
    expect(err).toBeInstanceOf(PairingError);
    expect(err.code).toBe('FINGERPRINT_MISMATCH');
    expect(err.message).toContain(advertised);
    expect(err.message).toContain(fingerprintOf(agent.identity));
    expect(err.message).toContain('token was not sent');
    expect(agent.server.counters()).toMatchObject({ sessionsOpened: 0, refused: {} });
    expect(store.listAgents()).toEqual([]);

    // The advertised one, in any spelling an admin may paste, is accepted.
    const right = fingerprintOf(agent.identity).toLowerCase().replaceAll(':', '');
    await expect(
      pairAgent({ ...target, advertisedFingerprint: right, token: TEST_TOKEN }, { store }),
    ).resolves.toMatchObject({ fingerprint: fingerprintOf(agent.identity) });
  });

  it('stores nothing when the agent refuses the token or is not there', async () => {
    const agent = await agentOn();
    const err = await rejection(
      pairAgent({ address: '127.0.0.1', port: agent.server.port, token: 'x'.repeat(40) }, { store }),
    );
    expect(err.code).toBe('UNAUTHORIZED');
    const port = agent.server.port;
    await agent.close();
    expect(
      (await rejection(pairAgent({ address: '127.0.0.1', port, token: TEST_TOKEN }, { store }))).code,
    ).toBe('UNREACHABLE');
    expect(store.listAgents()).toEqual([]);
  });

  it('after an identity change: fingerprint-mismatch naming both, no silent re-pin, then a deliberate re-pair', async () => {
    const original = makeIdentity();
    const first = await agentOn({ identity: original });
    const port = first.server.port;
    await pairAgent({ address: '127.0.0.1', port, token: TEST_TOKEN }, { store });
    await first.close();
    const replacement = makeIdentity();
    const second = await agentOn({ identity: replacement, port });

    const fleet = new FleetManager({ store, tuning });
    cleanups.push(() => fleet.close());
    fleet.start();
    await until(
      () => fleet.agent('agent-test')?.state.kind === 'fingerprint-mismatch',
      'fingerprint-mismatch',
    );
    const state = fleet.agent('agent-test')!.state as Extract<AgentState, { kind: 'fingerprint-mismatch' }>;
    expect(state).toMatchObject({ expected: fingerprintOf(original), actual: fingerprintOf(replacement) });
    expect(state.message).toContain(fingerprintOf(original));
    expect(state.message).toContain(fingerprintOf(replacement));
    expect(second.server.counters()).toMatchObject({ sessionsOpened: 0, refused: {} });

    // Pairing again is not a way around the pin.
    const conflict = await rejection(pairAgent({ address: '127.0.0.1', port, token: TEST_TOKEN }, { store }));
    expect(conflict.code).toBe('PIN_CONFLICT');
    expect(store.getAgent('agent-test')!.fingerprint).toBe(fingerprintOf(original));

    // Re-pair accepts exactly the fingerprint named, nothing else.
    const wrong = await rejection(
      fleet.repair('agent-test', { acceptFingerprint: fingerprintOf(makeIdentity()) }),
    );
    expect(wrong.code).toBe('FINGERPRINT_MISMATCH');
    expect(store.getAgent('agent-test')!.fingerprint).toBe(fingerprintOf(original));

    const repaired = await fleet.repair('agent-test', { acceptFingerprint: state.actual });
    expect(repaired.fingerprint).toBe(fingerprintOf(replacement));
    await fleet.client('agent-test')!.whenOnline(5_000);
    expect(openNodeConsoleStore({ cwd: dir }).getAgent('agent-test')!.fingerprint).toBe(
      fingerprintOf(replacement),
    );
  });

  it('refuses to pin a TLS-terminating intermediary: the agent names another fingerprint than the one seen', async () => {
    const agent = await startFleetAgent({ name: 'behind-proxy', site: 'lab' });
    cleanups.push(() => agent.dispose());
    const proxyIdentity = makeIdentity();
    const proxy = createTlsServer({ key: proxyIdentity.key, cert: proxyIdentity.cert }, (downstream) => {
      const upstream = tlsConnect({ host: '127.0.0.1', port: agent.port, rejectUnauthorized: false });
      downstream.pipe(upstream).pipe(downstream);
      upstream.on('error', () => downstream.destroy());
      downstream.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
    const port = (proxy.address() as AddressInfo).port;

    const err = await rejection(pairAgent({ address: '127.0.0.1', port, token: agent.token }, { store }));
    expect(err.code).toBe('FINGERPRINT_MISMATCH');
    expect(err.message).toContain(agent.fingerprint);
    expect(err.message).toContain(fingerprintOf(proxyIdentity));
    expect(err.message).toMatch(/rotate it/);
    expect(store.listAgents()).toEqual([]);
    // Directly, the same agent pairs, and its own account of its fingerprint matches.
    await expect(
      pairAgent({ address: '127.0.0.1', port: agent.port, token: agent.token }, { store }),
    ).resolves.toMatchObject({ fingerprint: agent.fingerprint, info: { fingerprint: agent.fingerprint } });
  });

  it('re-pair refuses a different agent that took over the address', async () => {
    const first = await agentOn();
    await pairAgent({ address: '127.0.0.1', port: first.server.port, token: TEST_TOKEN }, { store });
    await first.close();
    const other = await startFleetAgent({ name: 'other', site: 'lab' });
    cleanups.push(() => other.dispose());
    // The store points at the in-process agent's port; move it to where the other agent listens.
    store.updateAgent('agent-test', { port: other.port });
    const err = await rejection(
      repairAgent('agent-test', { acceptFingerprint: other.fingerprint, token: other.token }, { store }),
    );
    expect(err.code).toBe('AGENT_CHANGED');
    expect(err.message).toContain(other.id);
    expect(store.getAgent('agent-test')!.fingerprint).toBe(fingerprintOf(first.identity));
    // A token given with a refused re-pair is not stored either.
    expect(store.tokenOf('agent-test')).toBe(TEST_TOKEN);
  });
});
