import { afterEach, describe, expect, it } from 'vitest';
import type { HealthCheck } from '../../shared/model/config.ts';
import type { HealthState, RealServerHealth } from '../../shared/model/health.ts';
import { HealthMonitor } from './monitor.ts';
import type { HealthTarget } from './monitor.ts';
import {
  closedPort,
  httpServer,
  selfSigned,
  silentServer,
  sleep,
  waitFor,
} from '../../test/support/health-servers.ts';
import type { Counted } from '../../test/support/health-servers.ts';

const INTERVAL = 100;

const opened: Counted[] = [];
const monitors: HealthMonitor[] = [];
afterEach(async () => {
  for (const monitor of monitors.splice(0)) monitor.stop();
  await Promise.all(opened.splice(0).map((s) => s.close()));
});
function keep<T extends Counted>(server: T): T {
  opened.push(server);
  return server;
}

interface Change {
  health: RealServerHealth;
  previous: HealthState;
}

function monitored(options: { maxConcurrentProbes?: number } = {}): {
  monitor: HealthMonitor;
  changes: Change[];
} {
  const changes: Change[] = [];
  const monitor = new HealthMonitor({
    ...options,
    onChange: (health, previous) => changes.push({ health, previous }),
  });
  monitors.push(monitor);
  return { monitor, changes };
}

function tcp(extra: Partial<Extract<HealthCheck, { type: 'tcp' }>> = {}): HealthCheck {
  return { type: 'tcp', intervalMs: INTERVAL, timeoutMs: 500, rise: 1, fall: 1, ...extra };
}

type HttpCheck = Extract<HealthCheck, { type: 'http' }>;

function http(extra: Partial<HttpCheck> = {}): HttpCheck {
  return {
    type: 'http',
    intervalMs: INTERVAL,
    timeoutMs: 500,
    rise: 1,
    fall: 1,
    method: 'GET',
    path: '/',
    expectStatus: [200],
    ...extra,
  };
}

function target(port: number, check: HealthCheck, extra: Partial<HealthTarget> = {}): HealthTarget {
  return {
    key: 'exchange/mbx1',
    pool: 'exchange',
    server: 'mbx1',
    address: '127.0.0.1',
    port,
    enabled: true,
    check,
    ...extra,
  };
}

/** Only the transitions, the way a reader of the event stream sees them. */
function transitions(changes: Change[]): string[] {
  return changes.map((c) => `${c.previous}→${c.health.state}`);
}

describe('HealthMonitor', () => {
  it('marks a server without a health check up at once, without probing', () => {
    const { monitor, changes } = monitored();
    monitor.update([target(1, { type: 'none' })]);
    expect(monitor.get('exchange/mbx1')).toMatchObject({
      state: 'up',
      pool: 'exchange',
      server: 'mbx1',
    });
    expect(monitor.get('exchange/mbx1')?.lastCheck).toBeUndefined();
    expect(transitions(changes)).toEqual(['unknown→up']);
  });

  it('marks a disabled server disabled and never probes it', async () => {
    const server = keep(await silentServer());
    const { monitor, changes } = monitored();
    monitor.update([target(server.port, tcp(), { enabled: false })]);
    expect(monitor.get('exchange/mbx1')?.state).toBe('disabled');
    expect(transitions(changes)).toEqual(['unknown→disabled']);
    await sleep(INTERVAL * 4);
    expect(server.connections).toBe(0);
  });

  it('starts unknown, goes up on passes and down when the server goes away', async () => {
    const server = keep(await silentServer());
    const { monitor, changes } = monitored();
    monitor.update([target(server.port, tcp({ rise: 2, fall: 2 }))]);
    expect(monitor.get('exchange/mbx1')?.state).toBe('unknown');
    expect(changes).toEqual([]);

    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'up', 5000, 'up');
    expect(server.connections).toBeGreaterThanOrEqual(2);
    const up = monitor.get('exchange/mbx1');
    expect(up?.latencyMs).toEqual(expect.any(Number));
    expect(up?.reason).toBeUndefined();

    await server.close();
    const closedAt = Date.now();
    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'down', 5000, 'down');
    // interval × fall plus a check's own time; generous for a loaded CI machine.
    expect(Date.now() - closedAt).toBeLessThan(INTERVAL * 2 + 2000);
    const down = monitor.get('exchange/mbx1');
    expect(down?.reason).toBe(`connect ECONNREFUSED 127.0.0.1:${server.port}`);
    expect(down?.latencyMs).toBeUndefined();
    expect(transitions(changes)).toEqual(['unknown→up', 'up→down']);
    expect(changes[1]?.health.since).not.toBe(changes[0]?.health.since);
    expect(Date.parse(down?.lastCheck ?? '')).toBeGreaterThanOrEqual(Date.parse(down?.since ?? ''));
  });

  it('goes up only on an expected status and reports the status it got', async () => {
    const server = keep(await httpServer());
    server.status = 503;
    const { monitor, changes } = monitored();
    monitor.update([target(server.port, http({ expectStatus: [200, 204], path: '/healthz' }))]);
    await waitFor(() => changes.length === 1, 5000, 'a first decision');
    expect(changes[0]?.health).toMatchObject({ state: 'down', reason: 'status 503, expected 200 or 204' });

    server.status = 204;
    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'up', 5000, 'up');
    expect(server.requests.every((r) => r.url === '/healthz')).toBe(true);
    expect(transitions(changes)).toEqual(['unknown→down', 'down→up']);
  });

  it('fails a server that accepts but never answers with a timeout reason', async () => {
    const server = keep(await silentServer());
    const { monitor } = monitored();
    monitor.update([target(server.port, http({ timeoutMs: 150 }))]);
    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'down', 5000, 'down');
    expect(monitor.get('exchange/mbx1')?.reason).toBe('no answer within 150 ms');
  });

  it('checks check.port instead of the real server port when set, over verified https', async () => {
    const pair = selfSigned();
    const server = keep(await httpServer({ tls: pair }));
    const { monitor } = monitored();
    const check: HealthCheck = { ...http(), type: 'https', port: server.port };
    monitor.update([
      target(await closedPort(), check, {
        tls: { ca: pair.cert, servername: 'localhost', rejectUnauthorized: true },
      }),
      target(await closedPort(), check, {
        key: 'exchange/mbx2',
        server: 'mbx2',
        tls: { servername: 'localhost', rejectUnauthorized: true },
      }),
    ]);
    await waitFor(() => monitor.snapshot().every((h) => h.state !== 'unknown'), 5000, 'both decided');
    expect(monitor.get('exchange/mbx1')?.state).toBe('up');
    expect(monitor.get('exchange/mbx2')).toMatchObject({
      state: 'down',
      reason: 'TLS: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    });
  });

  it('keeps state, counters and schedule of an unchanged target across update', async () => {
    const { monitor, changes } = monitored();
    // Reload with equal but freshly built objects right as the second probe arrives, the way a
    // config reload does. Three passes are needed; a reset would need three more after this.
    const reload = () => monitor.update([target(server.port, tcp({ rise: 3, intervalMs: 200 }))]);
    const server = keep(await silentServer((_socket, count) => count === 2 && reload()));
    monitor.update([target(server.port, tcp({ rise: 3, intervalMs: 200 }))]);
    const since = monitor.get('exchange/mbx1')?.since;

    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'up', 5000, 'up');
    const connectionsWhenUp = server.connections;
    expect(connectionsWhenUp).toBe(3);
    expect(transitions(changes)).toEqual(['unknown→up']);
    expect(changes[0]?.health.since).not.toBe(since);

    const upSince = monitor.get('exchange/mbx1')?.since;
    reload();
    await sleep(50);
    expect(monitor.get('exchange/mbx1')?.since).toBe(upSince);
    expect(server.connections).toBe(connectionsWhenUp);
    expect(changes).toHaveLength(1);
  });

  it('restarts a changed target from unknown', async () => {
    const server = keep(await silentServer());
    const { monitor, changes } = monitored();
    monitor.update([target(server.port, tcp())]);
    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'up', 5000, 'up');

    const elsewhere = await closedPort();
    monitor.update([target(elsewhere, tcp())]);
    expect(monitor.get('exchange/mbx1')).toMatchObject({ state: 'unknown' });
    expect(monitor.get('exchange/mbx1')?.lastCheck).toBeUndefined();
    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'down', 5000, 'down');
    expect(monitor.get('exchange/mbx1')?.reason).toBe(`connect ECONNREFUSED 127.0.0.1:${elsewhere}`);
    expect(transitions(changes)).toEqual(['unknown→up', 'up→unknown', 'unknown→down']);
  });

  it('restarts a target whose check settings changed', async () => {
    const server = keep(await httpServer());
    const { monitor, changes } = monitored();
    monitor.update([target(server.port, http())]);
    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'up', 5000, 'up');

    monitor.update([target(server.port, http({ expectStatus: [204] }))]);
    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'down', 5000, 'down');
    expect(transitions(changes)).toEqual(['unknown→up', 'up→unknown', 'unknown→down']);
  });

  it('disables an enabled target at once and stops probing it', async () => {
    const server = keep(await silentServer());
    const { monitor, changes } = monitored();
    monitor.update([target(server.port, tcp())]);
    await waitFor(() => monitor.get('exchange/mbx1')?.state === 'up', 5000, 'up');

    monitor.update([target(server.port, tcp(), { enabled: false })]);
    expect(monitor.get('exchange/mbx1')?.state).toBe('disabled');
    await sleep(20);
    const probes = server.connections;
    await sleep(INTERVAL * 4);
    expect(server.connections).toBe(probes);
    expect(transitions(changes)).toEqual(['unknown→up', 'up→disabled']);
  });

  it('stops probing a removed target and forgets it', async () => {
    const server = keep(await silentServer());
    const { monitor, changes } = monitored();
    monitor.update([
      target(server.port, tcp()),
      target(server.port, tcp(), { key: 'exchange/mbx2', server: 'mbx2' }),
    ]);
    await waitFor(() => monitor.snapshot().every((h) => h.state === 'up'), 5000, 'both up');

    monitor.update([target(server.port, tcp(), { key: 'exchange/mbx2', server: 'mbx2' })]);
    expect(monitor.get('exchange/mbx1')).toBeUndefined();
    expect(monitor.snapshot().map((h) => h.key)).toEqual(['exchange/mbx2']);
    const before = server.connections;
    await sleep(INTERVAL * 5);
    // Only the remaining target probes now: at most one per interval, not two.
    expect(server.connections - before).toBeLessThanOrEqual(6);
    expect(server.connections - before).toBeGreaterThanOrEqual(1);

    monitor.update([]);
    await sleep(20);
    const after = server.connections;
    await sleep(INTERVAL * 4);
    expect(server.connections).toBe(after);
    expect(changes).toHaveLength(2);
  });

  it('stop cancels in-flight probes and timers', async () => {
    const server = keep(await silentServer());
    const { monitor, changes } = monitored();
    monitor.update([target(server.port, http({ timeoutMs: 20_000 }))]);
    await waitFor(() => server.open === 1, 5000, 'a probe in flight');

    monitor.stop();
    await waitFor(() => server.open === 0, 2000, 'the cancelled probe to close its socket');
    await sleep(INTERVAL * 3);
    expect(server.connections).toBe(1);
    expect(changes).toEqual([]);
    expect(monitor.snapshot()).toEqual([]);
  });

  it('never runs more probes at once than allowed', async () => {
    const server = keep(await silentServer());
    const { monitor } = monitored({ maxConcurrentProbes: 1 });
    monitor.update(
      ['a', 'b', 'c'].map((name) =>
        target(server.port, http({ timeoutMs: 400 }), { key: `exchange/${name}`, server: name }),
      ),
    );
    await sleep(200);
    // Without the limit all three would be connected by now, each waiting for its answer.
    expect(server.connections).toBe(1);
    await waitFor(() => monitor.snapshot().every((h) => h.state === 'down'), 5000, 'all down');
    expect(server.connections).toBeGreaterThanOrEqual(3);
  });

  it('rejects a target list with a key twice', () => {
    const { monitor } = monitored();
    expect(() => monitor.update([target(1, { type: 'none' }), target(2, { type: 'none' })])).toThrow(
      /exchange\/mbx1/,
    );
    expect(monitor.snapshot()).toEqual([]);
  });

  it('keeps checking when the listener throws', async () => {
    const server = keep(await silentServer());
    const monitor = new HealthMonitor({
      onChange: () => {
        throw new Error('listener bug');
      },
    });
    monitors.push(monitor);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      monitor.update([target(server.port, tcp())]);
      await waitFor(() => monitor.get('exchange/mbx1')?.state === 'up', 5000, 'up');
      await server.close();
      await waitFor(
        () => monitor.get('exchange/mbx1')?.state === 'down',
        5000,
        'down after a throwing listener',
      );
      await waitFor(() => warnings.length >= 2, 2000, 'warnings');
      expect(warnings[0]?.message).toBe('listener bug');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
