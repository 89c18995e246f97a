import { describe, expect, it } from 'vitest';
import type { DesktopApi } from '../../shared/ipc/api.ts';
import { type ApiHost, resolveApi } from './resolve-api.ts';

function host(hash: string, stored?: string, api?: DesktopApi) {
  const storage = new Map<string, string>(stored ? [['portico.secret', stored]] : []);
  const replaced: string[] = [];
  const h: ApiHost = {
    ...(api ? { api } : {}),
    location: { hash, pathname: '/', search: '' },
    history: { replaceState: (_d, _u, url) => void replaced.push(url ?? '') },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  };
  return { h, storage, replaced };
}

describe('resolveApi', () => {
  it('uses the preload api in Electron', () => {
    const api = {} as DesktopApi;
    expect(resolveApi(host('', undefined, api).h)).toEqual({ api, mode: 'electron' });
  });

  it('takes the secret from the fragment, keeps it for the tab and drops it from the address', () => {
    const { h, storage, replaced } = host('#secret=s3cret');
    expect(resolveApi(h)).toMatchObject({ mode: 'web' });
    expect(storage.get('portico.secret')).toBe('s3cret');
    expect(replaced).toEqual(['/']);
  });

  it.each([
    ['a stored secret after a reload', '', 'kept', { mode: 'web' }],
    ['no secret at all', '', undefined, { problem: expect.stringContaining('#secret=') }],
  ])('handles %s', (_n, hash, stored, expected) => {
    expect(resolveApi(host(hash, stored).h)).toMatchObject(expected);
  });
});
