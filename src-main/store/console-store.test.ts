import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleStore } from './console-store.ts';
import { openConfBackend, openNodeConsoleStore, SecretBoxError, type SecretBox } from './index.ts';

const FP = Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(':');
const TOKEN = 'tok-0123456789-abcdefghijklmnopqrstuvwxyz';
const agent = {
  id: 'a1',
  name: 'lb-1',
  site: 'east',
  address: '10.0.0.5',
  port: 7443,
  fingerprint: FP,
  token: TOKEN,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ConsoleStore', () => {
  it('persists agents with the token only boxed, and reads them back in a new instance', () => {
    const store = openNodeConsoleStore({ cwd: dir });
    const saved = store.saveAgent(agent);
    expect(saved).not.toHaveProperty('token');
    expect(saved).not.toHaveProperty('tokenBox');
    expect(saved).toMatchObject({ id: 'a1', fingerprint: FP, site: 'east' });

    const file = readFileSync(store.path, 'utf8');
    expect(file).not.toContain(TOKEN);
    expect(file).toContain('tokenBox');
    if (process.platform !== 'win32') expect(statSync(store.path).mode & 0o777).toBe(0o600);

    const again = openNodeConsoleStore({ cwd: dir });
    expect(again.listAgents()).toEqual([saved]);
    expect(again.tokenOf('a1')).toBe(TOKEN);
  });

  it('keeps pairedAt and moves pinnedAt only when the fingerprint changes', async () => {
    const store = openNodeConsoleStore({ cwd: dir });
    const first = store.saveAgent(agent);
    await new Promise((r) => setTimeout(r, 5));
    const renamed = store.updateAgent('a1', { name: 'lb-one' });
    expect(renamed).toMatchObject({ name: 'lb-one', pairedAt: first.pairedAt, pinnedAt: first.pinnedAt });
    const repinned = store.updateAgent('a1', { fingerprint: FP.replace(/^10/, 'FF') });
    expect(repinned.pairedAt).toBe(first.pairedAt);
    expect(repinned.pinnedAt).not.toBe(first.pinnedAt);
    store.setToken('a1', 'new-token');
    expect(store.tokenOf('a1')).toBe('new-token');
    expect(store.removeAgent('a1')).toBe(true);
    expect(store.listAgents()).toEqual([]);
  });

  it('skips a hand-damaged record with a problem report, keeps the good ones', () => {
    const store = openNodeConsoleStore({ cwd: dir });
    store.saveAgent(agent);
    const doc = JSON.parse(readFileSync(store.path, 'utf8')) as { agents: Record<string, unknown> };
    doc.agents.bad = { id: 'bad', name: 'x', fingerprint: 'nope' };
    writeFileSync(store.path, JSON.stringify(doc));
    const problems: string[] = [];
    const reread = openNodeConsoleStore({ cwd: dir, onProblem: (m) => problems.push(m) });
    expect(reread.listAgents().map((a) => a.id)).toEqual(['a1']);
    expect(problems).toEqual([expect.stringContaining('agent "bad"')]);
  });

  it('refuses to store a token when no protected storage is available', () => {
    const unavailable: SecretBox = {
      available: false,
      encrypt: () => {
        throw new Error('must not be called');
      },
      decrypt: () => {
        throw new Error('must not be called');
      },
    };
    const store = new ConsoleStore(openConfBackend({ cwd: dir }), unavailable);
    expect(() => store.saveAgent(agent)).toThrow(SecretBoxError);
    expect(store.listAgents()).toEqual([]);
  });

  it('keeps settings', () => {
    const store = openNodeConsoleStore({ cwd: dir });
    expect(store.settings()).toEqual({});
    store.updateSettings({ mdnsInterfaces: ['eth1', '192.168.10.2'] });
    expect(openNodeConsoleStore({ cwd: dir }).settings()).toEqual({
      mdnsInterfaces: ['eth1', '192.168.10.2'],
    });
  });

  it('keeps the theme and the history retention, and refuses values outside the schema without losing the saved ones', () => {
    const store = openNodeConsoleStore({ cwd: dir });
    store.updateSettings({ theme: 'dark', historyRetentionHours: 168 });
    expect(() => store.updateSettings({ historyRetentionHours: 169 })).toThrow(
      'a whole number from 1 to 168',
    );
    expect(() => store.updateSettings({ theme: 'blue' as 'dark' })).toThrow(
      'the theme is one of system, light or dark',
    );
    expect(openNodeConsoleStore({ cwd: dir }).settings()).toEqual({
      theme: 'dark',
      historyRetentionHours: 168,
    });
  });
});
