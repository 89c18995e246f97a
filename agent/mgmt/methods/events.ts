/**
 * `events.subscribe` / `events.unsubscribe`, and the feeds behind the topics: health changes
 * from the engine, config changes from the store, HA state changes (agent/ha), certificate
 * steps (agent/acme), and stats ticks — read off the engine only
 * while someone is subscribed.
 */
import type { EventData, Topic } from '../../../shared/protocol/events.ts';
import type { StatsSnapshot } from '../../../shared/protocol/stats.ts';
import { Broadcast } from '../broadcast.ts';
import type { Handlers } from '../handlers.ts';
import { RpcError } from '../rpc-error.ts';
import type { MethodContext } from './context.ts';

export function eventMethods(): Pick<Handlers, 'events.subscribe' | 'events.unsubscribe'> {
  return {
    'events.subscribe': (p, call) => ({ topics: call.events.subscribe(p.topics) }),
    'events.unsubscribe': (p, call) => ({ topics: call.events.unsubscribe(p.topics) }),
  };
}

export interface Feeds {
  /** Starts a feed of one topic; stats ticks run only while someone listens. */
  subscribe<T extends Topic>(topic: T, listener: (data: EventData<T>) => void): () => void;
  close(): void;
}

export function createFeeds(ctx: MethodContext, statsIntervalMs: number): Feeds {
  const { engine, configStore, log } = ctx;
  const onListenerError = (err: unknown) => log.error({ err }, 'event listener failed');

  const health = new Broadcast<EventData<'health'>>(onListenerError);
  const leaveEngine = ctx.healthFeed(health.publish);
  const config = new Broadcast<EventData<'config'>>(onListenerError);
  const leaveStore = configStore.onChange(({ revision, actor }) => config.publish({ revision, actor }));

  const ha = new Broadcast<EventData<'ha'>>(onListenerError);
  const leaveHa = ctx.ha?.onTransition(ha.publish);

  const cert = new Broadcast<EventData<'cert'>>(onListenerError);
  const leaveAcme = ctx.acme?.onEvent(cert.publish);

  const stats = new Broadcast<StatsSnapshot>(onListenerError);
  let ticker: NodeJS.Timeout | undefined;
  const subscribeStats = (listener: (s: StatsSnapshot) => void): (() => void) => {
    const leave = stats.subscribe(listener);
    // Reading every counter costs little, but nothing at all when nobody is looking.
    ticker ??= setInterval(() => stats.publish(engine.status()), statsIntervalMs);
    return () => {
      leave();
      if (stats.size === 0 && ticker) {
        clearInterval(ticker);
        ticker = undefined;
      }
    };
  };

  return {
    subscribe<T extends Topic>(topic: T, listener: (data: EventData<T>) => void): () => void {
      switch (topic) {
        case 'health':
          return health.subscribe(listener as (data: EventData<'health'>) => void);
        case 'config':
          return config.subscribe(listener as (data: EventData<'config'>) => void);
        case 'stats':
          return subscribeStats(listener as (data: EventData<'stats'>) => void);
        case 'ha':
          return ha.subscribe(listener as (data: EventData<'ha'>) => void);
        case 'cert':
          return cert.subscribe(listener as (data: EventData<'cert'>) => void);
        default:
          throw new RpcError('INVALID_PARAMS', `no topic "${String(topic)}"`);
      }
    },
    close() {
      leaveEngine();
      leaveStore();
      leaveHa?.();
      leaveAcme?.();
      if (ticker) clearInterval(ticker);
      ticker = undefined;
    },
  };
}
