import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { certLibraryDir, consoleDir } from './console-dir.ts';
import { openConfBackend } from './settings-backend.ts';

afterEach(() => vi.unstubAllEnvs());

describe('consoleDir', () => {
  it.each([
    ['--config-dir wins over the environment', { PORTICO_CONSOLE_DIR: '/env/dir' }, '/flag/dir', '/flag/dir'],
    [
      'a relative --config-dir is taken from the working directory',
      {},
      'mine',
      resolve('/work/here', 'mine'),
    ],
    ['PORTICO_CONSOLE_DIR without the flag', { PORTICO_CONSOLE_DIR: '/env/dir' }, undefined, '/env/dir'],
  ])('%s', (_what, env, explicit, expected) => {
    expect(consoleDir(env, explicit, '/work/here')).toBe(expected);
  });

  it.runIf(process.platform === 'linux')('falls back to the directory conf keeps the settings in', () => {
    // Never the real per-user directory: conf (env-paths) reads XDG_CONFIG_HOME when called.
    const home = mkdtempSync(join(tmpdir(), 'portico-xdg-'));
    try {
      vi.stubEnv('XDG_CONFIG_HOME', home);
      const dir = consoleDir({});
      expect(dir).toBe(dirname(openConfBackend().path));
      expect(dirname(dir)).toBe(home);
      expect(existsSync(dir)).toBe(true);
      expect(consoleDir({ PORTICO_CONSOLE_DIR: '' })).toBe(dir);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('certLibraryDir', () => {
  it('is inside the Console directory', () => {
    expect(certLibraryDir('/c')).toBe(join('/c', 'cert-library'));
  });
});
