import { describe, expect, it } from 'vitest';
import { daysLeft, expiryLevel, expiryText, formatDate, notYetValid } from './expiry.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const inDays = (d: number) => new Date(NOW + d * 86_400_000).toISOString();

describe('expiry', () => {
  it.each([
    [inDays(90), 'ok', '90 days left', 90],
    [inDays(30), 'ok', '30 days left', 30],
    [inDays(29.5), 'soon', '29 days left', 29],
    [inDays(1), 'soon', '1 day left', 1],
    [inDays(0.5), 'soon', 'expires today', 0],
    [inDays(-0.5), 'expired', 'expired today', -1],
    [inDays(-3), 'expired', 'expired 3 days ago', -3],
  ])('%s is %s (%s)', (notAfter, level, text, days) => {
    expect(expiryLevel(notAfter, NOW)).toBe(level);
    expect(expiryText(notAfter, NOW)).toBe(text);
    expect(daysLeft(notAfter, NOW)).toBe(days);
  });

  it('treats an unreadable date as expired, and says it is unknown', () => {
    expect(expiryLevel('garbage', NOW)).toBe('expired');
    expect(expiryText('garbage', NOW)).toBe('unknown expiry');
  });

  it('formats dates as UTC calendar dates', () => {
    expect(formatDate('2025-03-01T23:30:00-02:00')).toBe('2025-03-02');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('knows a certificate that is not valid yet', () => {
    expect(notYetValid(inDays(2), NOW)).toBe(true);
    expect(notYetValid(inDays(-2), NOW)).toBe(false);
  });
});
