import { describe, expect, it } from 'vitest';
import { reduceHealth } from '../../api/reducers.ts';
import { agent, at, health, healthAgent, server } from '../../../test/support/renderer/fixtures.ts';
import { largeFleet } from '../../../test/support/renderer/large-fleet.ts';
import { filterAndSort, flattenHealth, type HealthFilters, NO_FILTERS } from './health-rows.ts';

// a1's pool web serves two services (www and intranet); a2's pool cas serves owa.
const view = health(
  healthAgent(
    agent('a1', 'east'),
    {
      web: [
        server('web', 'alpha', 'up', at(1)),
        server('web', 'bravo', 'down', at(3), 'connect ECONNREFUSED'),
      ],
    },
    1,
    { www: ['web'], intranet: ['web'] },
  ),
  healthAgent(
    agent('a2', 'west'),
    { cas: [server('cas', 'charlie', 'disabled', at(2)), server('cas', 'delta', 'up', at(4))] },
    1,
    { owa: ['cas'] },
  ),
);
const names = (filters: Partial<HealthFilters>) =>
  filterAndSort(flattenHealth(view), { ...NO_FILTERS, ...filters }).map((r) => r.server.name);

describe('filterAndSort', () => {
  it.each<[string, Partial<HealthFilters>, string[]]>([
    ['default: down first, then by site', {}, ['bravo', 'charlie', 'alpha', 'delta']],
    ['by site', { site: 'west' }, ['charlie', 'delta']],
    ['by agent', { agentId: 'a1' }, ['bravo', 'alpha']],
    ['by state', { state: 'up' }, ['alpha', 'delta']],
    ['by name text, case-insensitive', { text: 'ALP' }, ['alpha']],
    ['by pool text', { text: 'cas/' }, ['charlie', 'delta']],
    ['by the name of a service using the pool', { text: 'intranet' }, ['bravo', 'alpha']],
    ['by address text', { text: '10.0.0.1:443', state: 'down' }, ['bravo']],
    ['nothing matches', { text: 'zulu' }, []],
    ['sorted by name', { sort: 'name' }, ['alpha', 'bravo', 'charlie', 'delta']],
    ['sorted by latest change', { sort: 'since' }, ['delta', 'bravo', 'charlie', 'alpha']],
  ])('%s', (_name, filters, expected) => {
    expect(names(filters)).toEqual(expected);
  });
});

describe('rows', () => {
  it('are one per pool/server, naming the pool and every service using it', () => {
    const rows = flattenHealth(view);
    expect(rows.map((r) => [r.id, r.pool, r.usedBy, r.server.key])).toEqual([
      ['a1|web/alpha', 'web', ['www', 'intranet'], 'web/alpha'],
      ['a1|web/bravo', 'web', ['www', 'intranet'], 'web/bravo'],
      ['a2|cas/charlie', 'cas', ['owa'], 'cas/charlie'],
      ['a2|cas/delta', 'cas', ['owa'], 'cas/delta'],
    ]);
  });
});

describe('with 100 agents × 50 pools × 10 real servers', () => {
  const big = largeFleet();

  it('flattens, filters and sorts 50,000 servers', () => {
    const rows = flattenHealth(big);
    expect(rows).toHaveLength(50_000);
    const started = performance.now();
    const down = filterAndSort(rows, { ...NO_FILTERS, state: 'down' });
    const byName = filterAndSort(rows, { ...NO_FILTERS, text: 'rs-3', sort: 'name' });
    // Generous: this guards against an accidental quadratic step, not a benchmark.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(down.every((r) => r.state === 'down')).toBe(true);
    expect(byName).toHaveLength(5_000);
  });

  it('rebuilds only the changed agent after one event', () => {
    const before = flattenHealth(big);
    const after = flattenHealth(
      reduceHealth(big, {
        type: 'health',
        changes: [
          {
            agentId: 'agent-7',
            server: {
              key: 'pool-0/rs-0',
              pool: 'pool-0',
              server: 'rs-0',
              state: 'down',
              since: at(30),
            },
          },
        ],
      }),
    );
    const changed = after.findIndex((r, i) => r !== before[i]);
    expect(after[changed]?.agentId).toBe('agent-7');
    expect(after.filter((r, i) => r !== before[i])).toHaveLength(500);
  });
});
