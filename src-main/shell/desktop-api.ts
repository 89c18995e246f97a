/**
 * Builds window.api from ipcRenderer: one named function per channel, each bound to its own
 * IPC channel, and onEvent. No function takes a channel name, so a compromised page can call
 * only what the channel map offers (Electron's context-isolation guide; compare bruno's
 * generic `invoke(channel, …)`). Imports names only, not schemas: the preload is bundled small.
 */
import type { DesktopApi } from '../../shared/ipc/api.ts';
import { EVENT_CHANNEL, type ConsoleEvent, type EventListener } from '../../shared/ipc/events.ts';
import { CHANNEL_NAMES, ipcChannelOf } from '../../shared/ipc/names.ts';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function buildDesktopApi(ipcRenderer: IpcRendererLike): DesktopApi {
  const functions = Object.fromEntries(
    CHANNEL_NAMES.map((name) => {
      const ipcChannel = ipcChannelOf(name);
      // Exactly one argument crosses: extra ones a page passes are not forwarded.
      return [name, (params?: unknown) => ipcRenderer.invoke(ipcChannel, params)];
    }),
  );
  const onEvent = (listener: EventListener): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    // The IpcRendererEvent stays here: it carries `sender`, which is ipcRenderer itself.
    const forward = (_event: unknown, payload: unknown): void => listener(payload as ConsoleEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  };
  return Object.freeze({ ...functions, onEvent }) as DesktopApi;
}
