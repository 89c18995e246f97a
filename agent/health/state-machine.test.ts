import { describe, expect, it } from 'vitest';
import { INITIAL, record } from './state-machine.ts';
import type { RiseFall, Thresholds } from './state-machine.ts';

/** Feeds a run of results ('+' pass, '-' fail) and returns the state after each one. */
function run(
  results: string,
  limits: Thresholds,
  start: RiseFall = INITIAL,
): { states: string[]; changes: boolean[] } {
  let current = start;
  const states: string[] = [];
  const changes: boolean[] = [];
  for (const r of results) {
    const { next, changed } = record(current, r === '+', limits);
    current = next;
    states.push(next.state);
    changes.push(changed);
  }
  return { states, changes };
}

describe('record', () => {
  it.each([
    // results, rise, fall, state after the last result
    ['', 2, 3, 'unknown'],
    ['+', 2, 3, 'unknown'],
    ['++', 2, 3, 'up'],
    ['-', 2, 3, 'unknown'],
    ['--', 2, 3, 'unknown'],
    ['---', 2, 3, 'down'],
    ['+', 1, 1, 'up'],
    ['-', 1, 1, 'down'],
    ['+-+', 2, 3, 'unknown'], // a failure resets the passes
    ['-+-+-', 2, 3, 'unknown'], // alternating never decides
    ['++--', 2, 3, 'up'], // up survives fewer than `fall` failures
    ['++---', 2, 3, 'down'],
    ['++--+--', 2, 3, 'up'], // a pass resets the failures
    ['++--+---', 2, 3, 'down'],
    ['---+', 2, 3, 'down'], // down survives fewer than `rise` passes
    ['---++', 2, 3, 'up'],
    ['---+-+', 2, 3, 'down'],
    ['++++++++++--', 2, 3, 'up'], // a long run of passes buys no extra tolerance
  ])('%j with rise %i, fall %i ends %s', (results, rise, fall, expected) => {
    const { states } = run(results, { rise, fall });
    expect(states.at(-1) ?? INITIAL.state).toBe(expected);
  });

  it.each([
    ['++', 2, 3, [false, true]],
    ['+++', 2, 3, [false, true, false]],
    ['---', 2, 3, [false, false, true]],
    ['++---++', 2, 3, [false, true, false, false, true, false, true]],
    ['-+', 1, 1, [true, true]],
  ])('%j with rise %i, fall %i reports changes %j', (results, rise, fall, expected) => {
    expect(run(results, { rise, fall }).changes).toEqual(expected);
  });

  it('caps the counters at the thresholds', () => {
    let current: RiseFall = INITIAL;
    for (let i = 0; i < 50; i++) current = record(current, true, { rise: 2, fall: 3 }).next;
    expect(current).toEqual({ state: 'up', passes: 2, failures: 0 });
    for (let i = 0; i < 50; i++) current = record(current, false, { rise: 2, fall: 3 }).next;
    expect(current).toEqual({ state: 'down', passes: 0, failures: 3 });
  });

  it('does not modify its input', () => {
    const start: RiseFall = { state: 'unknown', passes: 1, failures: 0 };
    record(start, true, { rise: 2, fall: 3 });
    expect(start).toEqual({ state: 'unknown', passes: 1, failures: 0 });
  });
});
