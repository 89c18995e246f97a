/**
 * Which services use a store entry, read from a config document as the `cert` command reads
 * config.json: certificates on https services, CA bundles on the pools those services (or
 * their content rules) send to, and an unused pool's CA named as the pool.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentConfigInput } from '../../shared/model/config.ts';
import { ConfigUnreadable, readUsedBy, usedByFromConfig } from './used-by.ts';

const listen = (port: number) => ({ address: '127.0.0.1', port });

const config: AgentConfigInput = {
  version: 2,
  pools: [
    { name: 'cas', reencrypt: { verify: 'ca', ca: 'internal-ca' } },
    { name: 'lync-fe', reencrypt: { verify: 'ca', ca: 'internal-ca', serverName: 'fe01.contoso.local' } },
    { name: 'spare', reencrypt: { verify: 'ca', ca: 'old-ca' } },
    { name: 'plain' },
    { name: 'unverified', reencrypt: { verify: 'none' } },
  ],
  virtualServices: [
    {
      name: 'owa',
      listen: listen(443),
      protocol: 'https',
      tls: { certificates: ['mail', 'wild'] },
      pool: 'cas',
    },
    {
      name: 'front',
      listen: listen(444),
      protocol: 'https',
      tls: { certificates: ['wild'] },
      contentRules: [{ name: 'meet', host: ['meet.contoso.com'], pool: 'lync-fe' }],
    },
    { name: 'web', listen: listen(80), protocol: 'http', pool: 'plain' },
    { name: 'fe-l4', listen: listen(4443), protocol: 'tcp', pool: 'unverified' },
    { name: 'to-https', listen: listen(81), protocol: 'redirect' },
  ],
};

describe('usedByFromConfig', () => {
  const usedBy = usedByFromConfig(config);

  it.each([
    ['a certificate two https services present', 'wild', ['front', 'owa']],
    ['a certificate one service presents', 'mail', ['owa']],
    ['a CA bundle of pools a default pool and a content rule name', 'internal-ca', ['front', 'owa']],
    ['a CA bundle of a pool no service uses, named as the pool', 'old-ca', ['pool spare']],
    ['an entry nothing names', 'www', []],
  ])('%s', (_what, name, services) => {
    expect(usedBy(name)).toEqual(services);
  });

  it('reads a version-1 config.json the agent has not converted yet (re-encrypt on the service)', () => {
    const v1 = usedByFromConfig({
      virtualServices: [
        {
          name: 'owa',
          protocol: 'https',
          tls: { certificates: ['mail'] },
          reencrypt: { verify: 'ca', ca: 'internal-ca' },
        },
      ],
    });
    expect([v1('mail'), v1('internal-ca')]).toEqual([['owa'], ['owa']]);
  });

  it('reads what it can of a config that would fail the schema', () => {
    const lenient = usedByFromConfig({
      pools: [{ name: 'p', reencrypt: { ca: 'ca1' } }, 'nonsense', { reencrypt: { ca: 'ca2' } }],
      virtualServices: [{ tls: { certificates: ['c1', 7] }, pool: 'p' }, null],
    });
    expect(lenient('c1')).toEqual(['virtualServices[0]']);
    expect(lenient('ca1')).toEqual(['virtualServices[0]']);
    expect(lenient('ca2')).toEqual([]);
  });
});

describe('readUsedBy', () => {
  it('reads config.json of a data dir; none means nothing is used; bad JSON is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-used-by-'));
    try {
      expect((await readUsedBy(dir))('wild')).toEqual([]);
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      expect((await readUsedBy(dir))('internal-ca')).toEqual(['front', 'owa']);
      writeFileSync(join(dir, 'config.json'), '{ not json');
      await expect(readUsedBy(dir)).rejects.toBeInstanceOf(ConfigUnreadable);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
