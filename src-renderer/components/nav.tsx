/**
 * The screen list. Tab reaches it once; arrow keys, Home and End move between screens (the
 * roving-tabindex pattern), Enter or Space opens one, like any button.
 */
import { type KeyboardEvent, useRef } from 'react';

export interface Screen {
  id: string;
  label: string;
}

interface Props {
  screens: Screen[];
  current: string;
  onSelect: (id: string) => void;
}

export function Nav({ screens, current, onSelect }: Props) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const last = screens.length - 1;
    const target =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? index === last
          ? 0
          : index + 1
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? index === 0
            ? last
            : index - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : undefined;
    if (target === undefined) return;
    e.preventDefault();
    buttons.current[target]?.focus();
  };

  return (
    <nav aria-label="Screens">
      <ul className="nav">
        {screens.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              ref={(el) => {
                buttons.current[i] = el;
              }}
              tabIndex={s.id === current ? 0 : -1}
              aria-current={s.id === current ? 'page' : undefined}
              onClick={() => onSelect(s.id)}
              onKeyDown={(e) => onKeyDown(e, i)}
            >
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
