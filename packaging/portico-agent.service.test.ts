/**
 * The appliance package and its systemd unit, run for real: the packed package unpacked under
 * node_modules (packaging/installed-package.ts), the unit's ExecStart through its bin (what
 * `/usr/bin/env portico-agent` finds after `npm install -g`), ExecReload's signal, then the stop
 * signal, which must drain and exit 0 so systemd does not count it as a failure. Only the data
 * dir and the API address change, to a temporary dir and loopback, and mDNS stays off in tests.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../test/support/engine.ts';
import { selfSigned } from '../test/support/pki.ts';
import { freePort } from '../test/support/ports.ts';
import { installPackage, type InstalledPackage } from './installed-package.ts';

const UNIT = readFileSync(new URL('./portico-agent.service', import.meta.url), 'utf8');
const dataDir = mkdtempSync(join(tmpdir(), 'portico-unit-'));
let installed: InstalledPackage;
beforeAll(() => {
  installed = installPackage();
}, 120_000);
afterAll(() => {
  installed?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

function directive(name: string): string {
  const line = UNIT.split('\n').find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`the unit has no ${name}=`);
  return line.slice(name.length + 1);
}

describe('packaging/portico-agent.service', () => {
  it('starts, reloads and stops the agent as systemd would', async () => {
    const [env, command, ...args] = directive('ExecStart').split(' ');
    expect([env, command]).toEqual(['/usr/bin/env', 'portico-agent']);
    const port = await freePort();
    const testArgs = args.map((a) =>
      a === '/var/lib/portico-agent' ? dataDir : a === '0.0.0.0:7443' ? `127.0.0.1:${port}` : a,
    );
    expect(testArgs).toContain(dataDir);
    expect(testArgs).toContain(`127.0.0.1:${port}`);

    // The unit's Environment= lines (NODE_OPTIONS): Node refuses to start on one it does not know.
    const unitEnv = Object.fromEntries(
      UNIT.split('\n')
        .filter((l) => l.startsWith('Environment='))
        .map((l) =>
          l
            .slice('Environment='.length)
            .replace(/^"(.*)"$/s, '$1')
            .split(/=(.*)/s)
            .slice(0, 2),
        ),
    );
    expect(unitEnv.NODE_OPTIONS).toMatch(/--max-semi-space-size=\d+/);
    expect(unitEnv.NODE_OPTIONS).toContain('--expose-gc');
    const child = spawn(process.execPath, [installed.bin('portico-agent'), ...testArgs, '--no-mdns'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...unitEnv },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until(() => out.includes('"msg":"agent started"'), 'the agent to start', 20_000);
      expect(statSync(join(dataDir, 'token')).mode & 0o777).toBe(0o600);

      expect(directive('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
      child.kill('SIGHUP');
      await until(() => out.includes('SIGHUP: reloading'), 'the reload', 10_000);

      expect(directive('KillSignal')).toBe('SIGTERM');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('keeps the state directory private and runs unprivileged', () => {
    expect(directive('StateDirectoryMode')).toBe('0700');
    expect(directive('User')).not.toBe('root');
    expect(directive('NoNewPrivileges')).toBe('yes');
  });

  it('ships the portico CLI, which inspects a certificate from the installed bundle', () => {
    const pem = join(dataDir, 'www.pem');
    writeFileSync(pem, selfSigned('www.package.test', ['DNS:www.package.test']).cert);
    const out = execFileSync(
      process.execPath,
      [installed.bin('portico'), 'cert', 'inspect', pem, '--no-aia', '--json'],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.stringify(JSON.parse(out))).toContain('www.package.test');
  });

  it('contains the bundles and the unit, not the TypeScript sources or tests', () => {
    const files = execFileSync('find', [installed.root, '-type', 'f'], { encoding: 'utf8' });
    expect(files).toContain('out/agent/portico-agent.js');
    expect(files).toContain('packaging/portico-agent.service');
    expect(files).not.toMatch(/\.ts\n/);
  });
});
