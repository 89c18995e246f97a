import { describe, expect, it } from 'vitest';
import { AgentConfig } from '../../shared/model/config.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import { LiveView } from './live-view.ts';

const config = AgentConfig.parse({
  virtualServices: [
    {
      name: 'web',
      listen: { address: '127.0.0.1', port: 8080 },
      protocol: 'http',
      realServers: [{ name: 'rs1', address: '10.0.0.1', port: 80 }],
      contentRules: [
        { name: 'api', pathPrefix: '/api', realServers: [{ name: 'api1', address: '10.0.0.2', port: 81 }] },
      ],
    },
  ],
});
const health = (
  key: string,
  state: RealServerHealth['state'],
  since: string,
  lastCheck?: string,
): RealServerHealth => ({
  key,
  virtualService: key.split('/')[0]!,
  realServer: key.split('/')[1]!,
  state,
  since,
  ...(lastCheck ? { lastCheck } : {}),
});

describe('LiveView', () => {
  it('lists every real server, content-rule groups included, with its health', () => {
    const view = new LiveView();
    view.setConfig('a', 3, config);
    view.setHealth('a', [health('web/rs1', 'up', '2026-01-01T00:00:00Z')]);
    expect(view.virtualServices('a')).toEqual([
      {
        name: 'web',
        enabled: true,
        protocol: 'http',
        listen: { address: '127.0.0.1', port: 8080 },
        realServers: [
          expect.objectContaining({
            key: 'web/rs1',
            address: '10.0.0.1',
            health: expect.objectContaining({ state: 'up' }),
          }),
          {
            key: 'web/api1',
            name: 'api1',
            rule: 'api',
            address: '10.0.0.2',
            port: 81,
            weight: 1,
            enabled: true,
          },
        ],
      },
    ]);
    expect(view.keys('a')).toEqual(new Set(['web/rs1', 'web/api1']));
  });

  it('ignores an older config revision and older health, whatever order they arrive in', () => {
    const view = new LiveView();
    expect(view.setConfig('a', 5, config)).toBe(true);
    expect(view.setConfig('a', 4, AgentConfig.parse({}))).toBe(false);
    expect(view.virtualServices('a')).toHaveLength(1);

    expect(view.applyHealth('a', health('web/rs1', 'down', '2026-01-01T00:00:10Z'))).toBe(true);
    // A snapshot taken before that event arrives after it: the event's newer state stays.
    view.setHealth('a', [
      health('web/rs1', 'up', '2026-01-01T00:00:00Z'),
      health('web/api1', 'up', '2026-01-01T00:00:00Z'),
    ]);
    expect(view.health('a', 'web/rs1')?.state).toBe('down');
    expect(view.health('a', 'web/api1')?.state).toBe('up');
    expect(view.applyHealth('a', health('web/rs1', 'up', '2026-01-01T00:00:05Z'))).toBe(false);
    // Same state change, later check: the newer details win.
    expect(
      view.applyHealth('a', health('web/rs1', 'down', '2026-01-01T00:00:10Z', '2026-01-01T00:00:20Z')),
    ).toBe(true);
    // A snapshot drops servers it no longer lists.
    view.setHealth('a', [health('web/rs1', 'down', '2026-01-01T00:00:10Z')]);
    expect(view.health('a', 'web/api1')).toBeUndefined();
  });
});
