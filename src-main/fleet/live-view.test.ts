import { describe, expect, it } from 'vitest';
import { AgentConfig } from '../../shared/model/config.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import { LiveView } from './live-view.ts';

// Two services share the web pool (one by a content rule); the api pool has one user; spare none.
const config = AgentConfig.parse({
  pools: [
    { name: 'web', servers: [{ name: 'rs1', address: '10.0.0.1', port: 80 }] },
    { name: 'api', servers: [{ name: 'api1', address: '10.0.0.2', port: 81, weight: 3, enabled: false }] },
    { name: 'spare' },
  ],
  virtualServices: [
    {
      name: 'site',
      listen: { address: '127.0.0.1', port: 8080 },
      protocol: 'http',
      pool: 'web',
      contentRules: [{ name: 'api', pathPrefix: '/api', pool: 'api' }],
    },
    {
      name: 'site-tls',
      listen: { address: '127.0.0.1', port: 8443 },
      protocol: 'https',
      tls: { certificates: ['www'] },
      contentRules: [{ name: 'all', pathPrefix: '/', pool: 'web' }],
    },
    { name: 'to-tls', listen: { address: '127.0.0.1', port: 8081 }, protocol: 'redirect', toPort: 8443 },
  ],
});
const health = (
  key: string,
  state: RealServerHealth['state'],
  since: string,
  lastCheck?: string,
): RealServerHealth => ({
  key,
  pool: key.split('/')[0]!,
  server: key.split('/')[1]!,
  state,
  since,
  ...(lastCheck ? { lastCheck } : {}),
});

describe('LiveView', () => {
  it('lists each real server once, under its pool, with its health and every service using the pool', () => {
    const view = new LiveView();
    view.setConfig('a', 3, config);
    view.setHealth('a', [health('web/rs1', 'up', '2026-01-01T00:00:00Z')]);
    expect(view.pools('a')).toEqual([
      {
        name: 'web',
        usedBy: ['site', 'site-tls'],
        servers: [
          {
            key: 'web/rs1',
            name: 'rs1',
            address: '10.0.0.1',
            port: 80,
            weight: 1,
            enabled: true,
            health: health('web/rs1', 'up', '2026-01-01T00:00:00Z'),
          },
        ],
      },
      {
        name: 'api',
        usedBy: ['site'],
        servers: [
          { key: 'api/api1', name: 'api1', address: '10.0.0.2', port: 81, weight: 3, enabled: false },
        ],
      },
      { name: 'spare', usedBy: [], servers: [] },
    ]);
    expect(view.virtualServices('a')).toEqual([
      {
        name: 'site',
        enabled: true,
        protocol: 'http',
        listen: { address: '127.0.0.1', port: 8080 },
        pools: ['web', 'api'],
      },
      {
        name: 'site-tls',
        enabled: true,
        protocol: 'https',
        listen: { address: '127.0.0.1', port: 8443 },
        pools: ['web'],
      },
      {
        name: 'to-tls',
        enabled: true,
        protocol: 'redirect',
        listen: { address: '127.0.0.1', port: 8081 },
        pools: [],
      },
    ]);
    expect(view.keys('a')).toEqual(new Set(['web/rs1', 'api/api1']));
    expect(view.counts('a')).toEqual({ pools: 3, virtualServices: 3, realServers: 2 });
    expect(view.counts('b')).toBeUndefined();
    expect(view.pools('b')).toEqual([]);
  });

  it('ignores an older config revision and older health, whatever order they arrive in', () => {
    const view = new LiveView();
    expect(view.setConfig('a', 5, config)).toBe(true);
    expect(view.setConfig('a', 4, AgentConfig.parse({}))).toBe(false);
    expect(view.pools('a')).toHaveLength(3);

    expect(view.applyHealth('a', health('web/rs1', 'down', '2026-01-01T00:00:10Z'))).toBe(true);
    // A snapshot taken before that event arrives after it: the event's newer state stays.
    view.setHealth('a', [
      health('web/rs1', 'up', '2026-01-01T00:00:00Z'),
      health('api/api1', 'up', '2026-01-01T00:00:00Z'),
    ]);
    expect(view.health('a', 'web/rs1')?.state).toBe('down');
    expect(view.health('a', 'api/api1')?.state).toBe('up');
    expect(view.applyHealth('a', health('web/rs1', 'up', '2026-01-01T00:00:05Z'))).toBe(false);
    // Same state change, later check: the newer details win.
    expect(
      view.applyHealth('a', health('web/rs1', 'down', '2026-01-01T00:00:10Z', '2026-01-01T00:00:20Z')),
    ).toBe(true);
    // A snapshot drops servers it no longer lists.
    view.setHealth('a', [health('web/rs1', 'down', '2026-01-01T00:00:10Z')]);
    expect(view.health('a', 'api/api1')).toBeUndefined();
  });
});
