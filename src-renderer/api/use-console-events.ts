/**
 * Subscribes the query cache to the pushed events for as long as the app is mounted. Events
 * are applied in order, a frame's worth at a time, with one notification of the screens per
 * frame (notifyManager.batch).
 */
import { notifyManager, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DesktopApi } from '../../shared/ipc/api.ts';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { applyEvent } from './apply-event.ts';
import { frameBatch } from './frame-batch.ts';

export function useConsoleEvents(api: DesktopApi): void {
  const client = useQueryClient();
  useEffect(() => {
    const batch = frameBatch<ConsoleEvent>((events) =>
      notifyManager.batch(() => {
        for (const event of events) applyEvent(client, event);
      }),
    );
    const unsubscribe = api.onEvent(batch.push);
    return () => {
      unsubscribe();
      batch.flush();
    };
  }, [api, client]);
}
