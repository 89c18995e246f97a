import { describe, expect, it } from 'vitest';
import { AuthThrottle, parseBearer, tokenIdOf, tokenMatches } from './auth.ts';

describe('parseBearer', () => {
  it.each([
    [undefined, { ok: false, reason: 'missing' }],
    ['', { ok: false, reason: 'missing' }],
    ['Bearer abc', { ok: true, token: 'abc' }],
    ['bearer abc', { ok: true, token: 'abc' }],
    ['BEARER   abc  ', { ok: true, token: 'abc' }],
    ['Basic abc', { ok: false, reason: 'scheme' }],
    ['Bearer', { ok: false, reason: 'scheme' }],
    ['Bearer a b', { ok: false, reason: 'scheme' }],
    ['abc', { ok: false, reason: 'scheme' }],
  ])('%j → %j', (header, expected) => {
    expect(parseBearer(header)).toEqual(expected);
  });
});

describe('tokenMatches', () => {
  it('matches only the same token, whatever the lengths', () => {
    expect(tokenMatches('secret-token', 'secret-token')).toBe(true);
    expect(tokenMatches('secret-token', 'secret-tokeN')).toBe(false);
    expect(tokenMatches('secret', 'secret-token')).toBe(false);
    expect(tokenMatches('x'.repeat(10_000), 'secret-token')).toBe(false);
  });

  it('never matches an empty token', () => {
    expect(tokenMatches('', '')).toBe(false);
  });

  it('names tokens by 8 hex digits', () => {
    expect(tokenIdOf('secret-token')).toMatch(/^[0-9a-f]{8}$/);
    expect(tokenIdOf('secret-token')).not.toBe(tokenIdOf('secret-tokeN'));
  });
});

describe('AuthThrottle', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('lets the first failures through, then doubles the delay up to the cap', () => {
    const c = clock();
    const throttle = new AuthThrottle({
      now: c.now,
      freeFailures: 2,
      baseDelayMs: 100,
      maxDelayMs: 500,
      blockAfter: 100,
    });
    const delays = Array.from({ length: 7 }, () => throttle.failure('10.0.0.1').delayMs);
    expect(delays).toEqual([0, 0, 100, 200, 400, 500, 500]);
    expect(throttle.failure('10.0.0.2').delayMs).toBe(0);
  });

  it('blocks an address after N failures in the window, until the window has passed', () => {
    const c = clock();
    const throttle = new AuthThrottle({ now: c.now, blockAfter: 3, windowMs: 60_000 });
    for (let i = 0; i < 2; i++) throttle.failure('a');
    expect(throttle.check('a')).toEqual({ blocked: false });
    expect(throttle.failure('a').blocked).toBe(true);
    expect(throttle.check('a')).toEqual({ blocked: true, retryAfterMs: 60_000 });
    expect(throttle.check('b')).toEqual({ blocked: false });
    c.advance(60_001);
    expect(throttle.check('a')).toEqual({ blocked: false });
    expect(throttle.failure('a').failures).toBe(1);
  });

  it('forgets failures older than the window and after a success', () => {
    const c = clock();
    const throttle = new AuthThrottle({ now: c.now, windowMs: 1_000 });
    throttle.failure('a');
    throttle.failure('a');
    c.advance(1_001);
    expect(throttle.failure('a').failures).toBe(1);
    throttle.success('a');
    expect(throttle.failure('a').failures).toBe(1);
  });

  it('remembers a bounded number of addresses', () => {
    const throttle = new AuthThrottle({ maxTracked: 100 });
    for (let i = 0; i < 1_000; i++) throttle.failure(`10.0.${i >> 8}.${i & 255}`);
    expect(throttle.tracked).toBe(100);
  });
});
