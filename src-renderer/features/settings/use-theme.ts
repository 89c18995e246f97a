/**
 * The admin's theme on the page: `data-theme="light"` or `"dark"` on the root element forces
 * one (styles.css honours it over prefers-color-scheme); System removes the attribute, so the
 * media query decides as it always did. Applied as soon as the settings answer and again
 * whenever they change (the Settings screen writes the saved view into the same query).
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DesktopApi } from '../../../shared/ipc/api.ts';
import type { Theme } from '../../../shared/ipc/settings.ts';
import { settingsQueries } from '../../api/queries.ts';

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

export function useTheme(api: DesktopApi): void {
  const theme = useQuery(settingsQueries.get(api)).data?.theme;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);
}
