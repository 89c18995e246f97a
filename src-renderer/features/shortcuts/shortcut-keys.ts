/**
 * The keyboard shortcuts: one table, read by the handler and by the list `?` shows, so the list
 * cannot drift from what the keys do. Pure: no React, no DOM.
 */
import type { ScreenId } from '../../routing/hash-route.ts';

export const GO_KEYS: readonly [key: string, screen: ScreenId, label: string][] = [
  ['d', 'dashboard', 'Dashboard'],
  ['f', 'fleet', 'Fleet'],
  ['h', 'health', 'Health'],
  ['a', 'agent', 'Agent'],
  ['c', 'certificates', 'Certificates'],
  ['t', 'templates', 'Templates'],
  ['v', 'activity', 'Activity'],
  ['s', 'settings', 'Settings'],
  ['i', 'about', 'About'],
];

export const OTHER_KEYS: readonly [keys: string, what: string][] = [
  ['?', 'Show or hide this list'],
  ['/', 'Search agents, services, servers and certificates'],
  ['Esc', 'Close this list, clear the search'],
];

export type ShortcutAction = { kind: 'go'; screen: ScreenId } | { kind: 'help' } | { kind: 'search' };

/**
 * What a key does, given the key typed before it (`g` then a letter opens a screen). Keys typed
 * into a field are the field's: the caller does not ask then.
 */
export function shortcutFor(key: string, previous: string | undefined): ShortcutAction | undefined {
  if (previous === 'g') {
    const go = GO_KEYS.find(([k]) => k === key);
    if (go) return { kind: 'go', screen: go[1] };
  }
  if (key === '?') return { kind: 'help' };
  if (key === '/') return { kind: 'search' };
  return undefined;
}
