import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from './validate.ts';

const vs = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  listen: { address: '127.0.0.1', port: 8080 },
  protocol: 'http',
  realServers: [{ name: 'a', address: '10.0.0.1', port: 80 }],
  ...extra,
});

describe('config validation', () => {
  it('fills defaults an admin can rely on', () => {
    const r = parseAgentConfig({ virtualServices: [vs()] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value.virtualServices[0]!;
    expect(v.scheduler).toBe('round-robin');
    expect(v.persistence).toEqual({ mode: 'none' });
    expect(v.timeouts).toEqual({
      connectMs: 3000,
      clientHeaderMs: 10000,
      clientBodyMs: 20000,
      idleMs: 60000,
      serverMs: 60000,
      tlsHandshakeMs: 10000,
    });
    expect(v.limits).toEqual({
      maxConnections: 20000,
      maxConnectionsPerSource: 0,
      maxTunnels: 10000,
      minBodyRate: 500,
    });
    expect(v.forwardedHeaders).toBe('replace');
    expect(v.realServers[0]).toMatchObject({ weight: 1, enabled: true, maxConnections: 0 });
  });

  it.each([
    ['a port out of range', { listen: { port: 70000 } }, 'virtualServices[0].listen.port'],
    ['an unknown field', { colour: 'blue' }, 'virtualServices[0]'],
    ['a bad name', { name: 'web site' }, 'virtualServices[0].name'],
    ['https without tls', { protocol: 'https' }, 'virtualServices[0].tls'],
    ['tls on http', { tls: { certificates: ['www'] } }, 'virtualServices[0].tls'],
    [
      'cookie persistence on tcp',
      { protocol: 'tcp', persistence: { mode: 'cookie' } },
      'virtualServices[0].persistence.mode',
    ],
    [
      'content rules on tcp',
      { protocol: 'tcp', contentRules: [{ name: 'r', pathPrefix: '/', realServers: [] }] },
      'virtualServices[0].contentRules',
    ],
    [
      'a redirect on https',
      { protocol: 'https', tls: { certificates: ['www'] }, redirect: {} },
      'virtualServices[0].redirect',
    ],
    [
      'a rule that matches everything',
      { contentRules: [{ name: 'r', realServers: [] }] },
      'virtualServices[0].contentRules[0]',
    ],
    [
      'an https check without reencrypt',
      { healthCheck: { type: 'https' } },
      'virtualServices[0].healthCheck.type',
    ],
    [
      'a real server name used twice',
      {
        contentRules: [{ name: 'r', pathPrefix: '/x', realServers: [{ name: 'a', address: 'h', port: 1 }] }],
      },
      'virtualServices[0].contentRules[0].realServers[0].name',
    ],
    [
      'a fractional weight',
      { realServers: [{ name: 'a', address: 'h', port: 1, weight: 1.5 }] },
      'virtualServices[0].realServers[0].weight',
    ],
    ['an unknown scheduler', { scheduler: 'random' }, 'virtualServices[0].scheduler'],
    [
      'a health path without a slash',
      { healthCheck: { type: 'http', path: 'health' } },
      'virtualServices[0].healthCheck.path',
    ],
  ])('refuses %s, naming the field', (_what, extra, path) => {
    const r = parseAgentConfig({ virtualServices: [vs(extra)] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path)).toContain(path);
    for (const p of r.problems) expect(p.message.length).toBeGreaterThan(5);
  });

  it('lists every problem at once, across services', () => {
    const r = parseAgentConfig({
      virtualServices: [
        vs(),
        vs({ listen: { address: '127.0.0.1', port: 8080 } }),
        vs({ name: 'x', listen: { port: 0 } }),
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'virtualServices[1].name',
        'virtualServices[1].listen',
        'virtualServices[2].listen.port',
      ]),
    );
    expect(r.problems.find((p) => p.path === 'virtualServices[1].listen')!.message).toMatch(
      /already used.*content rules/,
    );
  });

  it('lets a disabled service share an address with an enabled one', () => {
    expect(parseAgentConfig({ virtualServices: [vs(), vs({ name: 'old', enabled: false })] }).ok).toBe(true);
  });
});
