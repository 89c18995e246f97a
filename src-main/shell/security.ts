/**
 * Every window guard in one place (podman-desktop's security-restrictions.ts): what a page may
 * load and navigate to, that it may open no windows, that it gets no permissions, the CSP.
 * The renderer shows certificates and agent data an attacker may shape; these guards keep a
 * page that goes wrong from reaching Node, the disk or other sites.
 */
import { shell, type App, type Event as ElectronEvent, type Session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isAllowedExternal, isAppUrl } from './policy.ts';

/** The renderer runs as a web page: no Node, isolated from the preload, in the OS sandbox. */
export const WEB_PREFERENCES = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  // A file dropped outside the drop zone must not replace the app with file://…
  navigateOnDragDrop: false,
} as const;

export interface GuardOptions {
  /** The URL the window loads: navigation is allowed only within it (see isAppUrl). */
  appUrl: string;
  /** https origins links may open in the system browser. */
  externalOrigins: readonly string[];
}

/** Guards every web contents the app creates, including ones we did not create ourselves. */
export function applySecurityRestrictions(app: App, options: GuardOptions): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, options));
}

export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const stayInApp = (event: ElectronEvent, url: string): void => {
    if (isAppUrl(url, options.appUrl)) return;
    event.preventDefault();
    openExternally(url, options);
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url, options);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * No permission (camera, notifications, geolocation, clipboard, …) is ever granted: the Console
 * needs none. The CSP goes on every response; file:// pages get no headers, so the renderer's
 * index.html repeats it in a meta tag.
 */
export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

function openExternally(url: string, options: GuardOptions): void {
  if (isAllowedExternal(url, options.externalOrigins)) void shell.openExternal(url);
}
