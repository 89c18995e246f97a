/** Subscribes the query cache to the pushed events for as long as the app is mounted. */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DesktopApi } from '../../shared/ipc/api.ts';
import { applyEvent } from './apply-event.ts';

export function useConsoleEvents(api: DesktopApi): void {
  const client = useQueryClient();
  useEffect(() => api.onEvent((event) => applyEvent(client, event)), [api, client]);
}
