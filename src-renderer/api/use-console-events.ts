/**
 * Subscribes the query cache to the pushed events for as long as the app is mounted. Events are
 * collected and applied once per animation frame (every quarter second while the page is hidden,
 * when frames stop), so a burst costs one render, not one per event. The dashboard and the alert
 * list are refetched at most once a second however many events said they changed.
 */
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DesktopApi } from '../../shared/ipc/api.ts';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { applyEvents } from './apply-event.ts';
import { queryKeys } from './query-keys.ts';

/** Least time between two refetches of the dashboard or the alert list caused by events. */
export const REFETCH_THROTTLE_MS = 1_000;

export function useConsoleEvents(api: DesktopApi): void {
  const client = useQueryClient();
  useEffect(() => {
    const wiring = wireEvents(client);
    const off = api.onEvent(wiring.push);
    return () => {
      off();
      wiring.stop();
    };
  }, [api, client]);
}

export function wireEvents(client: QueryClient): { push(event: ConsoleEvent): void; stop(): void } {
  let queue: ConsoleEvent[] = [];
  let scheduled: (() => void) | undefined;
  const refetch = {
    dashboard: throttled(() => void client.invalidateQueries({ queryKey: queryKeys.dashboard })),
    alerts: throttled(() => void client.invalidateQueries({ queryKey: queryKeys.alerts })),
  };
  const flush = () => {
    scheduled = undefined;
    const events = queue;
    queue = [];
    const effects = applyEvents(client, events);
    if (effects.dashboard) refetch.dashboard.run();
    if (effects.alerts) refetch.alerts.run();
  };
  return {
    push(event) {
      queue.push(event);
      scheduled ??= nextFrame(flush);
    },
    stop() {
      scheduled?.();
      refetch.dashboard.stop();
      refetch.alerts.stop();
      queue = [];
    },
  };
}

/** Runs `fn` on the next frame (or soon, when the page is hidden); returns the cancel. */
function nextFrame(fn: () => void): () => void {
  const doc = (globalThis as { document?: { hidden?: boolean } }).document;
  if (typeof requestAnimationFrame === 'function' && !doc?.hidden) {
    const id = requestAnimationFrame(fn);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(fn, 250);
  return () => clearTimeout(id);
}

/** The first call runs at once, later ones at most once per REFETCH_THROTTLE_MS (the last one is kept). */
function throttled(fn: () => void): { run(): void; stop(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    run() {
      if (timer) return;
      const wait = last + REFETCH_THROTTLE_MS - Date.now();
      if (wait <= 0) {
        last = Date.now();
        fn();
        return;
      }
      timer = setTimeout(() => {
        timer = undefined;
        last = Date.now();
        fn();
      }, wait);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
