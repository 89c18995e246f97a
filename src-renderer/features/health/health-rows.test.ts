import { describe, expect, it } from 'vitest';
import { reduceHealth } from '../../api/reducers.ts';
import { agent, at, health, healthAgent, server } from '../../test/fixtures.ts';
import { largeFleet } from '../../test/large-fleet.ts';
import { filterAndSort, flattenHealth, type HealthFilters, NO_FILTERS } from './health-rows.ts';

const view = health(
  healthAgent(agent('a1', 'east'), {
    web: [server('web', 'alpha', 'up', at(1)), server('web', 'bravo', 'down', at(3), 'connect ECONNREFUSED')],
  }),
  healthAgent(agent('a2', 'west'), {
    mail: [server('mail', 'charlie', 'disabled', at(2)), server('mail', 'delta', 'up', at(4))],
  }),
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
    ['by virtual service text', { text: 'mail' }, ['charlie', 'delta']],
    ['by address text', { text: '10.0.0.1:443', state: 'down' }, ['bravo']],
    ['nothing matches', { text: 'zulu' }, []],
    ['sorted by name', { sort: 'name' }, ['alpha', 'bravo', 'charlie', 'delta']],
    ['sorted by latest change', { sort: 'since' }, ['delta', 'bravo', 'charlie', 'alpha']],
  ])('%s', (_name, filters, expected) => {
    expect(names(filters)).toEqual(expected);
  });
});

describe('with 100 agents × 50 VS × 10 RS', () => {
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
        agentId: 'agent-7',
        server: {
          key: 'vs-0/rs-0',
          virtualService: 'vs-0',
          realServer: 'rs-0',
          state: 'down',
          since: at(30),
        },
      }),
    );
    const changed = after.findIndex((r, i) => r !== before[i]);
    expect(after[changed]?.agentId).toBe('agent-7');
    expect(after.filter((r, i) => r !== before[i])).toHaveLength(500);
  });
});
