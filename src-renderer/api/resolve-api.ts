/**
 * Where the DesktopApi comes from: Electron's preload puts it on `window.api`; in a browser
 * (browser mode) it is the web client, authorised by the secret in the URL that
 * `npm run web` printed (`#secret=…`).
 */
import type { DesktopApi } from '../../shared/ipc/api.ts';
import { createWebClient, secretFromFragment } from '../../shared/ipc/web-client.ts';

const SECRET_KEY = 'portico.secret';

export interface ApiHost {
  api?: DesktopApi;
  location: { hash: string; pathname: string; search: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

export type ResolvedApi =
  { api: DesktopApi; mode: 'electron' | 'web' } | { api?: undefined; problem: string };

export function resolveApi(host: ApiHost): ResolvedApi {
  if (host.api) return { api: host.api, mode: 'electron' };
  const fromUrl = secretFromFragment(host.location.hash);
  if (fromUrl) {
    // Out of the address bar and history (it would be shared with a screenshot or a link), but
    // kept for this tab, so a reload does not lock the admin out.
    host.sessionStorage.setItem(SECRET_KEY, fromUrl);
    host.history.replaceState(null, '', host.location.pathname + host.location.search);
  }
  const secret = fromUrl ?? host.sessionStorage.getItem(SECRET_KEY) ?? undefined;
  if (!secret) {
    return { problem: 'Open the address that "npm run web" printed: it ends with #secret=….' };
  }
  return { api: createWebClient({ secret }), mode: 'web' };
}
