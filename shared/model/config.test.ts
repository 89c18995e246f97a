import { describe, expect, it } from 'vitest';
import { poolsOf, type VirtualService } from './config.ts';
import { parseAgentConfig } from './validate.ts';

const pool = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  servers: [{ name: 'a', address: '10.0.0.1', port: 80 }],
  ...extra,
});

const vs = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  listen: { address: '127.0.0.1', port: 8080 },
  protocol: 'http',
  pool: 'web',
  ...extra,
});

const doc = (services: unknown[], pools: unknown[] = [pool()]) => ({
  version: 2,
  pools,
  virtualServices: services,
});

describe('config validation', () => {
  it('fills defaults an admin can rely on', () => {
    const r = parseAgentConfig(doc([vs()]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.value.pools[0]!;
    expect(p.scheduler).toBe('round-robin');
    expect(p.persistence).toEqual({ mode: 'none' });
    expect(p.healthCheck).toEqual({ type: 'none' });
    expect(p.timeouts).toEqual({ connectMs: 3000, serverMs: 60000 });
    expect(p.retries).toBe(2);
    expect(p.servers[0]).toMatchObject({ weight: 1, enabled: true, maxConnections: 0 });
    const v = r.value.virtualServices[0]!;
    expect(v.protocol).toBe('http');
    if (v.protocol !== 'http') return;
    expect(v.timeouts).toEqual({ clientHeaderMs: 10000, clientBodyMs: 20000, idleMs: 60000 });
    expect(v.limits).toEqual({
      maxConnections: 20000,
      maxConnectionsPerSource: 0,
      maxTunnels: 10000,
      minBodyRate: 500,
    });
    expect(v.forwardedHeaders).toBe('replace');
    expect(v.contentRules).toEqual([]);
    expect(v.denyPaths).toEqual([]);
  });

  it('gives each protocol only its own fields', () => {
    const r = parseAgentConfig(
      doc([
        vs({ name: 'l4', protocol: 'tcp', listen: { port: 25 } }),
        vs({ name: 'tls', protocol: 'https', tls: { certificates: ['www'] }, listen: { port: 443 } }),
        { name: 'r', protocol: 'redirect', listen: { port: 80 } },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [l4, tls, redirect] = r.value.virtualServices;
    expect(l4).toMatchObject({ protocol: 'tcp', pool: 'web', timeouts: { idleMs: 60000 } });
    expect(Object.keys(l4!.limits).sort()).toEqual(['maxConnections', 'maxConnectionsPerSource']);
    expect(tls).toMatchObject({ protocol: 'https', timeouts: { tlsHandshakeMs: 10000 } });
    expect(redirect).toMatchObject({ protocol: 'redirect', toPort: 443, status: 301 });
  });

  it.each([
    ['a port out of range', [vs({ listen: { port: 70000 } })], undefined, 'virtualServices[0].listen.port'],
    ['an unknown field', [vs({ colour: 'blue' })], undefined, 'virtualServices[0]'],
    ['a bad name', [vs({ name: 'web site' })], undefined, 'virtualServices[0].name'],
    ['https without tls', [vs({ protocol: 'https' })], undefined, 'virtualServices[0].tls'],
    ['tls on http', [vs({ tls: { certificates: ['www'] } })], undefined, 'virtualServices[0]'],
    ['real servers on a service', [vs({ realServers: [] })], undefined, 'virtualServices[0]'],
    ['content rules on tcp', [vs({ protocol: 'tcp', contentRules: [] })], undefined, 'virtualServices[0]'],
    [
      'a tcp service without a pool',
      [vs({ protocol: 'tcp', pool: undefined })],
      undefined,
      'virtualServices[0].pool',
    ],
    ['a pool that does not exist', [vs({ pool: 'nope' })], undefined, 'virtualServices[0].pool'],
    [
      'a content rule naming a missing pool',
      [vs({ contentRules: [{ name: 'r', pathPrefix: '/x', pool: 'nope' }] })],
      undefined,
      'virtualServices[0].contentRules[0].pool',
    ],
    [
      'a rule that matches everything',
      [vs({ contentRules: [{ name: 'r', pool: 'web' }] })],
      undefined,
      'virtualServices[0].contentRules[0]',
    ],
    [
      'a cookie pool behind a tcp service',
      [vs({ protocol: 'tcp' })],
      [pool({ persistence: { mode: 'cookie' } })],
      'virtualServices[0].pool',
    ],
    [
      'an https check without reencrypt',
      [vs()],
      [pool({ healthCheck: { type: 'https' } })],
      'pools[0].healthCheck.type',
    ],
    [
      'a real server name used twice in a pool',
      [vs()],
      [
        pool({
          servers: [
            { name: 'a', address: 'h', port: 1 },
            { name: 'a', address: 'i', port: 1 },
          ],
        }),
      ],
      'pools[0].servers[1].name',
    ],
    ['a pool defined twice', [vs()], [pool(), pool()], 'pools[1].name'],
    [
      'a fractional weight',
      [vs()],
      [pool({ servers: [{ name: 'a', address: 'h', port: 1, weight: 1.5 }] })],
      'pools[0].servers[0].weight',
    ],
    ['an unknown scheduler', [vs()], [pool({ scheduler: 'random' })], 'pools[0].scheduler'],
    [
      'a health path without a slash',
      [vs()],
      [pool({ healthCheck: { type: 'http', path: 'health' } })],
      'pools[0].healthCheck.path',
    ],
  ])('refuses %s, naming the field', (_what, services, pools, path) => {
    const r = parseAgentConfig(doc(services, pools));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toContain(path);
    for (const p of r.problems) expect(p.message.length).toBeGreaterThan(5);
  });

  it('lists every problem at once, across services', () => {
    const r = parseAgentConfig(
      doc([
        vs(),
        vs({ listen: { address: '127.0.0.1', port: 8080 } }),
        vs({ name: 'x', listen: { port: 0 } }),
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'virtualServices[1].name',
        'virtualServices[1].listen',
        'virtualServices[2].listen.port',
      ]),
    );
  });

  it('tls.defaultCertificate is optional, and must be one of the certificates', () => {
    const https = (tls: Record<string, unknown>) => vs({ protocol: 'https', tls });
    const omitted = parseAgentConfig(doc([https({ certificates: ['www', 'mail'] })]));
    expect(omitted.ok).toBe(true);
    expect(
      parseAgentConfig(doc([https({ certificates: ['www', 'mail'], defaultCertificate: 'mail' })])).ok,
    ).toBe(true);
    const wrong = parseAgentConfig(
      doc([https({ certificates: ['www', 'mail'], defaultCertificate: 'meet' })]),
    );
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(wrong.problems).toEqual([
      expect.objectContaining({
        path: 'virtualServices[0].tls.defaultCertificate',
        message: expect.stringContaining(
          'the default certificate "meet" is not one of this service\'s certificates (www, mail)',
        ),
      }),
    ]);
  });

  it('lets a disabled service share an address with an enabled one', () => {
    expect(parseAgentConfig(doc([vs(), vs({ name: 'old', enabled: false })])).ok).toBe(true);
  });

  it('reads a document without a version and without pools as version 1, and converts it', () => {
    const r = parseAgentConfig({
      virtualServices: [
        {
          name: 'web',
          listen: { port: 8080 },
          protocol: 'http',
          realServers: [{ name: 'a', address: 'h', port: 80 }],
        },
      ],
    });
    expect(r).toMatchObject({ ok: true, convertedFrom: 1 });
    if (!r.ok) return;
    expect(r.value.pools.map((p) => p.name)).toEqual(['web']);
    expect(r.value.virtualServices[0]).toMatchObject({ pool: 'web' });
  });

  it('answers a version-2 document that forgot its version in version-2 terms', () => {
    const r = parseAgentConfig({ virtualServices: [vs({ pool: 'nope' })] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.message)).toContain('there is no pool "nope"');
  });
});

describe('poolsOf', () => {
  it.each<[string, VirtualService, string[]]>([
    ['tcp', { protocol: 'tcp', pool: 'a' } as VirtualService, ['a']],
    ['redirect', { protocol: 'redirect' } as VirtualService, []],
    [
      'http with rules, once each',
      {
        protocol: 'http',
        pool: 'a',
        contentRules: [
          { name: 'x', pathPrefix: '/x', pool: 'b' },
          { name: 'y', pathPrefix: '/y', pool: 'a' },
        ],
      } as VirtualService,
      ['a', 'b'],
    ],
  ])('%s', (_what, service, pools) => {
    expect(poolsOf(service)).toEqual(pools);
  });
});
