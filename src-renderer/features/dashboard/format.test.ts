import { describe, expect, it } from 'vitest';
import { compact, lastOf, maxOf, milliseconds, percent } from './format.ts';

describe('dashboard figures', () => {
  it.each([
    [0, '0'],
    [0.44, '0.4'],
    [7, '7'],
    [12.6, '13'],
    [1_234, '1.2k'],
    [35_400, '35k'],
    [1_250_000, '1.3M'],
  ])('compact(%s) = %s', (n, text) => expect(compact(n)).toBe(text));

  it.each([
    [0, '0 ms'],
    [0.84, '0.8 ms'],
    [12.4, '12 ms'],
    [1_234, '1.2 s'],
    [30_000, '30 s'],
  ])('milliseconds(%s) = %s', (n, text) => expect(milliseconds(n)).toBe(text));

  it.each([
    [0.25, '0.3 %'],
    [12.4, '12 %'],
  ])('percent(%s) = %s', (n, text) => expect(percent(n)).toBe(text));

  it('reads columns with gaps', () => {
    expect(maxOf([null, 3, 9, null, 4])).toBe(9);
    expect(lastOf([1, 2, null])).toBe(2);
    expect(maxOf([null])).toBeUndefined();
    expect(lastOf([])).toBeUndefined();
  });
});
