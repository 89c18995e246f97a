/**
 * `portico-agent --engine simulated` as an admin runs it: a real agent process whose engine is
 * the traffic model. It runs a config that binds nothing (port 80 on every address), serves the
 * real management API with a status that moves, and remembers the engine in agent.json so a
 * restart without the flag is simulated again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StatsSnapshot } from '../../../shared/protocol/stats.ts';
import { startAgentProcess, type AgentProcess } from '../../../test/support/agent-process.ts';
import { until } from '../../../test/support/engine.ts';

const CONFIG = {
  version: 2,
  pools: [{ name: 'web', servers: [{ name: 'a', address: '10.9.9.1', port: 8080 }] }],
  virtualServices: [
    { name: 'shop', protocol: 'http', listen: { address: '0.0.0.0', port: 80 }, pool: 'web' },
  ],
};

let agent: AgentProcess | undefined;
afterEach(async () => agent?.cleanup());

describe('portico-agent --engine simulated', () => {
  it('runs the management plane over the traffic model and remembers the engine', async () => {
    agent = await startAgentProcess({ config: CONFIG, args: ['--engine', 'simulated', '--no-mdns'] });
    const client = await agent.client();
    try {
      const info = await client.result('agent.info');
      expect(info).toMatchObject({ engine: { kind: 'simulated', listening: 1, realServers: { up: 1 } } });
      await until(
        async () =>
          StatsSnapshot.parse(await client.result('stats.snapshot')).virtualServices[0]!.requests > 0,
        'simulated requests',
        10_000,
      );
    } finally {
      client.close();
    }
    expect(JSON.parse(readFileSync(join(agent.dataDir, 'agent.json'), 'utf8'))).toMatchObject({
      engine: 'simulated',
    });
    expect(await agent.stop()).toBe(0);

    // Same data dir, no flag: still simulated.
    const dataDir = agent.dataDir;
    agent = await startAgentProcess({ dataDir, args: ['--no-mdns'] });
    const again = await agent.client();
    try {
      expect(await again.result('agent.info')).toMatchObject({ engine: { kind: 'simulated' } });
    } finally {
      again.close();
    }
  }, 60_000);
});
