import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, ipcMain, MockWebContents, resetElectronMock } from '../../test/mocks/electron.ts';
import { CHANNEL_NAMES } from '../../shared/ipc/names.ts';
import { handle, handleAll } from './handle.ts';
import { createHandlers } from './handlers.ts';
import { createSenderRegistry } from './senders.ts';
import { createMemoryCore } from '../../test/support/memory-core.ts';

const APP = 'file:///opt/portico/renderer/index.html';
const silent = pino({ level: 'silent' });

function setup() {
  const core = createMemoryCore();
  const senders = createSenderRegistry((url) => url.split('#')[0] === APP);
  const stop = handleAll(ipcMain, createHandlers(core), {
    isKnownSender: senders.isKnownSender,
    log: silent,
  });
  const window = new BrowserWindow();
  void window.loadURL(`${APP}#/fleet`);
  senders.add(window.webContents);
  return { core, senders, stop, window };
}

beforeEach(() => resetElectronMock());

describe('handleAll', () => {
  it('registers exactly one IPC handler per channel', () => {
    setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(CHANNEL_NAMES.map((n) => `portico:${n}`).sort());
  });

  it('answers a known window with {result}', async () => {
    const { window } = setup();
    const wc = window.webContents;
    const reply = await ipcMain.invokeFrom(wc, wc.mainFrame, 'portico:removeAgent', { agentId: 'nope' });
    expect(reply).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await ipcMain.invokeFrom(wc, wc.mainFrame, 'portico:listAgents')).toEqual({
      result: { sites: [] },
    });
  });

  it('validates params from a known window', async () => {
    const { window, core } = setup();
    const wc = window.webContents;
    const reply = await ipcMain.invokeFrom(wc, wc.mainFrame, 'portico:removeAgent', { agentId: 1 });
    expect(reply).toMatchObject({ error: { code: 'INVALID_PARAMS' } });
    expect(core.calls).toEqual([]);
  });

  it('refuses more than one argument: the preload never sends two', async () => {
    const { window } = setup();
    const wc = window.webContents;
    const reply = await ipcMain.invokeFrom(wc, wc.mainFrame, 'portico:listAgents', {}, 'extra');
    expect(reply).toMatchObject({ error: { code: 'INVALID_PARAMS' } });
  });

  it('stops serving when stopped', () => {
    const { stop } = setup();
    stop();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('sender check', () => {
  const senders: [string, (w: BrowserWindow) => { sender: MockWebContents; frame: unknown }][] = [
    ['a web contents never registered', () => ({ sender: new MockWebContents(), frame: null })],
    [
      'an unregistered page showing the app URL',
      () => {
        const wc = new MockWebContents();
        wc.mainFrame.url = APP;
        return { sender: wc, frame: wc.mainFrame };
      },
    ],
    ['an iframe of the app window', (w) => ({ sender: w.webContents, frame: w.webContents.childFrame(APP) })],
    [
      'the app window navigated to another site',
      (w) => {
        w.webContents.mainFrame.url = 'https://evil.example/';
        return { sender: w.webContents, frame: w.webContents.mainFrame };
      },
    ],
    ['a frame that is already gone', (w) => ({ sender: w.webContents, frame: null })],
    [
      'a closed window',
      (w) => {
        w.close();
        return { sender: w.webContents, frame: w.webContents.mainFrame };
      },
    ],
  ];

  it.each(senders)('drops %s: FORBIDDEN, the handler never runs', async (_what, make) => {
    const { window, core } = setup();
    const { sender, frame } = make(window);
    const reply = await ipcMain.invokeFrom(sender, frame as never, 'portico:pairAgent', {
      address: 'lb1',
      token: 'x'.repeat(40),
    });
    expect(reply).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(core.calls).toEqual([]);
  });

  it('logs the dropped message without its params', async () => {
    const log = pino({ level: 'silent' });
    const warn = vi.spyOn(log, 'warn');
    handle(ipcMain, 'listAgents', async () => ({ sites: [] }), { isKnownSender: () => false, log });
    const wc = new MockWebContents();
    await ipcMain.invokeFrom(wc, wc.mainFrame, 'portico:listAgents', { token: 'secret' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(warn.mock.calls[0])).not.toContain('secret');
  });
});
