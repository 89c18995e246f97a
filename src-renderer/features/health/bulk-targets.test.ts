import { describe, expect, it } from 'vitest';
import { agent, health, healthAgent, server } from '../../../test/support/renderer/fixtures.ts';
import { everywhereRows, splitByState, targetsOf, whereText } from './bulk-targets.ts';
import { flattenHealth } from './health-rows.ts';

// The back end 10.0.0.1:443 is a pool member on two agents in east (named cas1 and casA) and one in west.
const cas = (pool: string, name: string, address: string, enabled = true) => ({
  ...server(pool, name, 'up'),
  address,
  port: 443,
  enabled,
});
const rows = flattenHealth(
  health(
    healthAgent(
      { ...agent('a1', 'east'), name: 'lb1' },
      { exchange: [cas('exchange', 'cas1', '10.0.0.1'), cas('exchange', 'cas2', '10.0.0.2')] },
    ),
    healthAgent({ ...agent('a2', 'east'), name: 'lb2' }, { mail: [cas('mail', 'casA', '10.0.0.1', false)] }),
    healthAgent({ ...agent('a3', 'west'), name: 'lb3' }, { owa: [cas('owa', 'cas-1', '10.0.0.1')] }),
  ),
);
const cas1 = rows.find((r) => r.agentId === 'a1' && r.server.name === 'cas1')!;

describe('everywhereRows', () => {
  it.each([
    ['site', ['a1 exchange/cas1', 'a2 mail/casA']],
    ['fleet', ['a1 exchange/cas1', 'a2 mail/casA', 'a3 owa/cas-1']],
  ] as const)('finds the same address:port on every agent of the %s', (scope, expected) => {
    expect(everywhereRows(rows, cas1, scope).map((r) => `${r.agentId} ${r.server.key}`)).toEqual(expected);
  });

  it('names each pool member as the agent knows it', () => {
    expect(targetsOf(everywhereRows(rows, cas1, 'site'))).toEqual([
      { agentId: 'a1', pool: 'exchange', server: 'cas1' },
      { agentId: 'a2', pool: 'mail', server: 'casA' },
    ]);
  });
});

describe('whereText', () => {
  it.each([
    [[cas1], '1 real server on 1 agent (lb1) in site east'],
    [
      everywhereRows(rows, cas1, 'fleet'),
      '3 real servers on 3 agents (lb1, lb2 and lb3) in sites east and west',
    ],
  ])('says how many and where', (chosen, text) => {
    expect(whereText(chosen)).toBe(text);
  });
});

it('splitByState leaves servers already in the asked state alone', () => {
  const { change, already } = splitByState(everywhereRows(rows, cas1, 'fleet'), false);
  expect(change.map((r) => r.agentId)).toEqual(['a1', 'a3']);
  expect(already.map((r) => r.agentId)).toEqual(['a2']);
});
