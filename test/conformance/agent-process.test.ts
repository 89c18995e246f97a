/**
 * Conformance, the agent as an admin runs it: `portico-agent --engine X` (a real process on a
 * fresh data dir), the engine reported by agent.info and remembered in agent.json, a config
 * applied through the management API with health events, and SIGTERM letting a request in
 * flight finish. With the haproxy engine, no HAProxy is left behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { startBackends, type Backend } from '../support/backends.ts';
import { ENGINES, request } from '../support/conformance.ts';
import { until } from '../support/engine.ts';
import { freePort } from '../support/ports.ts';

let backends: Backend[];
beforeAll(async () => {
  backends = await startBackends(['s0', 's1']);
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

describe.each(ENGINES)('%s engine', (kind) => {
  let agent: AgentProcess | undefined;
  afterAll(() => agent?.cleanup());

  it('runs with --engine, reports and remembers it, applies over the API, drains on SIGTERM', async () => {
    const port = await freePort();
    const config = (servers: number) => ({
      version: 2,
      pools: [
        {
          name: 'web',
          servers: backends
            .slice(0, servers)
            .map((b, i) => ({ name: `s${i}`, address: '127.0.0.1', port: b.port })),
          healthCheck: { type: 'http', path: '/health', intervalMs: 200, rise: 1, fall: 1 },
        },
      ],
      virtualServices: [
        { name: 'web', protocol: 'http', listen: { address: '127.0.0.1', port }, pool: 'web' },
      ],
    });
    agent = await startAgentProcess({ config: config(1), args: ['--engine', kind] });
    expect(JSON.parse(readFileSync(join(agent.dataDir, 'agent.json'), 'utf8'))).toMatchObject({
      engine: kind,
    });
    let api = await agent.client();
    const info = await api.result('agent.info');
    expect(info.engine).toMatchObject({
      kind,
      version:
        kind === 'haproxy' ? expect.stringMatching(/^HAProxy 2\./) : expect.stringMatching(/^portico /),
    });
    await api.result('events.subscribe', { topics: ['health'] });
    const { revision } = (await api.result('config.get')) as { revision: number };
    await api.result('config.apply', { config: config(2), expectRevision: revision });
    await api.waitForEvent(
      (ev) => ev.topic === 'health' && ev.data.key === 'web/s1' && ev.data.state === 'up',
      5_000,
    );
    const seen = new Set<string | null>();
    for (let i = 0; i < 4; i++) seen.add((await request(port)).backend);
    expect(seen).toEqual(new Set(['s0', 's1']));
    api.close();

    // A restart without the flag runs the same engine.
    const dataDir = agent.dataDir;
    expect(await agent.stop()).toBe(0);
    agent = await startAgentProcess({ dataDir });
    api = await agent.client();
    expect(((await api.result('agent.info')).engine as { kind: string }).kind).toBe(kind);
    api.close();
    await until(async () => (await request(port)).status === 200, 'the service after the restart');

    // SIGTERM: a request in flight finishes, then everything the agent started is gone.
    const masterPid =
      kind === 'haproxy' ? Number(readFileSync(join(dataDir, 'haproxy', 'master.pid'), 'utf8')) : 0;
    const slow = request(port, '/slow?ms=700');
    await new Promise((r) => setTimeout(r, 200));
    const exited = agent.stop(10_000);
    expect((await slow).status).toBe(200);
    expect(await exited).toBe(0);
    if (masterPid) expect(() => process.kill(masterPid, 0)).toThrow();
  });
});
