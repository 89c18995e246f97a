/**
 * An in-memory DesktopApi for component tests: the transport boundary is the one thing
 * replaced; react-query, the reducers and the components run as they do in the app.
 * Each channel answers from `handlers` (a value or a function of the params); unhandled
 * channels answer NOT_FOUND, so a test notices a call it did not expect.
 */
import type { DesktopApi } from '../../../shared/ipc/api.ts';
import type { ParamsInput, ResultOf } from '../../../shared/ipc/channels.ts';
import type { IpcError, Reply } from '../../../shared/ipc/errors.ts';
import type { ConsoleEvent, EventListener } from '../../../shared/ipc/events.ts';
import { CHANNEL_NAMES, type ChannelName } from '../../../shared/ipc/names.ts';

type Handler<C extends ChannelName> =
  Reply<ResultOf<C>> | ((params: ParamsInput<C>) => Reply<ResultOf<C>> | Promise<Reply<ResultOf<C>>>);

export type Handlers = { [C in ChannelName]?: Handler<C> };

export interface TestApi {
  api: DesktopApi;
  /** Every call in order, with its params. */
  calls: { channel: ChannelName; params: unknown }[];
  /** Push an event to every subscriber, as the main process would. */
  emit(event: ConsoleEvent): void;
  /** Replace one channel's answer mid-test. */
  handle<C extends ChannelName>(channel: C, handler: Handler<C>): void;
}

export const ok = <T>(result: T): Reply<T> => ({ result });
export const fail = (code: IpcError['code'], message: string, details?: unknown): Reply<never> => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** A reply that never comes: the loading state stays on screen. */
export const pending = <T>(): Promise<Reply<T>> => new Promise(() => {});

export function createTestApi(initial: Handlers = {}): TestApi {
  const handlers: Record<string, unknown> = { ...initial };
  const listeners = new Set<EventListener>();
  const calls: TestApi['calls'] = [];

  const functions = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [
      channel,
      async (params: unknown) => {
        calls.push({ channel, params });
        const handler = handlers[channel];
        if (handler === undefined) return fail('NOT_FOUND', `no test handler for ${channel}`);
        return typeof handler === 'function' ? handler(params) : handler;
      },
    ]),
  );
  const api = {
    ...functions,
    onEvent(listener: EventListener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  } as DesktopApi;

  return {
    api,
    calls,
    emit: (event) => listeners.forEach((listener) => listener(event)),
    handle: (channel, handler) => void (handlers[channel] = handler),
  };
}
