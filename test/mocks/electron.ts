/**
 * The one `electron` mock (electron/fiddle keeps one too, in tests/mocks): the slice of the API
 * the shell uses, behaving like Electron where tests depend on it — web-contents-created fires
 * for every web contents, ipcMain refuses a second handler per channel, invoke arguments are
 * structured-cloned, events can be prevented. Tests use it with
 *   vi.mock('electron', () => import('<relative path>/test/mocks/electron.ts'));
 * and reach the same instances through a direct import of this file.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** Electron's Event as listeners see it. */
export class MockEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class MockWebFrameMain {
  url: string;
  readonly parent: MockWebFrameMain | null;
  constructor(url: string, parent: MockWebFrameMain | null = null) {
    this.url = url;
    this.parent = parent;
  }
}

type WindowOpenHandler = (details: { url: string }) => { action: 'deny' | 'allow' };

let nextWebContentsId = 1;

export class MockWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new MockWebFrameMain('about:blank');
  readonly session: MockSession;
  windowOpenHandler: WindowOpenHandler | undefined;
  /** What `send` was called with, in order. */
  readonly sent: { channel: string; args: unknown[] }[] = [];
  private destroyed = false;

  constructor(session: MockSession = mockSession) {
    super();
    this.session = session;
    app.emit('web-contents-created', new MockEvent(), this);
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args: structuredClone(args) });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }

  /** Fires `will-navigate` (or another preventable event) as Electron would; true if prevented. */
  attempt(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    const e = new MockEvent();
    this.emit(event, e, url);
    return e.defaultPrevented;
  }
  /** What `window.open(url)` in the page would get. */
  openWindow(url: string): { action: 'deny' | 'allow' } {
    if (!this.windowOpenHandler) return { action: 'allow' }; // Electron's default: allowed
    return this.windowOpenHandler({ url });
  }
  /** A frame inside this page (an iframe), for sender checks. */
  childFrame(url: string): MockWebFrameMain {
    return new MockWebFrameMain(url, this.mainFrame);
  }
}

type PermissionRequestHandler = (
  wc: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;
type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class MockSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string) => boolean) | null = null;
  headersListener: HeadersListener | undefined;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener): void => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: ((wc: unknown, permission: string) => boolean) | null): void {
    this.permissionCheckHandler = handler;
  }
  /** Asks for a permission as a page would; Electron grants everything when no handler is set. */
  async requestPermission(permission: string): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return true;
    return new Promise((resolve) => handler(undefined, permission, resolve));
  }
  /** Runs a response's headers through the onHeadersReceived listener. */
  async responseHeaders(url: string, headers: Record<string, string[]>): Promise<Record<string, string[]>> {
    const listener = this.headersListener;
    if (!listener) return headers;
    return new Promise((resolve) =>
      listener({ url, responseHeaders: headers }, (r) => resolve(r.responseHeaders ?? headers)),
    );
  }
  reset(): void {
    this.permissionRequestHandler = null;
    this.permissionCheckHandler = null;
    this.headersListener = undefined;
  }
}

const mockSession = new MockSession();
export const session = { defaultSession: mockSession };

class MockApp extends EventEmitter {
  /** Whether requestSingleInstanceLock succeeds (another instance holds it when false). */
  singleInstanceLock = true;
  readonly requestSingleInstanceLock = vi.fn(() => this.singleInstanceLock);
  readonly quit = vi.fn();
  private ready = false;
  private readyWaiters: (() => void)[] = [];

  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }
  isReady(): boolean {
    return this.ready;
  }
  /** Test helper: Electron finished initialising. */
  becomeReady(): void {
    this.ready = true;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    this.emit('ready');
  }
  reset(): void {
    this.removeAllListeners();
    this.singleInstanceLock = true;
    this.requestSingleInstanceLock.mockClear();
    this.quit.mockClear();
    this.ready = false;
    this.readyWaiters = [];
  }
}

export const app = new MockApp();

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.isDestroyed());
  }

  readonly options: Record<string, unknown>;
  readonly webContents = new MockWebContents();
  loadedUrl: string | undefined;
  visible = false;
  focused = false;
  minimized = false;
  private destroyed = false;

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isFocused(): boolean {
    return this.focused;
  }
  /** Test helper: the user went to another application. */
  blur(): void {
    this.focused = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Test helper: the user closed the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
    if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
}

/** `never`: accepts a listener typed for any event shape (IpcMainInvokeEvent or a structural one). */
type InvokeListener = (event: never, ...args: unknown[]) => unknown;

class MockIpcMain {
  readonly handlers = new Map<string, InvokeListener>();
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Test helper: what ipcRenderer.invoke from `sender`'s `frame` would get back. */
  async invokeFrom(
    sender: { id: number; mainFrame: MockWebFrameMain },
    frame: MockWebFrameMain | null,
    channel: string,
    ...args: unknown[]
  ): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    // Structured clone both ways, as over real IPC: nothing but data crosses.
    const call = listener as (event: unknown, ...args: unknown[]) => unknown;
    const result = await call({ sender, senderFrame: frame }, ...structuredClone(args));
    return structuredClone(result);
  }
  reset(): void {
    this.handlers.clear();
  }
}

export const ipcMain = new MockIpcMain();

class MockIpcRenderer extends EventEmitter {
  /** The page this renderer belongs to; invoke() reaches ipcMain as coming from its top frame. */
  contents: MockWebContents | undefined;
  readonly invoke = vi.fn(async (channel: string, ...args: unknown[]): Promise<unknown> => {
    const sender = this.contents ?? { id: -1, mainFrame: new MockWebFrameMain('about:blank') };
    return ipcMain.invokeFrom(sender, sender.mainFrame, channel, ...args);
  });
  /** Test helper: the main process sent `payload` on `channel`. */
  deliver(channel: string, ...payload: unknown[]): void {
    this.emit(channel, { sender: this }, ...structuredClone(payload));
  }
  reset(): void {
    this.removeAllListeners();
    this.invoke.mockClear();
    this.contents = undefined;
  }
}

export const ipcRenderer = new MockIpcRenderer();

class MockContextBridge {
  readonly exposed: Record<string, unknown> = {};
  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (Object.hasOwn(this.exposed, apiKey))
      throw new Error(`Cannot bind an API on top of an existing property`);
    this.exposed[apiKey] = api;
  }
  reset(): void {
    for (const key of Object.keys(this.exposed)) delete this.exposed[key];
  }
}

export const contextBridge = new MockContextBridge();

/** A desktop notification as the OS would show it: recorded when shown, clickable from a test. */
export class Notification extends EventEmitter {
  static readonly shown: Notification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return Notification.supported;
  }
  readonly options: { title: string; body?: string };
  constructor(options: { title: string; body?: string }) {
    super();
    this.options = options;
  }
  show(): void {
    Notification.shown.push(this);
  }
  /** Test helper: the user clicked it. */
  click(): void {
    this.emit('click');
  }
}

export const shell = { openExternal: vi.fn(async (_url: string): Promise<void> => {}) };

/**
 * safeStorage as the OS would offer it: a reversible transform that is not the plain text,
 * switchable to "no keyring" (Linux's basic_text backend) or "unavailable".
 */
export const safeStorage = {
  backend: 'gnome_libsecret',
  available: true,
  isEncryptionAvailable: (): boolean => safeStorage.available,
  getSelectedStorageBackend: (): string => safeStorage.backend,
  encryptString: (plain: string): Buffer => Buffer.from(`mock-keychain:${plain}`, 'utf8').reverse(),
  decryptString: (box: Buffer): string => {
    const text = Buffer.from(box).reverse().toString('utf8');
    if (!text.startsWith('mock-keychain:')) throw new Error('Error while decrypting the ciphertext provided');
    return text.slice('mock-keychain:'.length);
  },
  reset(): void {
    safeStorage.backend = 'gnome_libsecret';
    safeStorage.available = true;
  },
};

/** Back to a fresh Electron: call in beforeEach. */
export function resetElectronMock(): void {
  app.reset();
  mockSession.reset();
  ipcMain.reset();
  ipcRenderer.reset();
  contextBridge.reset();
  shell.openExternal.mockClear();
  safeStorage.reset();
  BrowserWindow.instances.length = 0;
  Notification.shown.length = 0;
  Notification.supported = true;
}
