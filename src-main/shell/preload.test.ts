import { pino } from 'pino';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as electron from '../../test/mocks/electron.ts';
import type { DesktopApi } from '../../shared/ipc/api.ts';
import { EVENT_CHANNEL, type ConsoleEvent } from '../../shared/ipc/events.ts';
import { CHANNEL_NAMES } from '../../shared/ipc/names.ts';
import { handleAll } from '../ipc/handle.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { createSenderRegistry } from '../ipc/senders.ts';
import { createMemoryCore } from '../../test/support/memory-core.ts';

vi.mock('electron', () => import('../../test/mocks/electron.ts'));

const { contextBridge, ipcMain, ipcRenderer } = electron;
let exposed: Record<string, unknown>;
let api: DesktopApi;

beforeAll(async () => {
  electron.resetElectronMock();
  await import('./preload.ts');
  exposed = { ...contextBridge.exposed };
  api = exposed.api as DesktopApi;
});

beforeEach(() => {
  ipcMain.reset();
  ipcRenderer.invoke.mockClear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.contents = undefined;
});

describe('preload', () => {
  it('exposes window.api and nothing else', () => {
    expect(Object.keys(exposed)).toEqual(['api']);
  });

  it('has exactly one function per channel, plus onEvent', () => {
    expect(Object.keys(api).sort()).toEqual([...CHANNEL_NAMES, 'onEvent'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('offers nothing generic: no invoke, send or on that take a channel name', () => {
    for (const generic of ['invoke', 'send', 'sendSync', 'on', 'once', 'ipcRenderer', 'removeListener']) {
      expect(api).not.toHaveProperty(generic);
    }
  });

  it('is frozen: a page cannot swap a function for another', () => {
    expect(Object.isFrozen(api)).toBe(true);
  });

  it.each(CHANNEL_NAMES)('%s invokes its own channel with one argument', async (name) => {
    ipcMain.handle(`portico:${name}`, async () => ({ result: name }));
    const call = api[name] as (...args: unknown[]) => Promise<unknown>;
    await expect(call({ a: 1 }, 'smuggled', 'args')).resolves.toEqual({ result: name });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(`portico:${name}`, { a: 1 });
  });

  it('reaches a handler end to end from a registered window', async () => {
    const core = createMemoryCore();
    const senders = createSenderRegistry((url) => url === 'file:///app/index.html');
    handleAll(ipcMain, createHandlers(core), {
      isKnownSender: senders.isKnownSender,
      log: pino({ level: 'silent' }),
    });
    const window = new electron.BrowserWindow();
    await window.loadURL('file:///app/index.html');
    senders.add(window.webContents);
    ipcRenderer.contents = window.webContents;
    const paired = await api.pairAgent({ address: 'lb1', port: 9443, token: 'x'.repeat(40) });
    expect(paired).toMatchObject({
      result: { agent: { address: 'lb1', port: 9443, state: { kind: 'online' } } },
    });
    await expect(api.listAgents()).resolves.toMatchObject({ result: { sites: [{ site: 'lab' }] } });
  });

  it('onEvent passes the event and not the IPC event object; unsubscribe stops it', () => {
    const seen: unknown[][] = [];
    const unsubscribe = api.onEvent((...args: unknown[]) => seen.push(args));
    const event: ConsoleEvent = { type: 'config', agentId: 'a1', revision: 5 };
    ipcRenderer.deliver(EVENT_CHANNEL, event);
    unsubscribe();
    ipcRenderer.deliver(EVENT_CHANNEL, event);
    expect(seen).toEqual([[event]]);
    expect(ipcRenderer.listenerCount(EVENT_CHANNEL)).toBe(0);
  });

  it('onEvent refuses a non-function', () => {
    expect(() => api.onEvent('x' as never)).toThrow(TypeError);
  });
});
