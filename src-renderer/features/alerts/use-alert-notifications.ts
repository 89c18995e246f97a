/**
 * Browser mode's desktop notifications: the browser's Notification API, once the admin allowed
 * it (Settings), while the Console's tab or window is not focused. In the Electron app the main
 * process notifies instead (it knows whether its window is focused even while the renderer is
 * throttled in the background), and the renderer's permission is refused there, so the two
 * never both speak.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { createAlertNotifier } from '../../../shared/ipc/alert-notify.ts';
import type { DesktopApi } from '../../../shared/ipc/api.ts';
import { settingsQueries } from '../../api/queries.ts';

/** The browser's Notification, where there is one. */
export function browserNotifications(): typeof Notification | undefined {
  return typeof Notification === 'function' ? Notification : undefined;
}

export function useAlertNotifications(api: DesktopApi): void {
  const settings = useQuery(settingsQueries.get(api));
  const enabled = useRef(true);
  enabled.current = settings.data?.alerts.notifications ?? true;
  useEffect(() => {
    const N = browserNotifications();
    if (!N) return;
    const notifier = createAlertNotifier({
      focused: () => document.hasFocus(),
      enabled: () => enabled.current && N.permission === 'granted',
      show: ({ title, body }) => {
        // One tag: a newer notification replaces the older one instead of stacking.
        new N(title, { body, tag: 'portico-alerts' });
      },
    });
    const off = api.onEvent((event) => {
      if (event.type === 'alerts') notifier.offer(event.raised, event.more);
    });
    return () => {
      off();
      notifier.stop();
    };
  }, [api]);
}
