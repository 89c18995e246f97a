import { beforeEach, describe, expect, it } from 'vitest';
import { resetElectronMock, safeStorage } from '../../test/mocks/electron.ts';
import { safeStorageBox as makeBox } from './safe-storage-box.ts';
import { SecretBoxError } from './secret-box.ts';

const safeStorageBox = () => makeBox(safeStorage);

describe('safeStorage secret box', () => {
  beforeEach(() => resetElectronMock());

  it('boxes a token so the settings file never holds it, and opens it again', () => {
    const box = safeStorageBox();
    const sealed = box.encrypt('s3cret-token');
    expect(sealed.startsWith('safe1:')).toBe(true);
    expect(sealed).not.toContain('s3cret-token');
    expect(Buffer.from(sealed.slice(6), 'base64').toString('utf8')).not.toContain('s3cret-token');
    expect(box.decrypt(sealed)).toBe('s3cret-token');
  });

  it.each([
    ['no keychain at all', () => (safeStorage.available = false)],
    ["Linux's basic_text backend (no keyring: no protection)", () => (safeStorage.backend = 'basic_text')],
  ])('counts as unavailable with %s, so the store refuses to keep tokens', (_what, setUp) => {
    setUp();
    expect(safeStorageBox().available).toBe(false);
  });

  it('says what to do with a box it cannot open', () => {
    const box = safeStorageBox();
    expect(() => box.decrypt('aesgcm1:abc')).toThrow(SecretBoxError);
    expect(() => box.decrypt('aesgcm1:abc')).toThrow(/pair the agent again/);
    expect(() => box.decrypt(`safe1:${Buffer.from('garbage').toString('base64')}`)).toThrow(/keychain/);
  });
});
