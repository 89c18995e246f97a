/**
 * The fleet over real agent processes (each with its own id, identity and token) and real
 * back ends on 127.0.0.1: pairing into sites with each agent's engine, fan-out with one agent
 * down, the live view (pools, `pool/server`, the services using each pool) and history
 * following health checks, and reconnection after an agent restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBackend, type Backend } from '../support/backends.ts';
import { until } from '../support/engine.ts';
import { freePort } from '../support/ports.ts';
import { openNodeConsoleStore } from '../../src-main/store/index.ts';
import type { AgentState } from '../../src-main/fleet/agent-state.ts';
import { FleetManager, type FleetChange } from '../../src-main/fleet/fleet-manager.ts';
import { startFleetAgent, type FleetAgent } from '../support/fleet-agent.ts';
import { QUICK_TUNING } from '../support/quick-tuning.ts';
import { VERSION } from '../../agent/version.ts';

const tuning = QUICK_TUNING;

let a: FleetAgent;
let b: FleetAgent;
let c: FleetAgent;
let rs1: Backend;
let rs2: Backend;
beforeAll(async () => {
  [a, b, c, rs1, rs2] = await Promise.all([
    startFleetAgent({ name: 'lb-a', site: 'east' }),
    startFleetAgent({ name: 'lb-b', site: 'east' }),
    startFleetAgent({ name: 'lb-c', site: 'west' }),
    startBackend('rs1'),
    startBackend('rs2'),
  ]);
});
afterAll(async () => {
  await Promise.all([a, b, c].map((p) => p?.dispose()));
  await Promise.all([rs1, rs2].map((s) => s?.close()));
});

let dir: string;
let fleet: FleetManager;
let changes: FleetChange[];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-fleet-'));
  changes = [];
  fleet = new FleetManager({ store: openNodeConsoleStore({ cwd: dir }), tuning });
  fleet.onChange((change) => changes.push(change));
  fleet.start();
  for (const agent of [a, b, c])
    await fleet.pair({ address: '127.0.0.1', port: agent.port, token: agent.token });
  await Promise.all([a, b, c].map((agent) => fleet.client(agent.id)!.whenOnline(10_000)));
});
afterEach(async () => {
  await fleet.close();
  rmSync(dir, { recursive: true, force: true });
  rs1.healthStatus = rs2.healthStatus = 200;
});

const stateOf = (agent: FleetAgent): AgentState => fleet.agent(agent.id)!.state;

/** One pool of rs1 and rs2, used by two services: its servers are one set, probed once. */
async function applyWebService(agent: FleetAgent): Promise<number> {
  const config = {
    version: 2,
    pools: [
      {
        name: 'web',
        healthCheck: { type: 'http', path: '/health', intervalMs: 100, timeoutMs: 500, rise: 1, fall: 1 },
        servers: [
          { name: 'rs1', address: '127.0.0.1', port: rs1.port },
          { name: 'rs2', address: '127.0.0.1', port: rs2.port },
        ],
      },
    ],
    virtualServices: [
      {
        name: 'www',
        listen: { address: '127.0.0.1', port: await freePort() },
        protocol: 'http',
        pool: 'web',
      },
      {
        name: 'tcp-web',
        listen: { address: '127.0.0.1', port: await freePort() },
        protocol: 'tcp',
        pool: 'web',
      },
    ],
  };
  const [result] = await fleet.fanOut([agent.id], (client) => client.request('config.apply', { config }));
  if (!result?.ok) throw new Error(`config.apply failed: ${JSON.stringify(result)}`);
  return result.result.revision;
}

const liveOf = (agent: FleetAgent) =>
  fleet
    .view()
    .flatMap((site) => site.agents)
    .find((x) => x.id === agent.id)!;
const healthIn = (agent: FleetAgent, key: string) =>
  liveOf(agent)
    .pools.flatMap((pool) => pool.servers)
    .find((rs) => rs.key === key)?.health?.state;
const configChanges = (agent: FleetAgent) =>
  changes.filter((x) => x.kind === 'config' && x.agentId === agent.id).length;

describe('FleetManager', () => {
  it('groups paired agents by site with their state', async () => {
    const groups = fleet.agents();
    expect(groups.map((g) => [g.site, g.agents.map((x) => x.name)])).toEqual([
      ['east', ['lb-a', 'lb-b']],
      ['west', ['lb-c']],
    ]);
    expect(groups.flatMap((g) => g.agents).every((x) => x.state.kind === 'online')).toBe(true);
    // Each agent's own version, from agent.info once it was reached (asked right after connecting).
    await vi.waitFor(() =>
      expect(fleet.agents().flatMap((g) => g.agents.map((x) => x.version))).toEqual([
        VERSION,
        VERSION,
        VERSION,
      ]),
    );
    expect(fleet.agent(a.id)).toMatchObject({
      fingerprint: a.fingerprint,
      port: a.port,
      address: '127.0.0.1',
      // What its engine runs: kind and version from agent.info, counts from its configuration.
      engine: {
        kind: 'builtin',
        version: `portico ${VERSION}`,
        pools: 0,
        virtualServices: 0,
        realServers: 0,
      },
    });
  });

  it('forgets a removed agent: no entry, no connection', async () => {
    const client = fleet.client(b.id)!;
    await fleet.remove(b.id);
    expect(client.state.kind).toBe('stopped');
    expect(fleet.client(b.id)).toBeUndefined();
    expect(fleet.agents().flatMap((g) => g.agents.map((x) => x.name))).toEqual(['lb-a', 'lb-c']);
    expect(changes.at(-1)).toEqual({ kind: 'agents' });
  });

  it('fans out with one agent down: a result per agent, the others succeed', async () => {
    await c.stop();
    await until(() => stateOf(c).kind === 'offline', 'lb-c offline', 10_000);
    const progress: string[] = [];
    const results = await fleet.fanOut(
      [a.id, b.id, c.id],
      async (client) => (await client.request('agent.info')).name,
      (p) => progress.push(`${p.completed}/${p.total} ${p.result.agentId}`),
    );
    expect(results).toEqual([
      { agentId: a.id, ok: true, result: 'lb-a' },
      { agentId: b.id, ok: true, result: 'lb-b' },
      {
        agentId: c.id,
        ok: false,
        error: { code: 'not-connected', message: expect.stringContaining('offline') },
      },
    ]);
    expect(progress).toHaveLength(3);
    expect(progress.map((p) => p.split(' ')[0])).toEqual(['1/3', '2/3', '3/3']);
    await c.start();
    await fleet.client(c.id)!.whenOnline(10_000);
  });

  it('keeps the live view and the history current from health and config events', async () => {
    const revision = await applyWebService(a);
    // The config event makes the fleet refetch: the new service shows up with its servers.
    await until(() => liveOf(a).revision === revision, 'the new revision in the view', 5_000);
    await until(() => healthIn(a, 'web/rs1') === 'up' && healthIn(a, 'web/rs2') === 'up', 'both up', 5_000);
    // Each server once, under its pool, with both services that use it.
    expect(liveOf(a).pools).toEqual([
      {
        name: 'web',
        usedBy: ['www', 'tcp-web'],
        servers: [
          expect.objectContaining({ key: 'web/rs1', port: rs1.port, enabled: true }),
          expect.objectContaining({ key: 'web/rs2', port: rs2.port, enabled: true }),
        ],
      },
    ]);
    expect(liveOf(a).virtualServices.map((vs) => [vs.name, vs.protocol, vs.pools])).toEqual([
      ['www', 'http', ['web']],
      ['tcp-web', 'tcp', ['web']],
    ]);
    expect(fleet.agent(a.id)?.engine).toMatchObject({ pools: 1, virtualServices: 2, realServers: 2 });

    rs2.healthStatus = 503;
    await until(() => healthIn(a, 'web/rs2') === 'down', 'rs2 down in the view', 5_000);
    expect(changes).toContainEqual({
      kind: 'health',
      agentId: a.id,
      health: expect.objectContaining({ key: 'web/rs2', state: 'down' }),
    });
    expect(healthIn(a, 'web/rs1')).toBe('up');

    rs2.healthStatus = 200;
    await until(() => healthIn(a, 'web/rs2') === 'up', 'rs2 up again', 5_000);
    const states = fleet.history(a.id, 'web/rs2').samples.map((s) => s.state);
    expect(states.slice(-3)).toEqual(['up', 'down', 'up']);
    const times = fleet.history(a.id, 'web/rs2').samples.map((s) => Date.parse(s.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it('goes offline when an agent restarts and online again, with events flowing on the new connection', async () => {
    await applyWebService(c);
    await until(() => healthIn(c, 'web/rs1') === 'up', 'rs1 up on lb-c', 5_000);

    await c.stop();
    await until(() => stateOf(c).kind === 'offline', 'lb-c offline', 10_000);
    expect(stateOf(c)).toMatchObject({ kind: 'offline', since: expect.any(String) });
    const refetchesBefore = configChanges(c);
    await c.start();
    await fleet.client(c.id)!.whenOnline(10_000);
    const kinds = changes
      .filter((x) => x.kind === 'state' && x.agentId === c.id)
      .map((x) => (x as { state: AgentState }).state.kind);
    expect(kinds.indexOf('offline')).toBeGreaterThan(kinds.indexOf('online'));
    expect(kinds.at(-1)).toBe('online');

    // The reconnect refetches (the agent kept its config across the restart)…
    await until(() => configChanges(c) > refetchesBefore, 'the refetch after the reconnect', 5_000);
    await until(() => healthIn(c, 'web/rs1') === 'up', 'rs1 up after the reconnect', 5_000);
    // …and from now on nothing refetches (no config change), so news can only come as events.
    const refetches = configChanges(c);
    const before = changes.length;
    rs1.healthStatus = 500;
    await until(() => healthIn(c, 'web/rs1') === 'down', 'rs1 down via an event after the reconnect', 5_000);
    expect(configChanges(c)).toBe(refetches);
    expect(changes.slice(before)).toContainEqual(
      expect.objectContaining({
        kind: 'health',
        agentId: c.id,
        health: expect.objectContaining({ state: 'down' }),
      }),
    );
  });
});
