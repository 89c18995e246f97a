import { describe, expect, it } from 'vitest';
import { attentionOf } from './acme-core.ts';

const now = new Date('2026-12-07T12:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();

describe('attentionOf', () => {
  it.each([
    ['expired yesterday', inDays(-1), 0, 'expired'],
    ['expired, renewal failing too', inDays(-1), 3, 'expired'],
    ['a failing renewal, 40 days left', inDays(40), 1, 'renewal-failing'],
    ['6 days left', inDays(6), 0, 'expires-7d'],
    ['exactly 7 days left', inDays(7), 0, 'expires-7d'],
    ['20 days left', inDays(20), 0, 'expires-30d'],
    ['60 days left', inDays(60), 0, 'ok'],
  ] as const)('%s → %s', (_what, notAfter, failures, expected) => {
    expect(attentionOf(notAfter, failures, now)).toBe(expected);
  });
});
