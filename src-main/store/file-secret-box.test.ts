import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretBox, KEY_FILE } from './file-secret-box.ts';
import { SecretBoxError } from './secret-box.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-secret-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const posix = process.platform !== 'win32';

describe('FileSecretBox', () => {
  it('creates a 0600 key file on first use and round-trips secrets it alone can open', () => {
    const box = new FileSecretBox(join(dir, 'nested'));
    expect(existsSync(box.keyPath)).toBe(false);
    const sealed = box.encrypt('s3cret-token');
    expect(sealed).not.toContain('s3cret');
    if (posix) expect(statSync(box.keyPath).mode & 0o777).toBe(0o600);
    expect(box.decrypt(sealed)).toBe('s3cret-token');
    // Random IV: the same secret never boxes the same way twice.
    expect(box.encrypt('s3cret-token')).not.toBe(sealed);
    // A second instance (next start) reads the same key.
    expect(new FileSecretBox(join(dir, 'nested')).decrypt(sealed)).toBe('s3cret-token');
  });

  it('refuses a tampered box, another key, a foreign box and a missing key file', () => {
    const box = new FileSecretBox(dir);
    const sealed = box.encrypt('token');
    const raw = Buffer.from(sealed.slice('aesgcm1:'.length), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.decrypt(`aesgcm1:${raw.toString('base64')}`)).toThrow(SecretBoxError);
    expect(() => box.decrypt('safestorage:abc')).toThrow(/not stored by the browser-mode key file/);

    const other = mkdtempSync(join(tmpdir(), 'portico-secret-other-'));
    try {
      const otherBox = new FileSecretBox(other);
      expect(() => otherBox.decrypt(sealed)).toThrow(/key file .* is missing/);
      otherBox.encrypt('x'); // now it has a key, but not ours
      expect(() => otherBox.decrypt(sealed)).toThrow(/does not open/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it.skipIf(!posix).each([0o644, 0o640, 0o604, 0o660])('refuses a key file with mode %o', (mode) => {
    new FileSecretBox(dir).encrypt('token');
    chmodSync(join(dir, KEY_FILE), mode);
    const fresh = new FileSecretBox(dir);
    expect(() => fresh.encrypt('token')).toThrow(/lets other users read it/);
    // Refused, not repaired behind the admin's back.
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(mode);
  });

  it.skipIf(!posix)('refuses a symlink in place of the key file, and a damaged key', () => {
    const target = join(dir, 'elsewhere');
    writeFileSync(target, `${Buffer.alloc(32, 1).toString('base64')}\n`, { mode: 0o600 });
    symlinkSync(target, join(dir, KEY_FILE));
    expect(() => new FileSecretBox(dir).encrypt('x')).toThrow(SecretBoxError);

    rmSync(join(dir, KEY_FILE));
    writeFileSync(join(dir, KEY_FILE), 'short\n', { mode: 0o600 });
    expect(() => new FileSecretBox(dir).encrypt('x')).toThrow(/damaged/);
    // Never overwritten: the damaged file is still what it was.
    expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toBe('short\n');
  });
});
