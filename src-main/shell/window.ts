/** The main window: the secure web preferences, the preload, shown once painted. */
import { BrowserWindow } from 'electron';
import type { Logger } from 'pino';
import { WEB_PREFERENCES } from './security.ts';

export interface MainWindowOptions {
  /** The renderer's index: a file:// URL when packaged, the dev server's URL in development. */
  appUrl: string;
  /** Absolute path of the bundled preload script. */
  preload: string;
  log: Logger;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Portico Console',
    // Shown on ready-to-show: no white flash before the first paint.
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: options.preload },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.appUrl).catch((err: unknown) => {
    options.log.error({ err, url: options.appUrl }, 'console: the renderer did not load');
  });
  return window;
}
