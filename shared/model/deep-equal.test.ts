import { describe, expect, it } from 'vitest';
import { deepEqual } from './deep-equal.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('deepEqual', () => {
  it.each<[unknown, unknown, boolean]>([
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } }, true],
    [[1, 2], [1, 2], true],
    [[1, 2], [2, 1], false],
    [[1], { 0: 1 }, false],
    [bytes('x'), bytes('x'), true],
    [bytes('x'), bytes('y'), false],
    [bytes('x'), 'x', false],
    [['pem', bytes('der')], ['pem', bytes('der')], true],
    [null, {}, false],
    [undefined, null, false],
    ['1', 1, false],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
    expect(deepEqual(b, a)).toBe(expected);
  });
});
