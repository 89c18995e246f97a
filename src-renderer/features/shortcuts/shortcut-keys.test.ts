import { describe, expect, it } from 'vitest';
import { GO_KEYS, shortcutFor } from './shortcut-keys.ts';

describe('shortcutFor', () => {
  it.each([
    ['h', 'g', { kind: 'go', screen: 'health' }],
    ['v', 'g', { kind: 'go', screen: 'activity' }],
    ['h', undefined, undefined],
    ['h', 'x', undefined],
    ['?', undefined, { kind: 'help' }],
    ['/', 'g', { kind: 'search' }],
    ['x', 'g', undefined],
  ] as const)('%s after %s', (key, previous, action) => {
    expect(shortcutFor(key, previous)).toEqual(action);
  });

  it('gives each screen its own letter', () => {
    expect(new Set(GO_KEYS.map(([key]) => key)).size).toBe(GO_KEYS.length);
    expect(new Set(GO_KEYS.map(([, screen]) => screen)).size).toBe(GO_KEYS.length);
  });
});
