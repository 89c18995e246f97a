import { afterEach, describe, expect, it } from 'vitest';
import { EVENTS } from '../../shared/protocol/events.ts';
import { startBackend, type Backend } from '../../test/support/backends.ts';
import { freePort } from '../../test/support/ports.ts';
import { tokenIdOf } from './auth.ts';
import { startTestAgent, TEST_TOKEN, type TestAgent } from '../../test/support/mgmt-agent.ts';

let agent: TestAgent | undefined;
let backend: Backend | undefined;
afterEach(async () => {
  await agent?.close();
  await backend?.close();
  agent = backend = undefined;
});

const INTERVAL_MS = 100;

describe('events', () => {
  it('pushes a health event within one check interval of a real server going down', async () => {
    agent = await startTestAgent();
    backend = await startBackend('rs1');
    const client = await agent.connect();
    expect(await client.result('events.subscribe', { topics: ['health'] })).toEqual({ topics: ['health'] });

    const port = await freePort();
    await client.result('config.apply', {
      config: {
        pools: [
          {
            name: 'web',
            healthCheck: {
              type: 'http',
              path: '/health',
              intervalMs: INTERVAL_MS,
              timeoutMs: 50,
              rise: 1,
              fall: 1,
            },
            servers: [{ name: 'rs1', address: '127.0.0.1', port: backend.port }],
          },
        ],
        virtualServices: [
          { name: 'web', listen: { address: '127.0.0.1', port }, protocol: 'http', pool: 'web' },
        ],
      },
    });
    const up = await client.waitForEvent((e) => e.topic === 'health' && e.data.state === 'up');
    expect(EVENTS.health.data.parse(up.data)).toMatchObject({ key: 'web/rs1', pool: 'web', server: 'rs1' });

    const killedAt = performance.now();
    await backend.kill();
    const down = await client.waitForEvent((e) => e.topic === 'health' && e.data.state === 'down');
    const latency = performance.now() - killedAt;
    expect(down.data).toMatchObject({ key: 'web/rs1', state: 'down' });
    // One interval for the next check, plus slack for the failed connect and the push.
    expect(latency).toBeLessThan(INTERVAL_MS + 250);

    // The snapshot agrees with the event.
    const snapshot = await client.result('health.snapshot');
    expect(snapshot.servers).toMatchObject([{ key: 'web/rs1', state: 'down' }]);
    client.close();
  });

  it('pushes config events to every subscribed session, naming who changed what', async () => {
    agent = await startTestAgent();
    const editor = await agent.connect();
    const watchers = await Promise.all([agent.connect(), agent.connect()]);
    for (const w of watchers) await w.result('events.subscribe', { topics: ['config'] });
    const unsubscribed = await agent.connect();

    const port = await freePort();
    const { revision } = await editor.result('config.apply', {
      config: {
        pools: [{ name: 'web', servers: [{ name: 'a', address: '127.0.0.1', port: 9 }] }],
        virtualServices: [
          { name: 'web', listen: { address: '127.0.0.1', port }, protocol: 'http', pool: 'web' },
        ],
      },
    });
    for (const w of watchers) {
      const event = await w.waitForEvent((e) => e.topic === 'config');
      expect(EVENTS.config.data.parse(event.data)).toEqual({
        revision,
        actor: { tokenId: tokenIdOf(TEST_TOKEN), peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
      });
    }
    expect(editor.events).toEqual([]);
    expect(unsubscribed.events).toEqual([]);
    for (const c of [editor, ...watchers, unsubscribed]) c.close();
  });

  it('ticks stats only while someone is subscribed', async () => {
    agent = await startTestAgent({ management: { statsIntervalMs: 50 } });
    const client = await agent.connect();
    expect(await client.result('events.subscribe', { topics: ['stats', 'config'] })).toEqual({
      topics: ['config', 'stats'],
    });
    const tick = await client.waitForEvent((e) => e.topic === 'stats');
    expect(EVENTS.stats.data.parse(tick.data)).toMatchObject({ pools: [], virtualServices: [] });

    expect(await client.result('events.unsubscribe', { topics: ['stats'] })).toEqual({ topics: ['config'] });
    // Let an answer that raced the unsubscribe arrive, then expect silence.
    await new Promise((r) => setTimeout(r, 60));
    const count = client.events.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(client.events.length).toBe(count);
    expect(await client.result('events.unsubscribe')).toEqual({ topics: [] });
    client.close();
  });

  it('drops the subscriptions of a closed session, and holds one feed per topic', async () => {
    agent = await startTestAgent({ management: { statsIntervalMs: 20 } });
    const management = agent.management;
    const original = management.subscribe.bind(management);
    const active = new Map<string, number>();
    management.subscribe = ((topic, listener) => {
      active.set(topic, (active.get(topic) ?? 0) + 1);
      const leave = original(topic, listener);
      return () => {
        active.set(topic, (active.get(topic) ?? 0) - 1);
        leave();
      };
    }) as typeof management.subscribe;

    const one = await agent.connect();
    const two = await agent.connect();
    for (const c of [one, two]) await c.result('events.subscribe', { topics: ['stats', 'health'] });
    await one.waitForEvent((e) => e.topic === 'stats');
    await two.waitForEvent((e) => e.topic === 'stats');
    expect(Object.fromEntries(active)).toEqual({ stats: 1, health: 1 });

    one.close();
    await one.closed();
    await two.result('agent.info');
    expect(Object.fromEntries(active)).toEqual({ stats: 1, health: 1 });
    two.close();
    await two.closed();
    await expect.poll(() => Object.fromEntries(active)).toEqual({ stats: 0, health: 0 });
  });

  it('cuts off a session that stops reading its events, and only that one', async () => {
    agent = await startTestAgent({ server: { maxBufferedBytes: 1024 * 1024 } });
    const reader = await agent.connect();
    const stuck = await agent.connect();
    for (const c of [reader, stuck]) await c.result('events.subscribe', { topics: ['health'] });
    // Stop reading: the kernel buffers fill, then the agent's send buffer.
    (stuck.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const since = new Date().toISOString();
    const reason = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 2_000 && agent.server.counters().sessions === 2; i++) {
      agent.health.publish({
        key: 'web/a',
        pool: 'web',
        server: 'a',
        state: 'down',
        since,
        reason,
      });
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
    await expect.poll(() => agent?.server.counters().sessions).toBe(1);
    expect(await reader.result('agent.info')).toBeDefined();
    expect(reader.events.length).toBeGreaterThan(0);
    reader.close();
  });
});
