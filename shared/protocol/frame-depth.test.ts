import { describe, expect, it } from 'vitest';
import { exceedsDepth } from './frame-depth.ts';

describe('exceedsDepth', () => {
  it.each([
    ['{}', 1, false],
    ['[[]]', 1, true],
    ['[[]]', 2, false],
    ['"[[[["', 1, false],
    ['["\\"[[["]', 1, false],
    ['["\\\\",[[]]]', 2, true],
  ])('%s with max %i → %s', (text, max, expected) => {
    expect(exceedsDepth(text, max)).toBe(expected);
  });
});
