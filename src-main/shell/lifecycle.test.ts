import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as electron from '../../test/mocks/electron.ts';
import { CHANNEL_NAMES } from '../../shared/ipc/names.ts';
import { EVENT_CHANNEL } from '../../shared/ipc/events.ts';
import { startShell, type ShellOptions } from './lifecycle.ts';
import { createMemoryCore, type MemoryCore } from '../../test/support/memory-core.ts';

vi.mock('electron', () => import('../../test/mocks/electron.ts'));

const { app, BrowserWindow, ipcMain, Notification } = electron;
const APP = 'file:///app/index.html';
let core: MemoryCore;

function start(overrides: Partial<ShellOptions> = {}): void {
  startShell({
    createCore: async () => core,
    appUrl: APP,
    preload: '/app/preload.cjs',
    log: pino({ level: 'silent' }),
    platform: 'linux',
    ...overrides,
  });
}

async function ready(): Promise<void> {
  app.becomeReady();
  await vi.waitFor(() => expect(BrowserWindow.getAllWindows()).toHaveLength(1));
}

beforeEach(() => {
  electron.resetElectronMock();
  core = createMemoryCore();
});

describe('startShell', () => {
  it('quits when another instance holds the lock, before creating anything', async () => {
    app.singleInstanceLock = false;
    start();
    app.becomeReady();
    await new Promise((r) => setTimeout(r, 10));
    expect(app.quit).toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('on ready: serves every channel, then opens the guarded window', async () => {
    start();
    expect(BrowserWindow.instances).toHaveLength(0);
    await ready();
    expect(ipcMain.handlers.size).toBe(CHANNEL_NAMES.length);
    const [window] = BrowserWindow.getAllWindows();
    expect(window?.loadedUrl).toBe(APP);
    expect(window?.webContents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
  });

  it('answers the window it opened and pushes events to it', async () => {
    start();
    await ready();
    const wc = BrowserWindow.getAllWindows()[0]!.webContents;
    await expect(ipcMain.invokeFrom(wc, wc.mainFrame, 'portico:listAgents')).resolves.toEqual({
      result: { sites: [] },
    });
    core.emit({ type: 'config', agentId: 'a1', revision: 2 });
    expect(wc.sent).toEqual([
      { channel: EVENT_CHANNEL, args: [{ type: 'config', agentId: 'a1', revision: 2 }] },
    ]);
  });

  it.each([
    ['linux', true],
    ['win32', true],
    ['darwin', false],
  ] as const)('on %s, closing the last window quits: %s', async (platform, quits) => {
    start({ platform });
    await ready();
    BrowserWindow.getAllWindows()[0]!.close();
    expect(app.quit).toHaveBeenCalledTimes(quits ? 1 : 0);
  });

  it('macOS: activate with no window opens one', async () => {
    start({ platform: 'darwin' });
    await ready();
    BrowserWindow.getAllWindows()[0]!.close();
    app.emit('activate');
    expect(BrowserWindow.getAllWindows()).toHaveLength(1);
  });

  it('a second instance brings the window back', async () => {
    start();
    await ready();
    const window = BrowserWindow.getAllWindows()[0]!;
    window.minimized = true;
    app.emit('second-instance');
    expect(window.isMinimized()).toBe(false);
    expect(window.focused).toBe(true);
  });

  it('quits when the core cannot start', async () => {
    start({ createCore: async () => Promise.reject(new Error('no settings')) });
    app.becomeReady();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(BrowserWindow.instances).toHaveLength(0);
  });
});

describe('desktop notifications for new alerts', () => {
  const raised = (n: number) => ({
    type: 'alerts' as const,
    raised: [
      {
        id: `server-down|a1|web/rs${n}`,
        kind: 'server-down' as const,
        severity: 'critical' as const,
        message: `Real server web/rs${n} on lb1 is down`,
        raisedAt: '2026-01-01T00:00:00.000Z',
        count: 1,
      },
    ],
    more: 0,
  });

  it('shows one while the window is not focused, and a click brings the window back', async () => {
    start();
    await ready();
    const window = BrowserWindow.getAllWindows()[0]!;
    window.blur();
    window.minimized = true;
    core.emit(raised(1));
    await vi.waitFor(() => expect(Notification.shown).toHaveLength(1));
    expect(Notification.shown[0]!.options).toEqual({
      title: 'Portico: Real server down',
      body: 'Real server web/rs1 on lb1 is down',
    });
    Notification.shown[0]!.click();
    expect(window.isMinimized()).toBe(false);
    expect(window.isFocused()).toBe(true);
  });

  it('stays quiet while the admin looks at the window, or when the settings say so', async () => {
    start();
    await ready();
    const window = BrowserWindow.getAllWindows()[0]!;
    window.focus();
    core.emit(raised(1));
    await new Promise((r) => setTimeout(r, 10));
    window.blur();
    await core.settings.update({ alerts: { ...(await core.settings.get()).alerts, notifications: false } });
    core.emit(raised(2));
    await new Promise((r) => setTimeout(r, 20));
    expect(Notification.shown).toHaveLength(0);
  });
});
