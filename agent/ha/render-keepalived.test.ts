/**
 * The rendered keepalived.conf, read as text and checked by keepalived's own config test, which
 * only reads: on this host's first non-loopback interface (keepalived refuses `lo` for VRRP);
 * skipped where keepalived or such an interface is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HaFile, type HaFileInput } from '../../shared/model/ha.ts';
import { checkKeepalivedConf } from './keepalived-check.ts';
import { parseNotifyLine } from './notify-fifo.ts';
import { haPaths } from './paths.ts';
import { renderCheckScript, renderKeepalivedConf } from './render-keepalived.ts';

const file = (over: Partial<HaFileInput['pair']> = {}, self = 'lb1') =>
  HaFile.parse({
    pair: {
      name: 'edge',
      routerId: 51,
      members: [
        { name: 'lb1', address: '127.0.0.1', interface: 'lo' },
        { name: 'lb2', address: '127.0.0.2', interface: 'lo' },
      ],
      preferred: 'lb1',
      virtualIps: [{ address: '127.0.0.100', prefix: 32 }],
      ...over,
    },
    self,
  } satisfies HaFileInput);
const dir = mkdtempSync(join(tmpdir(), 'portico-ha-render-'));
const paths = haPaths(dir);
const opts = { scriptUser: 'root', curl: '/usr/bin/curl' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keepalived(): string | undefined {
  for (const b of ['keepalived', '/usr/sbin/keepalived']) {
    try {
      execFileSync(b, ['--version'], { stdio: 'ignore' });
      return b;
    } catch {
      // not here
    }
  }
  return undefined;
}

describe('keepalived.conf', () => {
  it('one instance, unicast to the peer, priorities from the preferred member, nopreempt, the engine tracked', () => {
    const text = renderKeepalivedConf(file(), paths, opts);
    expect(text).toContain('vrrp_instance edge {');
    expect(text).toMatch(/unicast_src_ip 127\.0\.0\.1\n\s+unicast_peer \{\n\s+127\.0\.0\.2\n/);
    expect(text).toContain('priority 150');
    expect(text).toContain('nopreempt');
    expect(text).toContain('version 3');
    expect(text).toContain('advert_int 1\n');
    expect(text).toContain('127.0.0.100/32 dev lo');
    expect(text).toContain(`vrrp_notify_fifo "${paths.fifo}"`);
    expect(text).toMatch(/track_script \{\n\s+portico_engine\n/);
    expect(text).not.toContain('authentication');
    const other = renderKeepalivedConf(file({}), paths, opts);
    expect(other).toBe(text);
    expect(renderKeepalivedConf(file({}, 'lb2'), paths, opts)).toContain('priority 100');
  });

  it('preempt with a delay, sub-second adverts, VRRPv2 with a password', () => {
    expect(renderKeepalivedConf(file({ preempt: true, preemptDelaySeconds: 30 }), paths, opts)).toContain(
      'preempt_delay 30',
    );
    expect(renderKeepalivedConf(file({ advertIntervalMs: 250 }), paths, opts)).toContain('advert_int 0.25\n');
    const v2 = renderKeepalivedConf(
      file({ authentication: { password: 's3cret' }, advertIntervalMs: 2000 }),
      paths,
      opts,
    );
    expect(v2).toContain('version 2');
    expect(v2).toContain('auth_pass s3cret');
    expect(v2).toContain('advert_int 2\n');
  });

  it('refuses a data dir keepalived could not be given', () => {
    expect(() => renderKeepalivedConf(file(), haPaths('/tmp/with space'), opts)).toThrow(
      /keepalived cannot be given/,
    );
  });

  it('the check script asks the agent over its socket, giving up after the timeout', () => {
    expect(renderCheckScript(paths, 750, '/usr/bin/curl')).toContain(
      `exec '/usr/bin/curl' -fsS -o /dev/null --max-time 0.750 --unix-socket '${paths.checkSocket}' http://portico-agent/engine-check`,
    );
  });

  const binary = keepalived();
  const nic = Object.entries(networkInterfaces()).find(([, list]) =>
    list?.some((a) => !a.internal && a.family === 'IPv4'),
  )?.[0];
  it.skipIf(!binary || !nic)(
    'keepalived -t accepts every variant, and its complaints are the problems',
    async () => {
      mkdirSync(paths.dir, { mode: 0o700 });
      writeFileSync(paths.checkScript, renderCheckScript(paths, 1000, '/usr/bin/curl'), { mode: 0o700 });
      const on = (over: Partial<HaFileInput['pair']>) =>
        file({
          members: [
            { name: 'lb1', address: '192.0.2.1', interface: nic! },
            { name: 'lb2', address: '192.0.2.2', interface: nic! },
          ],
          virtualIps: [{ address: '192.0.2.100', prefix: 32 }],
          ...over,
        });
      for (const f of [
        on({}),
        on({ preempt: true, preemptDelaySeconds: 10, advertIntervalMs: 100 }),
        on({ authentication: { password: 'pw' } }),
      ]) {
        const conf = join(dir, 'k.conf');
        writeFileSync(conf, renderKeepalivedConf(f, haPaths(dir), opts));
        expect(await checkKeepalivedConf(binary!, conf)).toEqual([]);
      }
      const conf = join(dir, 'bad.conf');
      writeFileSync(
        conf,
        renderKeepalivedConf(
          file({ virtualIps: [{ address: '127.0.0.100', prefix: 32, interface: 'nosuch0' }] }),
          paths,
          opts,
        ),
      );
      const problems = await checkKeepalivedConf(binary!, conf);
      expect(problems.map((p) => p.message).join('\n')).toMatch(/nosuch0/);
    },
  );
});

describe('the notify FIFO', () => {
  it.each([
    ['INSTANCE "edge" MASTER 150', { kind: 'INSTANCE', name: 'edge', state: 'MASTER', priority: 150 }],
    ['INSTANCE "edge" FAULT 0', { kind: 'INSTANCE', name: 'edge', state: 'FAULT', priority: 0 }],
    ['GROUP "g" BACKUP', { kind: 'GROUP', name: 'g', state: 'BACKUP' }],
    ['garbage', undefined],
  ])('%s', (line, parsed) => {
    expect(parseNotifyLine(line)).toEqual(parsed);
  });
});
