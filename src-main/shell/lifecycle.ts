/**
 * The Electron shell's lifecycle: one instance, guards before any page exists, the API served
 * before the window loads, quit when the last window closes (except on macOS, where apps stay
 * in the dock until quit explicitly). Everything else is the core's, built by `createCore`.
 */
import { app, BrowserWindow, ipcMain, Notification, session } from 'electron';
import type { Logger } from 'pino';
import { createAlertNotifier } from '../../shared/ipc/alert-notify.ts';
import type { ConsoleCore } from '../core/types.ts';
import { forwardEvents } from '../ipc/events.ts';
import { handleAll } from '../ipc/handle.ts';
import { createHandlers } from '../ipc/handlers.ts';
import { createSenderRegistry } from '../ipc/senders.ts';
import { isAppUrl } from './policy.ts';
import { applySecurityRestrictions, guardSession } from './security.ts';
import { createMainWindow } from './window.ts';

export interface ShellOptions {
  createCore(): Promise<ConsoleCore>;
  /** The renderer's index (file:// when packaged, the dev server in development). */
  appUrl: string;
  /** Absolute path of the bundled preload. */
  preload: string;
  /** https origins links may open in the system browser. */
  externalOrigins?: readonly string[];
  log: Logger;
  /** process.platform; a parameter so the macOS rule is testable anywhere. */
  platform?: NodeJS.Platform;
}

export function startShell(options: ShellOptions): void {
  const { appUrl, log } = options;
  const platform = options.platform ?? process.platform;
  if (!app.requestSingleInstanceLock()) {
    // Another Console runs: it gets 'second-instance' and comes to the front.
    app.quit();
    return;
  }
  // Before 'ready', so no web contents ever exists unguarded.
  applySecurityRestrictions(app, { appUrl, externalOrigins: options.externalOrigins ?? [] });
  const senders = createSenderRegistry((url) => isAppUrl(url, appUrl));
  let window: BrowserWindow | undefined;
  let started = false;

  const openWindow = (): void => {
    const created = createMainWindow({ appUrl, preload: options.preload, log });
    senders.add(created.webContents);
    created.on('closed', () => {
      if (window === created) window = undefined;
    });
    window = created;
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    // macOS: a click on the dock icon with no window open opens one.
    if (started && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  app
    .whenReady()
    .then(async () => {
      guardSession(session.defaultSession);
      const core = await options.createCore();
      handleAll(ipcMain, createHandlers(core), { isKnownSender: senders.isKnownSender, log });
      forwardEvents((listener) => core.subscribe(listener), senders.contents, log);
      notifyAlerts(core, () => window);
      started = true;
      openWindow();
    })
    .catch((err: unknown) => {
      log.fatal({ err }, 'console: could not start');
      app.quit();
    });
}

/**
 * New alerts as desktop notifications while the window is not focused (shared/ipc/alert-notify.ts
 * decides when); a click brings the window back. The renderer's own Notification permission is
 * refused (security.ts), so only this one speaks in the app.
 */
function notifyAlerts(core: ConsoleCore, window: () => BrowserWindow | undefined): void {
  if (!Notification.isSupported()) return;
  let enabled = true;
  const notifier = createAlertNotifier({
    focused: () => window()?.isFocused() ?? false,
    enabled: () => enabled,
    show: ({ title, body }) => {
      const notification = new Notification({ title, body });
      notification.on('click', () => {
        const w = window();
        if (!w) return;
        if (w.isMinimized()) w.restore();
        w.show();
        w.focus();
      });
      notification.show();
    },
  });
  core.subscribe((event) => {
    if (event.type !== 'alerts' || event.raised.length + event.more === 0) return;
    // The settings as they are now: an admin may have switched notifications off a moment ago.
    void core.settings.get().then((settings) => {
      enabled = settings.alerts.notifications;
      notifier.offer(event.raised, event.more);
    });
  });
}
