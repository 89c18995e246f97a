import { describe, expect, it } from 'vitest';
import { toggled } from './toggled.ts';

describe('toggled', () => {
  it.each([
    { set: [], key: 'a', on: true, want: ['a'] },
    { set: ['a'], key: 'a', on: true, want: ['a'] },
    { set: ['a', 'b'], key: 'a', on: false, want: ['b'] },
    { set: ['b'], key: 'a', on: false, want: ['b'] },
  ])('$set with $key ticked=$on is $want', ({ set, key, on, want }) => {
    expect([...toggled(new Set(set), key, on)].sort()).toEqual(want);
  });

  it('leaves the set it was given as it was', () => {
    const held = new Set(['a']);
    const next = toggled(held, 'b', true);
    expect(next).not.toBe(held);
    expect([...held]).toEqual(['a']);
  });
});
