import { describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import type { HealthHistory } from '../../shared/ipc/health.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import {
  agent,
  at,
  discovered,
  fleet,
  health,
  healthAgent,
  server,
} from '../../test/support/renderer/fixtures.ts';
import { findAgent } from './site-groups.ts';
import {
  isNewerRevision,
  reduceDiscovered,
  reduceFleet,
  reduceHealth,
  reduceHistory,
  reduceRealServerEnabled,
} from './reducers.ts';
import { reduceOperation } from './operations.ts';

const rsHealth = (state: RealServerHealth['state'], since: string, lastCheck?: string): RealServerHealth => ({
  key: 'web/rs1',
  pool: 'web',
  server: 'rs1',
  state,
  since,
  ...(lastCheck ? { lastCheck } : {}),
});
const healthEvent = (server: RealServerHealth, agentId = 'a1'): ConsoleEvent => ({
  type: 'health',
  changes: [{ agentId, server }],
});

/** rs1 has been up since minute 5, last checked at minute 6. */
const rs1 = () => {
  const rs = server('web', 'rs1', 'up', at(5));
  return { ...rs, health: { ...rs.health!, lastCheck: at(6) } };
};
/** a1's pool web is used by two services (www and api); its api pool by api alone. */
const baseHealth = () =>
  health(
    healthAgent(
      agent('a1', 'east'),
      { web: [rs1(), server('web', 'rs2', 'up')], api: [server('api', 'rs1', 'up')] },
      1,
      { www: ['web'], api: ['api', 'web'] },
    ),
    healthAgent(agent('a2', 'west'), { mail: [server('mail', 'rs1', 'up')] }),
  );
const memberOf = (view = baseHealth(), agentId = 'a1', key = 'web/rs1') =>
  findAgent(view.sites, agentId)
    ?.pools.flatMap((pool) => pool.servers)
    .find((rs) => rs.key === key);
const stateOf = (view = baseHealth(), agentId = 'a1', key = 'web/rs1') =>
  memberOf(view, agentId, key)?.health;

describe('reduceHealth: a health event', () => {
  it.each([
    ['a later since', 'down', rsHealth('down', at(6))],
    ['the same since, a later check', 'unknown', rsHealth('unknown', at(5), at(7))],
    ['an earlier since (stale)', 'up', rsHealth('down', at(4))],
    ['the same since, an earlier check than held (stale)', 'up', rsHealth('down', at(5), at(5))],
  ])('with %s leaves the server %s', (_name, expected, incoming) => {
    const before = baseHealth();
    const after = reduceHealth(before, healthEvent(incoming));
    expect(stateOf(after)?.state).toBe(expected);
  });

  it.each([
    ['a stale event', healthEvent(rsHealth('down', at(1)))],
    ['an unknown agent', healthEvent(rsHealth('down', at(9)), 'nobody')],
    ['an unknown server', healthEvent({ ...rsHealth('down', at(9)), key: 'web/zz', server: 'zz' })],
    ['an unknown pool', healthEvent({ ...rsHealth('down', at(9)), key: 'zz/rs1', pool: 'zz' })],
    ['a progress event', { type: 'progress', operationId: 'op-00001', agentId: 'a1', status: 'ok' }],
  ] satisfies [string, ConsoleEvent][])('returns the same view for %s', (_name, event) => {
    const before = baseHealth();
    expect(reduceHealth(before, event)).toBe(before);
  });

  it('copies only the agent and the pool that changed', () => {
    const before = baseHealth();
    const after = reduceHealth(before, healthEvent(rsHealth('down', at(9))))!;
    expect(after.sites[1]).toBe(before.sites[1]);
    expect(after.sites[0]).not.toBe(before.sites[0]);
    const [web, api] = after.sites[0]!.agents[0]!.pools;
    expect(web).not.toBe(before.sites[0]!.agents[0]!.pools[0]);
    expect(api).toBe(before.sites[0]!.agents[0]!.pools[1]);
    // The same key in another pool (api/rs1) is another server: untouched.
    expect(stateOf(after, 'a1', 'api/rs1')?.state).toBe('up');
    expect(web?.usedBy).toEqual(['www', 'api']);
  });

  it('keeps nothing when nothing was cached', () => {
    expect(reduceHealth(undefined, healthEvent(rsHealth('down', at(9))))).toBeUndefined();
  });
});

describe('reduceHealth and reduceFleet: agent events', () => {
  it.each([
    ['a later state replaces it', at(3), 'offline'],
    ['an earlier state is stale', '2024-12-31T00:00:00.000Z', 'online'],
  ])('%s', (_name, since, expected) => {
    const changed = {
      ...agent('a1', 'east'),
      state: { kind: 'offline', since, reason: 'x', attempts: 1 },
    } as const;
    const event: ConsoleEvent = { type: 'agent', agent: changed };
    expect(findAgent(reduceFleet(fleet(agent('a1', 'east')), event)!.sites, 'a1')?.state.kind).toBe(expected);
    const h = reduceHealth(baseHealth(), event)!;
    expect(findAgent(h.sites, 'a1')?.state.kind).toBe(expected);
    // What the agent runs survives a connection change.
    expect(findAgent(h.sites, 'a1')?.pools).toHaveLength(2);
    expect(findAgent(h.sites, 'a1')?.virtualServices).toHaveLength(2);
  });

  it.each([
    ['a new site', agent('a3', 'north'), ['east', 'north', 'west']],
    ['an existing site', agent('a0', 'west'), ['east', 'west']],
    ['a moved agent (old site emptied)', agent('a1', 'west'), ['west']],
  ])('inserts into %s keeping sites sorted', (_name, incoming, sites) => {
    const after = reduceFleet(fleet(agent('a1', 'east'), agent('a2', 'west')), {
      type: 'agent',
      agent: incoming,
    })!;
    expect(after.sites.map((g) => g.site)).toEqual(sites);
  });

  it('sorts agents by name within a site', () => {
    const after = reduceFleet(fleet(agent('b', 'east')), { type: 'agent', agent: agent('a', 'east') })!;
    expect(after.sites[0]?.agents.map((a) => a.id)).toEqual(['a', 'b']);
  });

  it.each([
    ['fleet', () => fleet(agent('a1', 'east'), agent('a2', 'west')), reduceFleet],
    ['health', baseHealth, reduceHealth],
  ] as const)('agent-removed drops the agent and its empty site from %s', (_n, make, reduce) => {
    const after = (reduce as typeof reduceFleet)(make() as never, { type: 'agent-removed', agentId: 'a1' })!;
    expect(after.sites.map((g) => g.site)).toEqual(['west']);
  });

  it('ignores removal of an unknown agent', () => {
    const before = fleet(agent('a1', 'east'));
    expect(reduceFleet(before, { type: 'agent-removed', agentId: 'zz' })).toBe(before);
  });
});

describe('reduceDiscovered', () => {
  it.each([
    ['replaces the cached list', [discovered('old')], ['new']],
    ['fills an empty cache', undefined, ['new']],
  ])('%s', (_n, held, ids) => {
    const after = reduceDiscovered(held, { type: 'discovered', agents: [discovered('new')] });
    expect(after?.map((d) => d.id)).toEqual(ids);
  });
});

describe('reduceHistory', () => {
  const history = (): HealthHistory => ({
    agentId: 'a1',
    key: 'web/rs1',
    samples: [{ at: at(5), state: 'up' }],
  });
  it.each([
    ['appends a later state change', healthEvent(rsHealth('down', at(6))), 2],
    ['ignores a later check of the same state', healthEvent(rsHealth('up', at(5), at(8))), 1],
    ['ignores a stale one', healthEvent(rsHealth('down', at(2))), 1],
    ['ignores another server', healthEvent({ ...rsHealth('down', at(9)), key: 'web/rs2' }), 1],
    ['ignores another agent', healthEvent(rsHealth('down', at(9)), 'a2'), 1],
  ])('%s', (_n, event, count) => {
    expect(reduceHistory(history(), event)?.samples).toHaveLength(count);
  });
});

describe('reduceRealServerEnabled and revisions', () => {
  it.each([
    ['a newer revision applies', 2, false],
    ['an older revision is ignored', 0, true],
  ])('%s', (_n, revision, enabled) => {
    const after = reduceRealServerEnabled(baseHealth(), {
      agentId: 'a1',
      key: 'web/rs1',
      enabled: false,
      revision,
    });
    expect(memberOf(after)?.enabled).toBe(enabled);
    // One member for every service using its pool; the same name in another pool stays.
    expect(memberOf(after, 'a1', 'api/rs1')?.enabled).toBe(true);
  });

  it.each([
    [2, true],
    [1, false],
    [0, false],
  ])('config revision %i is newer than the held 1: %s', (revision, expected) => {
    expect(isNewerRevision(baseHealth(), 'a1', revision)).toBe(expected);
  });

  it('treats an agent without a known revision as out of date', () => {
    expect(isNewerRevision(undefined, 'a1', 1)).toBe(true);
  });
});

describe('reduceOperation', () => {
  const progress = (status: 'pending' | 'running' | 'ok' | 'error', message?: string): ConsoleEvent => ({
    type: 'progress',
    operationId: 'op-00001',
    agentId: 'a1',
    status,
    ...(message ? { message } : {}),
  });
  it.each([
    ['pending → running', ['pending', 'running'], 'running'],
    ['running → ok', ['running', 'ok'], 'ok'],
    ['ok is final (a late running is stale)', ['ok', 'running'], 'ok'],
    ['error is final', ['error', 'ok'], 'error'],
    ['running → pending is stale', ['running', 'pending'], 'running'],
  ] as const)('%s', (_n, statuses, expected) => {
    const after = statuses.reduce(
      (held, status) => reduceOperation(held, progress(status)),
      undefined as ReturnType<typeof reduceOperation>,
    );
    expect(after?.a1?.status).toBe(expected);
  });

  it('keeps the newest message while running', () => {
    const after = reduceOperation(
      reduceOperation(undefined, progress('running', 'importing')),
      progress('running', 'binding'),
    );
    expect(after?.a1?.message).toBe('binding');
  });
});
