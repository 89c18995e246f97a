import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as electron from '../../test/mocks/electron.ts';
import { CONTENT_SECURITY_POLICY } from './policy.ts';
import { applySecurityRestrictions, guardSession, WEB_PREFERENCES } from './security.ts';

vi.mock('electron', () => import('../../test/mocks/electron.ts'));

const { app, BrowserWindow, shell, session } = electron;
const APP = 'file:///opt/portico/renderer/index.html';
const OPTIONS = { appUrl: APP, externalOrigins: ['https://learn.microsoft.com'] };

beforeEach(() => {
  electron.resetElectronMock();
  applySecurityRestrictions(app as never, OPTIONS);
});

describe('navigation', () => {
  it.each([
    ['https://evil.example/', true],
    ['file:///etc/passwd', true],
    ['https://learn.microsoft.com/exchange', true],
    [`${APP}#/certificates`, false],
  ])('will-navigate to %s prevented: %s', (url, prevented) => {
    const { webContents } = new BrowserWindow();
    expect(webContents.attempt('will-navigate', url)).toBe(prevented);
    expect(webContents.attempt('will-redirect', url)).toBe(prevented);
  });

  it('guards web contents the app did not create itself', () => {
    const stray = new electron.MockWebContents();
    expect(stray.attempt('will-navigate', 'https://evil.example/')).toBe(true);
  });

  it('opens an allow-listed https link in the system browser instead', () => {
    const { webContents } = new BrowserWindow();
    webContents.attempt('will-navigate', 'https://learn.microsoft.com/exchange');
    webContents.attempt('will-navigate', 'https://evil.example/');
    expect(shell.openExternal.mock.calls).toEqual([['https://learn.microsoft.com/exchange']]);
  });
});

describe('window.open', () => {
  it.each(['https://evil.example/', 'https://learn.microsoft.com/x', APP, 'file:///etc/passwd'])(
    'denies %s',
    (url) => {
      const { webContents } = new BrowserWindow();
      expect(webContents.openWindow(url)).toEqual({ action: 'deny' });
    },
  );

  it('hands only allow-listed https URLs to the OS', () => {
    const { webContents } = new BrowserWindow();
    webContents.openWindow('https://learn.microsoft.com/x');
    webContents.openWindow('smb://fileserver/share');
    expect(shell.openExternal.mock.calls).toEqual([['https://learn.microsoft.com/x']]);
  });

  it('refuses <webview>', () => {
    const { webContents } = new BrowserWindow();
    const event = new electron.MockEvent();
    webContents.emit('will-attach-webview', event);
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('session', () => {
  beforeEach(() => guardSession(session.defaultSession as never));

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem'])(
    'denies the %s permission',
    async (permission) => {
      await expect(session.defaultSession.requestPermission(permission)).resolves.toBe(false);
      expect(session.defaultSession.permissionCheckHandler?.(null, permission)).toBe(false);
    },
  );

  it('puts the CSP on every response, replacing a weaker one', async () => {
    const headers = await session.defaultSession.responseHeaders('http://localhost:5173/', {
      'content-security-policy': ["default-src * 'unsafe-eval'"],
      'content-type': ['text/html'],
    });
    expect(headers).toEqual({
      'content-type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });
});

describe('WEB_PREFERENCES', () => {
  it('sandboxes and isolates the renderer', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });
});
