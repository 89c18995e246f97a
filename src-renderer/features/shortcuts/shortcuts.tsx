/**
 * Keyboard shortcuts for the whole app, and the list of them `?` opens. Keys typed into a field,
 * or with Ctrl/Alt/Meta, are left alone (the browser's and the field's own).
 */
import { useEffect, useRef } from 'react';
import { GO_KEYS, OTHER_KEYS, shortcutFor, type ShortcutAction } from './shortcut-keys.ts';

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useShortcuts(onAction: (action: ShortcutAction) => void): void {
  const latest = useRef(onAction);
  latest.current = onAction;
  useEffect(() => {
    let previous: string | undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey || typingIn(e.target)) return;
      const action = shortcutFor(e.key, previous);
      previous = e.key;
      if (!action) return;
      e.preventDefault();
      previous = undefined;
      latest.current(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Where the keyboard was goes back there when the list closes.
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    close.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div
      className="shortcuts-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="shortcuts-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape' || e.key === '?') {
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table className="agents">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
          </tr>
        </thead>
        <tbody>
          {GO_KEYS.map(([key, , label]) => (
            <tr key={key}>
              <td>
                <kbd>g</kbd> then <kbd>{key}</kbd>
              </td>
              <td>Open {label}</td>
            </tr>
          ))}
          {OTHER_KEYS.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" ref={close} onClick={onClose}>
        Close
      </button>
    </div>
  );
}
