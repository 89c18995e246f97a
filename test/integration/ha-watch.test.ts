/**
 * The Console's HA watch (src-main/fleet/ha-watch.ts) over a real agent process: it must follow
 * agents whose clients the fleet starts after the core was made — the app's and browser mode's
 * order (openConsole makes the core, then FleetManager.start) — subscribing to the `ha` topic and
 * reading ha.status when each comes online. Before, it attached only on pairing and missed
 * every agent paired in an earlier run. (The pair itself, with keepalived, is
 * test/e2e/ha.e2e.test.ts's, in network namespaces.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaWatch } from '../../src-main/fleet/ha-watch.ts';
import { FleetManager } from '../../src-main/fleet/index.ts';
import { openNodeConsoleStore } from '../../src-main/store/index.ts';
import { until } from '../support/engine.ts';
import { startFleetAgent, type FleetAgent } from '../support/fleet-agent.ts';
import { QUICK_TUNING } from '../support/quick-tuning.ts';

describe('HaWatch', () => {
  let agent: FleetAgent;
  let dir: string;

  beforeAll(async () => {
    agent = await startFleetAgent({ name: 'hw-a', site: 'east' });
    dir = mkdtempSync(join(tmpdir(), 'portico-ha-watch-'));
    // An earlier run of the Console paired the agent.
    const fleet = new FleetManager({ store: openNodeConsoleStore({ cwd: dir }), tuning: QUICK_TUNING });
    await fleet.pair({
      address: '127.0.0.1',
      port: agent.port,
      token: agent.token,
      expectedFingerprint: agent.fingerprint,
    });
    await fleet.close();
  }, 30_000);
  afterAll(async () => {
    await agent?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('follows an agent the fleet connects to after the watch was made', async () => {
    const fleet = new FleetManager({ store: openNodeConsoleStore({ cwd: dir }), tuning: QUICK_TUNING });
    const changed: string[] = [];
    const problems: string[] = [];
    const watch = new HaWatch(
      fleet,
      (agentId) => changed.push(agentId),
      (_agentId, message) => problems.push(message),
    );
    try {
      fleet.start();
      await until(() => changed.includes(agent.id), 'the watch to read the agent once online', 15_000);
      expect(problems).toEqual([]);
      // An agent in no pair: read and kept, so listing pairs asks it nothing more.
      expect(await watch.status(agent.id)).toMatchObject({ configured: false, state: 'stopped' });
    } finally {
      watch.close();
      await fleet.close();
    }
  }, 30_000);
});
