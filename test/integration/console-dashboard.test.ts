/**
 * The dashboard's data over real agent processes on two sites, real back ends and real
 * traffic: the Console fills from each agent's stats.history and follows each new 10-second
 * slot; a real server killed raises its alert and turns its site critical; a service answering
 * only 503 passes the 5xx threshold; the history survives a Console restart (read back from its
 * directory while the agent is away) and a second Console connecting later gets the same slots
 * from the agent. Slots close every 10 s on the wall clock, so each step waits for one (bounded).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTraffic, type DemoTraffic } from '../../agent/demo-traffic.ts';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { createConsoleCore, type RunningConsoleCore } from '../../src-main/core/console-core.ts';
import { FleetManager } from '../../src-main/fleet/index.ts';
import { HISTORY_DIR } from '../../src-main/store/history-files.ts';
import { openNodeConsoleStore } from '../../src-main/store/index.ts';
import type { Backend } from '../support/backends.ts';
import { startCoreFleet, type CoreFleet } from '../support/core-fleet.ts';
import { until } from '../support/engine.ts';
import { pairOnline } from '../support/pair-online.ts';
import { freePort } from '../support/ports.ts';
import { QUICK_TUNING } from '../support/quick-tuning.ts';

let setup: CoreFleet;
let web1: Backend;
let web2: Backend;
let api1: Backend;
let traffic: DemoTraffic;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

/** Two slots and a poll: the longest a step waits for the history to move. */
const SLOT_WAIT_MS = 35_000;

beforeAll(async () => {
  setup = await startCoreFleet('dash', ['web1', 'web2', 'api1']);
  [web1, web2, api1] = setup.backends as [Backend, Backend, Backend];
  const { core, a, b } = setup;
  await pairOnline(core.fleet, [a, b], 15_000);
  const check = { type: 'http', path: '/health', intervalMs: 300, timeoutMs: 300, rise: 1, fall: 1 } as const;
  const [wwwPort, apiPort] = [await freePort(), await freePort()];
  const server = (x: Backend) => ({ name: x.name, address: '127.0.0.1', port: x.port });
  await core.config.upsertPool({
    agentId: a.id,
    pool: { name: 'web', servers: [server(web1), server(web2)], healthCheck: check },
    expectRevision: 0,
  });
  await core.config.upsertVirtualService({
    agentId: a.id,
    virtualService: {
      name: 'www',
      protocol: 'http',
      listen: { address: '127.0.0.1', port: wwwPort },
      pool: 'web',
    },
    expectRevision: 1,
  });
  await core.config.upsertPool({
    agentId: b.id,
    pool: { name: 'api', servers: [server(api1)], healthCheck: check },
    expectRevision: 0,
  });
  await core.config.upsertVirtualService({
    agentId: b.id,
    virtualService: {
      name: 'api',
      protocol: 'http',
      listen: { address: '127.0.0.1', port: apiPort },
      pool: 'api',
    },
    expectRevision: 1,
  });
  // A few requests a second to each service, bounded in rate; stopped in afterAll.
  traffic = startDemoTraffic([`http://127.0.0.1:${wwwPort}/`, `http://127.0.0.1:${apiPort}/`]);
}, 60_000);

afterAll(async () => {
  traffic?.stop();
  for (const c of cleanups.reverse()) await c();
  await setup?.close();
});

const alertEvents = (events: ConsoleEvent[]) => events.flatMap((e) => (e.type === 'alerts' ? e.raised : []));
const tileOf = async (core: RunningConsoleCore, site: string) =>
  (await core.dashboard.view()).sites.find((s) => s.site === site);
const cardOf = async (core: RunningConsoleCore, site: string, name: string) =>
  (await core.dashboard.services({ site, range: '15m', text: '', offset: 0, limit: 12 })).cards.find(
    (c) => c.name === name,
  );
const filled = (values: (number | null)[]) => values.filter((v) => v !== null).length;

describe('the dashboard over real agents', () => {
  it("fills from the agents' history and follows each slot, keeping it in the Console's directory", async () => {
    const { core, dir } = setup;
    // The first slot in which www existed (it was created a moment ago).
    await until(
      async () => filled((await cardOf(core, 'east', 'www'))?.series.rate ?? []) > 0,
      'a slot of www',
      SLOT_WAIT_MS,
    );
    const east = (await tileOf(core, 'east'))!;
    expect(east).toMatchObject({
      agents: { online: 1, total: 1 },
      services: 1,
      servers: { up: 2, down: 0 },
      level: 'ok',
    });
    const www = (await cardOf(core, 'east', 'www'))!;
    expect(www.series.stepSeconds).toBe(10);
    expect(www.pools).toEqual([
      expect.objectContaining({ name: 'web', counts: { up: 2, down: 0, drained: 0, unknown: 0 } }),
    ]);
    const slots = filled(www.series.rate);
    expect(slots).toBeGreaterThan(0);
    // The next slot arrives by itself.
    await until(
      async () => filled((await cardOf(core, 'east', 'www'))!.series.rate) > slots,
      'the next slot',
      SLOT_WAIT_MS,
    );
    expect((await cardOf(core, 'east', 'www'))!.now?.rate).toBeGreaterThan(0);
    expect(readdirSync(join(dir, HISTORY_DIR))).toHaveLength(2);
  }, 90_000);

  it('a real server killed raises its alert and turns its site critical', async () => {
    const { core, events, a } = setup;
    events.length = 0;
    await web1.kill();
    await until(
      () => alertEvents(events).some((x) => x.kind === 'server-down' && x.message.includes('web/web1')),
      'the alert',
      10_000,
    );
    const east = (await tileOf(core, 'east'))!;
    expect(east.level).toBe('critical');
    expect(east.problems[0]).toBe('1 real server down');
    expect((await core.alerts.list()).alerts[0]).toMatchObject({
      kind: 'server-down',
      agentId: a.id,
      site: 'east',
      count: 1,
    });
    expect((await tileOf(core, 'west'))!.level).toBe('ok');
    await web1.revive();
    await until(
      async () => (await core.alerts.list()).alerts.every((x) => x.resolvedAt !== undefined),
      'the alert resolved',
      10_000,
    );
  }, 30_000);

  it('a service answering only 503 passes the 5xx threshold', async () => {
    const { core, events } = setup;
    await core.settings.update({
      alerts: { ...(await core.settings.get()).alerts, errorRatePercent: 20, errorRateMinimum: 3 },
    });
    events.length = 0;
    web1.healthStatus = 500;
    web2.healthStatus = 500;
    try {
      await until(
        () => alertEvents(events).some((x) => x.kind === 'error-rate'),
        'the 5xx alert',
        SLOT_WAIT_MS,
      );
      const alert = (await core.alerts.list()).alerts.find((x) => x.kind === 'error-rate')!;
      expect(alert.message).toMatch(
        /^5xx answers at \d+ % on www of dash-a \(east\): \d+ of \d+ in the last minute$/,
      );
      expect((await tileOf(core, 'east'))!.problems).toContain(alert.message);
    } finally {
      web1.healthStatus = 200;
      web2.healthStatus = 200;
    }
  }, 60_000);

  it('keeps the history across a Console restart, while the agent is away', async () => {
    const { core, fleet, dir, a } = setup;
    const before = (await cardOf(core, 'east', 'www'))!.series.rate;
    await a.stop();
    // The app closes (history written), then opens again on the same directory.
    await core.close();
    await fleet.close();
    const store = openNodeConsoleStore({ cwd: dir });
    const again = new FleetManager({ store, tuning: QUICK_TUNING });
    const reopened = createConsoleCore({
      store,
      fleet: again,
      log: pino({ level: 'silent' }),
      configDir: dir,
    });
    cleanups.push(
      () => reopened.close(),
      () => again.close(),
    );
    again.start();
    await until(
      async () => filled((await cardOf(reopened, 'east', 'www'))?.series.rate ?? []) > 0,
      'the history read back',
      10_000,
    );
    const after = (await cardOf(reopened, 'east', 'www'))!;
    expect(after.online).toBe(false);
    // Same slots, same figures (the grid may have moved on by a slot or two since).
    const held = before.filter((v) => v !== null);
    expect(after.series.rate.filter((v) => v !== null)).toEqual(expect.arrayContaining(held.slice(-3)));
    await until(
      async () => (await reopened.alerts.list()).alerts.some((x) => x.kind === 'agent-offline'),
      'agent offline alert',
      15_000,
    );
  }, 60_000);

  it('a second Console connecting later shows the last slots from the agent', async () => {
    const { b } = setup;
    const dir = mkdtempSync(join(tmpdir(), 'portico-dash-late-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = openNodeConsoleStore({ cwd: dir });
    const fleet = new FleetManager({ store, tuning: QUICK_TUNING });
    const late = createConsoleCore({ store, fleet, log: pino({ level: 'silent' }), configDir: dir });
    cleanups.push(
      () => late.close(),
      () => fleet.close(),
    );
    fleet.start();
    await late.fleet.pair({
      address: '127.0.0.1',
      port: b.port,
      token: b.token,
      expectedFingerprint: b.fingerprint,
    });
    // At once (no new slot needed): what the agent held when this Console connected.
    await until(
      async () => filled((await cardOf(late, 'west', 'api'))?.series.rate ?? []) >= 3,
      'the agent history',
      10_000,
    );
    // The slots reach the charts first and the files a moment later (written in the background).
    await until(() => existsSync(join(dir, HISTORY_DIR)), 'the history in the Console directory', 10_000);
  }, 30_000);
});
