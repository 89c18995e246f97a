/**
 * Denser rows: tables, cards and lists with less padding, for an admin who wants a whole site on
 * one screen. Remembered on this machine (localStorage), applied as a class on the app.
 */
import { useCallback, useState } from 'react';
import './display.css';

const KEY = 'portico.density';

function stored(): boolean {
  try {
    return window.localStorage.getItem(KEY) === 'compact';
  } catch {
    return false;
  }
}

export function useDensity(): { compact: boolean; toggle: () => void } {
  const [compact, setCompact] = useState(stored);
  const toggle = useCallback(() => {
    setCompact((c) => {
      try {
        window.localStorage.setItem(KEY, c ? 'comfortable' : 'compact');
      } catch {
        // Storage refused (private mode): the choice lasts for this window only.
      }
      return !c;
    });
  }, []);
  return { compact, toggle };
}

export function DensityToggle({ compact, onToggle }: { compact: boolean; onToggle: () => void }) {
  return (
    <button type="button" aria-pressed={compact} onClick={onToggle}>
      Dense rows
    </button>
  );
}
