/**
 * Pushes the core's events to every registered window on the one event channel. A window that
 * is gone is skipped; one that throws does not keep the others from their events.
 */
import type { Logger } from 'pino';
import { EVENT_CHANNEL, type EventListener } from '../../shared/ipc/events.ts';
import type { WindowContentsLike } from './senders.ts';

export function forwardEvents(
  subscribe: (listener: EventListener) => () => void,
  targets: () => WindowContentsLike[],
  log: Logger,
): () => void {
  return subscribe((event) => {
    for (const contents of targets()) {
      try {
        if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
      } catch (err) {
        log.warn({ err, type: event.type }, 'console IPC: an event could not be sent to a window');
      }
    }
  });
}
