import { describe, expect, it } from 'vitest';
import { ago } from './time.ts';

describe('ago', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  it.each([
    ['2025-01-01T11:59:50Z', '10 s ago'],
    ['2025-01-01T11:48:00Z', '12 min ago'],
    ['2025-01-01T09:00:00Z', '3 h ago'],
    ['2024-12-30T12:00:00Z', '2 d ago'],
    ['2025-01-01T12:00:05Z', '0 s ago'],
    ['not a date', 'at an unknown time'],
  ])('%s → %s', (iso, text) => {
    expect(ago(iso, now)).toBe(text);
  });
});
