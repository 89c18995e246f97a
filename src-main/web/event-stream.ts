/**
 * The event channel as Server-Sent Events: one `data:` line of JSON per ConsoleEvent, a comment
 * every few seconds so a dead peer is noticed and idle proxies keep the stream open. A client
 * that stops reading is cut off once its backlog passes a limit rather than buffered without
 * end; it reconnects and refetches (the web client sends itself a `resync`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventListener } from '../../shared/ipc/events.ts';

export interface EventStreamOptions {
  subscribe(listener: EventListener): () => void;
  heartbeatMs: number;
  /** Bytes queued for one slow client before it is disconnected. */
  maxBacklogBytes: number;
}

/** Serves one stream until the client goes; returns the function that ends it early (shutdown). */
export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  options: EventStreamOptions,
): () => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.write(': connected\n\n');
  const write = (text: string): void => {
    if (res.writableLength > options.maxBacklogBytes) {
      end();
      return;
    }
    res.write(text);
  };
  const unsubscribe = options.subscribe((event) => write(`data: ${JSON.stringify(event)}\n\n`));
  const heartbeat = setInterval(() => write(': ping\n\n'), options.heartbeatMs);
  heartbeat.unref();
  let ended = false;
  function end(): void {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
    req.socket.destroy();
  }
  req.on('close', end);
  res.on('error', end);
  return end;
}
