/**
 * The demo fleet `npm start` shows, without the Console: three sites of real agents balancing
 * their demo servers, under the demo traffic. Each service is reached through its agent (the
 * status counts the requests, every pool member is up and takes a share), the traffic stays
 * within its bound, and stop() leaves nothing behind.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../test/support/engine.ts';
import { DEMO_SITES, startDemoSites, type DemoSites } from './demo-sites.ts';
import { startDemoTraffic, type DemoTraffic } from './demo-traffic.ts';
import { silentLogger } from './log.ts';

let sites: DemoSites | undefined;
let traffic: DemoTraffic | undefined;
afterEach(async () => {
  traffic?.stop();
  await sites?.stop();
});

describe('the demo fleet', () => {
  it('runs three sites whose services the demo traffic reaches through each agent, within its bound', async () => {
    sites = await startDemoSites(silentLogger());
    expect(sites.agents.map((a) => [a.site, a.name])).toEqual(DEMO_SITES.map((s) => [s, `demo-${s}`]));
    expect(sites.services.map((s) => `${s.site}/${s.name}`)).toEqual(
      DEMO_SITES.flatMap((s) => [`${s}/web`, `${s}/api`]),
    );
    for (const a of sites.agents) {
      await until(
        () => a.engine.healthSnapshot().every((h) => h.state === 'up'),
        `${a.site}'s servers up`,
        10_000,
      );
    }

    const started = Date.now();
    traffic = startDemoTraffic(sites.services.map((s) => s.url));
    // Every service has answered some requests, through its agent.
    await until(
      () => sites!.agents.every((a) => a.engine.status().virtualServices.every((v) => v.requests >= 3)),
      'requests on every service',
      15_000,
    );
    const seconds = (Date.now() - started) / 1000;
    let total = 0;
    for (const a of sites.agents) {
      const status = a.engine.status();
      for (const v of status.virtualServices) total += v.requests;
      for (const pool of status.pools) {
        expect(pool.servers.every((m) => m.state === 'up')).toBe(true);
      }
    }
    // 40 requests per second at most for the whole demo (one tick of slack).
    expect(total).toBeLessThanOrEqual(40 * (seconds + 0.2) + 6);
    expect(traffic.counts['2xx']).toBeGreaterThan(0);
    expect(traffic.counts.failed ?? 0).toBe(0);

    const dirs = sites.agents.map((a) => a.tokenFile.replace(/\/token$/, ''));
    traffic.stop();
    await sites.stop();
    sites = undefined;
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  }, 40_000);
});
