/**
 * DesktopApi: what the renderer sees as `window.api` in Electron and gets from
 * createWebClient() in a browser. One named function per channel, derived from the channel
 * map, plus the event subscription. Types only.
 */
import type { ParamsInput, ResultOf } from './channels.ts';
import type { Reply } from './errors.ts';
import type { EventListener } from './events.ts';
import type { ChannelName } from './names.ts';

/** Channels without required params can be called with none: `api.listAgents()`. */
export type ApiFunction<C extends ChannelName> =
  undefined extends ParamsInput<C>
    ? (params?: ParamsInput<C>) => Promise<Reply<ResultOf<C>>>
    : (params: ParamsInput<C>) => Promise<Reply<ResultOf<C>>>;

export type ChannelFunctions = { readonly [C in ChannelName]: ApiFunction<C> };

export interface EventSubscription {
  /** Pushed fleet, health, config and progress events; returns the function that unsubscribes. */
  onEvent(listener: EventListener): () => void;
}

export type DesktopApi = ChannelFunctions & EventSubscription;
