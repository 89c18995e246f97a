import { pino } from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as electron from '../../test/mocks/electron.ts';
import { WEB_PREFERENCES } from './security.ts';
import { createMainWindow } from './window.ts';

vi.mock('electron', () => import('../../test/mocks/electron.ts'));

beforeEach(() => electron.resetElectronMock());

describe('createMainWindow', () => {
  const options = {
    appUrl: 'file:///app/index.html',
    preload: '/app/preload.cjs',
    log: pino({ level: 'silent' }),
  };

  it('uses the secure web preferences with the preload', () => {
    const window = createMainWindow(options) as unknown as electron.BrowserWindow;
    expect(window.options.webPreferences).toEqual({ ...WEB_PREFERENCES, preload: '/app/preload.cjs' });
  });

  it('loads the app and shows it only once painted', () => {
    const window = createMainWindow(options) as unknown as electron.BrowserWindow;
    expect(window.loadedUrl).toBe('file:///app/index.html');
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
  });
});
