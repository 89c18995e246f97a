/**
 * Denser rows: tables, cards and lists with less padding, for an admin who wants a whole site on
 * one screen. Remembered on this machine (localStorage), applied as a class on the app.
 */
import { useSyncExternalStore } from 'react';
import './display.css';

const KEY = 'portico.density';

function stored(): boolean {
  try {
    return window.localStorage.getItem(KEY) === 'compact';
  } catch {
    return false;
  }
}

/*
 * One choice for the window, held here rather than in the app's state: a list whose row height
 * is a number, not a style (the Health screen's virtual list), reads it where it is without
 * the choice being passed down through every screen.
 */
let compactNow: boolean | undefined;
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const snapshot = () => (compactNow ??= stored());

function toggle(): void {
  const next = !snapshot();
  try {
    window.localStorage.setItem(KEY, next ? 'compact' : 'comfortable');
  } catch {
    // Storage refused (private mode): the choice lasts for this window only.
  }
  compactNow = next;
  for (const listener of [...listeners]) listener();
}

export function useDensity(): { compact: boolean; toggle: () => void } {
  return { compact: useSyncExternalStore(subscribe, snapshot), toggle };
}

export function DensityToggle({ compact, onToggle }: { compact: boolean; onToggle: () => void }) {
  return (
    <button type="button" aria-pressed={compact} onClick={onToggle}>
      Dense rows
    </button>
  );
}
