/**
 * DesktopApi over HTTP, for the renderer in a browser (browser mode, src-main/web/server.ts): the
 * React app uses `window.api` in Electron and `createWebClient(...)` here, and cannot tell
 * them apart. Events come over the same fetch machinery as calls (not EventSource, which
 * cannot send the Authorization header the secret travels in).
 *
 * Runtime-neutral: only fetch, TextDecoder, AbortController and timers, which browsers and
 * Node both have; fetch is injectable for tests.
 */
import type { DesktopApi } from './api.ts';
import { toBase64 } from './base64.ts';
import { IPC_ERROR_CODES, type IpcError, type Reply } from './errors.ts';
import type { ConsoleEvent, EventListener } from './events.ts';
import { CHANNEL_NAMES } from './names.ts';

interface StreamReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

interface FetchResponseLike {
  readonly status: number;
  readonly ok: boolean;
  json(): Promise<unknown>;
  readonly body: { getReader(): StreamReaderLike } | null;
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<FetchResponseLike>;

export interface WebClientOptions {
  /** The session secret (see secretFromFragment). */
  secret: string;
  /** Where browser mode listens; '' (default) = the page's own origin. */
  baseUrl?: string;
  fetch?: FetchLike;
  /** First wait before the event stream reconnects; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** `#secret=…` from the URL browser mode printed. Call once, then drop the fragment from history. */
export function secretFromFragment(hash: string): string | undefined {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get('secret');
  return value || undefined;
}

export function createWebClient(options: WebClientOptions): DesktopApi {
  const base = (options.baseUrl ?? '').replace(/\/$/, '');
  const doFetch = options.fetch ?? defaultFetch();
  const auth = `Bearer ${options.secret}`;

  const call = async (name: string, params: unknown): Promise<Reply<unknown>> => {
    let res: FetchResponseLike;
    try {
      res = await doFetch(`${base}/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: params === undefined ? undefined : JSON.stringify(params, bytesAsBase64),
      });
    } catch (err) {
      return transportError(`the Console did not answer (${String(err)})`);
    }
    const body = await res.json().catch(() => undefined);
    return isReply(body) ? body : transportError(`unexpected answer (HTTP ${res.status})`);
  };

  const functions = Object.fromEntries(
    CHANNEL_NAMES.map((name) => [name, (params?: unknown) => call(name, params)]),
  );
  const events = createEventFeed(`${base}/api/events`, auth, doFetch, options);
  return Object.freeze({ ...functions, onEvent: events.subscribe }) as DesktopApi;
}

/** One stream while anyone listens; closed when the last listener goes. */
function createEventFeed(url: string, auth: string, doFetch: FetchLike, options: WebClientOptions) {
  const listeners = new Set<EventListener>();
  let controller: AbortController | undefined;

  const emit = (event: ConsoleEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // One listener's bug must not starve the others of events.
      }
    }
  };

  async function run(signal: AbortSignal): Promise<void> {
    let delay = options.retryMs ?? 1000;
    let opened = false;
    while (!signal.aborted) {
      try {
        const res = await doFetch(url, {
          method: 'GET',
          headers: { authorization: auth, accept: 'text/event-stream' },
          signal,
        });
        // A wrong secret does not fix itself by retrying.
        if (res.status === 401 || res.status === 403) return;
        if (res.ok && res.body) {
          // Whatever happened while disconnected was missed: tell the app to refetch.
          if (opened) emit({ type: 'resync' });
          opened = true;
          delay = options.retryMs ?? 1000;
          await readEvents(res.body.getReader(), emit, signal);
        }
      } catch {
        // Network error or abort: the loop decides.
      }
      if (signal.aborted) return;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, options.maxRetryMs ?? 30_000);
    }
  }

  return {
    subscribe(listener: EventListener): () => void {
      listeners.add(listener);
      if (!controller) {
        controller = new AbortController();
        void run(controller.signal);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && controller) {
          controller.abort();
          controller = undefined;
        }
      };
    },
  };
}

/** Server-Sent Events: messages end at a blank line; `data:` lines carry JSON, `:` lines are comments. */
async function readEvents(
  reader: StreamReaderLike,
  emit: (event: ConsoleEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  const onAbort = (): void => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
          .join('\n');
        if (!data) continue;
        try {
          emit(JSON.parse(data) as ConsoleEvent);
        } catch {
          // A message that is not JSON is skipped, not fatal to the stream.
        }
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function bytesAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? toBase64(value) : value;
}

function isReply(body: unknown): body is Reply<unknown> {
  if (typeof body !== 'object' || body === null) return false;
  if ('result' in body) return true;
  const error = (body as { error?: Partial<IpcError> }).error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

function transportError(message: string): Reply<never> {
  return { error: { code: IPC_ERROR_CODES.TRANSPORT, message } };
}

function defaultFetch(): FetchLike {
  const f = (globalThis as { fetch?: unknown }).fetch;
  if (typeof f !== 'function') throw new Error('no fetch in this runtime: pass options.fetch');
  return f.bind(globalThis) as FetchLike;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
