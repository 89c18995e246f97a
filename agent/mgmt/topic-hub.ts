/**
 * Sessions subscribed to each topic. The hub holds one feed subscription per topic (not one
 * per session) and serialises each event once, however many sessions receive it.
 */
import { EVENT_METHOD, JSONRPC_VERSION } from '../../shared/protocol/envelopes.ts';
import type { Topic } from '../../shared/protocol/events.ts';
import type { Management } from './management.ts';

export interface EventSink {
  sendEvent(frame: string): void;
}

export class TopicHub {
  private readonly feeds: Pick<Management, 'subscribe'>;
  private readonly topics = new Map<Topic, { sinks: Set<EventSink>; unsubscribe: () => void }>();

  constructor(feeds: Pick<Management, 'subscribe'>) {
    this.feeds = feeds;
  }

  add(topic: Topic, sink: EventSink): void {
    let entry = this.topics.get(topic);
    if (!entry) {
      const sinks = new Set<EventSink>();
      const unsubscribe = this.feeds.subscribe(topic, (data) => {
        const frame = JSON.stringify({
          jsonrpc: JSONRPC_VERSION,
          method: EVENT_METHOD,
          params: { topic, data },
        });
        for (const sink of [...sinks]) sink.sendEvent(frame);
      });
      entry = { sinks, unsubscribe };
      this.topics.set(topic, entry);
    }
    entry.sinks.add(sink);
  }

  remove(topic: Topic, sink: EventSink): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    entry.sinks.delete(sink);
    if (entry.sinks.size === 0) {
      // Nobody listens: the core can stop producing (the stats ticker stops).
      entry.unsubscribe();
      this.topics.delete(topic);
    }
  }

  subscribers(topic: Topic): number {
    return this.topics.get(topic)?.sinks.size ?? 0;
  }
}
