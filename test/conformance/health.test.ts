/**
 * Conformance, health checks: rise and fall on http checks with the expected statuses, tcp
 * checks, the events published, and what traffic does meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type Backend } from '../support/backends.ts';
import {
  differs,
  ENGINES,
  pool,
  request,
  service,
  startEngine,
  type EngineUnderTest,
} from '../support/conformance.ts';
import { until } from '../support/engine.ts';
import { freePort } from '../support/ports.ts';

let backends: Backend[];
beforeAll(async () => {
  backends = await startBackends(['s0', 's1']);
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

const INTERVAL = 150;

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  let port: number;
  beforeAll(async () => {
    e = await startEngine(kind);
    port = await freePort();
  });
  afterAll(() => e?.stop());

  const state = (key: string) => e.plane.healthSnapshot().find((h) => h.key === key)?.state;

  it('http check: down after `fall` failures, up after `rise` passes, traffic follows', async () => {
    for (const b of backends) b.healthStatus = 200;
    await e.apply({
      pools: [
        pool(
          'web',
          backends.map((b) => b.port),
          {
            healthCheck: {
              type: 'http',
              path: '/health',
              expectStatus: [200, 204],
              intervalMs: INTERVAL,
              rise: 2,
              fall: 2,
            },
          },
        ),
      ],
      virtualServices: [service('web', port)],
    });
    await until(() => state('web/s0') === 'up' && state('web/s1') === 'up', 'both up', 3_000);

    backends[1]!.healthStatus = 503;
    const failedAt = Date.now();
    await until(() => state('web/s1') === 'down', 's1 down', 5_000);
    // fall × interval, plus the check in flight and a poll: bounded generously for a loaded CI.
    const tookMs = Date.now() - failedAt;
    expect(tookMs).toBeLessThan(3_000);
    const down = e.health.find((h) => h.key === 'web/s1' && h.state === 'down')!;
    expect(down.reason).toMatch(/503/);
    for (let i = 0; i < 4; i++) expect((await request(port)).backend).toBe('s0');

    backends[1]!.healthStatus = 204; // an expected status too
    await until(() => state('web/s1') === 'up', 's1 up again', 5_000);
    const seen = new Set<string | null>();
    for (let i = 0; i < 4; i++) seen.add((await request(port)).backend);
    expect(seen).toEqual(new Set(['s0', 's1']));
    console.log(
      `[${kind}] marked down ${tookMs} ms after its checks started failing (interval ${INTERVAL} ms, fall 2)`,
    );
  });

  it('tcp check: a server that stops listening goes down, and comes back', async () => {
    await e.apply({
      pools: [
        pool(
          'web',
          backends.map((b) => b.port),
          { healthCheck: { type: 'tcp', intervalMs: INTERVAL, rise: 1, fall: 1 } },
        ),
      ],
      virtualServices: [service('web', port)],
    });
    await until(() => state('web/s1') === 'up', 's1 up', 3_000);
    await backends[1]!.kill();
    try {
      await until(() => state('web/s1') === 'down', 's1 down', 5_000);
      expect(e.plane.healthSnapshot().find((h) => h.key === 'web/s1')!.reason).toMatch(/refused|connect/i);
    } finally {
      await backends[1]!.revive();
    }
    await until(() => state('web/s1') === 'up', 's1 up again', 5_000);
  });

  it('a new server is unknown until checked; no check at all counts as up', async () => {
    await e.apply({
      pools: [
        pool('checked', [backends[0]!.port], {
          healthCheck: { type: 'http', path: '/health', intervalMs: 60_000, rise: 1, fall: 1 },
        }),
        pool('unchecked', [backends[1]!.port]),
      ],
      virtualServices: [service('checked', port)],
    });
    expect(state('unchecked/s0')).toBe('up');
    // The first check runs at once (built-in) or within the first interval (HAProxy spreads its
    // first checks over `inter`): until then the server is unknown and takes traffic.
    const first = state('checked/s0');
    expect(['unknown', 'up']).toContain(first);
    expect((await request(port)).status).toBe(200);
    differs(
      kind,
      { builtin: 'probes at once', haproxy: 'first check within one interval' },
      'HAProxy schedules the first check itself',
    );
  });
});
