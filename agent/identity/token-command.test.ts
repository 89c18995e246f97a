/** `portico-agent token` and `token rotate` as a script or an admin uses them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateIdentity } from './identity.ts';
import { readToken } from './token.ts';
import { runTokenCommand } from './token-command.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-token-cmd-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], reloaded?: number) {
  let stdout = '';
  let stderr = '';
  const reloads: string[] = [];
  const code = await runTokenCommand(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    reload: async (d) => {
      reloads.push(d);
      return reloaded;
    },
  });
  return { code, stdout, stderr, reloads };
}

describe('token', () => {
  it('prints the token alone on stdout, with or without the leading word', async () => {
    const { token } = await loadOrCreateIdentity(dir);
    expect(await run(['token', '--data-dir', dir])).toMatchObject({
      code: 0,
      stdout: `${token}\n`,
      stderr: '',
    });
    expect(await run(['--data-dir', dir])).toMatchObject({ code: 0, stdout: `${token}\n` });
  });

  it('fails with the reason when there is no agent or the file is unsafe', async () => {
    const none = await run(['token', '--data-dir', dir]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error: no token in .*start the agent once/);
    await loadOrCreateIdentity(dir);
    await chmod(join(dir, 'token'), 0o644);
    const loose = await run(['token', '--data-dir', dir]);
    expect(loose).toMatchObject({ code: 1, stdout: '' });
    expect(loose.stderr).toMatch(/chmod 600/);
  });
});

describe('token rotate', () => {
  it('replaces the token, prints the new one and asks a running agent to reload', async () => {
    const { token: old } = await loadOrCreateIdentity(dir);
    const r = await run(['token', 'rotate', '--data-dir', dir], 4242);
    expect(r.code).toBe(0);
    const printed = r.stdout.trim();
    expect(r.stdout).toBe(`${printed}\n`);
    expect(printed).not.toBe(old);
    expect((await readToken(dir)).token).toBe(printed);
    expect(r.reloads).toEqual([dir]);
    expect(r.stderr).toMatch(/pid 4242.*sessions using the old token will be closed/);
  });

  it('says when no agent is running', async () => {
    await loadOrCreateIdentity(dir);
    const r = await run(['rotate', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/No agent is running on .*applies when it starts/);
  });

  it('refuses a directory without an agent identity', async () => {
    const r = await run(['token', 'rotate', '--data-dir', dir]);
    expect(r).toMatchObject({ code: 1, stdout: '', reloads: [] });
    expect(r.stderr).toMatch(/holds no agent identity/);
  });
});

describe('usage', () => {
  it.each([
    [['token'], /--data-dir is required/],
    [['token', 'show', '--data-dir', 'x'], /unknown subcommand "show"/],
    [['token', 'rotate', 'now', '--data-dir', 'x'], /unexpected argument "now"/],
    [['token', '--force', '--data-dir', 'x'], /Unknown option '--force'/],
  ])('%j → exit 2 with the usage', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage:/);
  });

  it('--help prints the usage', async () => {
    expect(await run(['token', '--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/token rotate/),
    });
  });
});
