import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';

const opts: BackoffOptions = { baseMs: 100, maxMs: 5_000, factor: 2, jitter: 0.5 };
const fixed = (r: number) => () => r;

describe('backoffDelay', () => {
  it.each([
    // attempt, random, expected: ceiling = min(5000, 100·2^attempt); delay = ceiling·(1 − 0.5·r)
    [0, 0, 100],
    [0, 0.5, 75],
    [0, 0.999, 50],
    [1, 0, 200],
    [3, 0, 800],
    [3, 0.5, 600],
    [5, 0, 3_200],
    [6, 0, 5_000], // 6400 capped
    [6, 0.999, 2_502],
    [50, 0, 5_000],
    [5_000, 0.5, 3_750], // 2^5000 is Infinity: still capped
    [-3, 0, 100], // nonsense attempts count as the first
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, opts, fixed(random))).toBe(expected);
  });

  it('never exceeds the cap nor falls below cap × (1 − jitter) once capped, whatever random says', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      for (const r of [0, 0.1, 0.5, 0.9, 0.999999, 1, -1, 2]) {
        const d = backoffDelay(attempt, opts, fixed(r));
        const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** attempt);
        expect(d).toBeLessThanOrEqual(ceiling);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling * (1 - opts.jitter)));
      }
    }
  });

  it('spreads clients that retry at the same attempt (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(8, DEFAULT_BACKOFF)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
  });

  it.each([0, 0.3, 0.999])('with jitter 0 the delay is the ceiling whatever random says (%d)', (random) => {
    expect(backoffDelay(4, { ...opts, jitter: 0 }, fixed(random))).toBe(1_600);
  });
});
