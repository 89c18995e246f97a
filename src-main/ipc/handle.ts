/**
 * The one way a channel is served over Electron IPC: check the sender, then dispatch (validate,
 * run, `{result}|{error}`). `ipcMain` comes in as an argument, so this runs and is tested
 * without Electron.
 */
import type { Logger } from 'pino';
import { IPC_ERROR_CODES, type Reply } from '../../shared/ipc/errors.ts';
import { CHANNEL_NAMES, ipcChannelOf, type ChannelName } from '../../shared/ipc/names.ts';
import { runChannel } from './dispatch.ts';
import type { Handler, Handlers } from './handlers.ts';
import type { InvokeEventLike } from './senders.ts';

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface HandleOptions {
  isKnownSender(event: InvokeEventLike): boolean;
  log: Logger;
}

const FORBIDDEN: Reply<never> = {
  error: { code: IPC_ERROR_CODES.FORBIDDEN, message: 'this frame may not use the Console API' },
};

/** Serves one channel; returns the function that stops serving it. */
export function handle<C extends ChannelName>(
  ipcMain: IpcMainLike,
  channel: C,
  handler: Handler<C>,
  options: HandleOptions,
): () => void {
  const name = ipcChannelOf(channel);
  ipcMain.handle(name, async (event, ...args) => {
    if (!options.isKnownSender(event)) {
      // The handler never runs: the sender learns nothing but that it is refused.
      options.log.warn(
        { channel, senderId: event.sender.id, url: safeUrl(event) },
        'console IPC: message from an unknown sender dropped',
      );
      return FORBIDDEN;
    }
    // The preload sends exactly one argument; anything else did not come from it.
    if (args.length > 1) {
      return { error: { code: IPC_ERROR_CODES.INVALID_PARAMS, message: 'one params object expected' } };
    }
    return runChannel(channel, handler, args[0], options.log);
  });
  return () => ipcMain.removeHandler(name);
}

/** Serves every channel of the map; returns the function that stops serving them all. */
export function handleAll(ipcMain: IpcMainLike, handlers: Handlers, options: HandleOptions): () => void {
  const stops = CHANNEL_NAMES.map((channel) =>
    handle(ipcMain, channel, handlers[channel] as Handler<typeof channel>, options),
  );
  return () => stops.forEach((stop) => stop());
}

function safeUrl(event: InvokeEventLike): string | undefined {
  try {
    return event.senderFrame?.url.slice(0, 200);
  } catch {
    return undefined;
  }
}
