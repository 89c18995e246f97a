/**
 * Row 2: a real server killed under load. Service K sends to pool k (n0, n1, n2, an HTTP health
 * check); keep-alive clients fetch a 1 KiB file (answered at once) and a rate-limited 64 KiB one
 * (~0.5 s each, so some are in flight on n1 when it dies). n1's nginx gets SIGKILL.
 *
 * What may fail: requests n1 had already started answering (the agent cannot finish them).
 * The agent's own count of requests in flight on k/n1 (`stats.snapshot`), read just before the
 * kill, is the bound.
 * Requests n1 had not answered yet, and new ones sent to it before it is marked down, should be
 * retried on another server (GETs without a body) and not fail.
 * The time until the agent marks n1 down comes from its `health` event (arrival here, and the
 * event's own `since`), against the check's interval × fall.
 */
import { performance } from 'node:perf_hooks';
import { serverKey } from '../../../shared/model/config.ts';
import { freePorts } from '../../lib/proc.ts';
import { FAST_PATH, HEALTH_PATH, SLOW_PATH } from '../farm.ts';
import { byKind, keepAliveLoad } from '../keepalive-load.ts';
import {
  applyConfig,
  config,
  httpService,
  member,
  pool,
  sleep,
  statsSnapshot,
  waitForHealth,
  withTimeout,
} from '../control.ts';
import type { RowResult, SoakContext } from '../types.ts';

const INTERVAL_MS = 500;
const FALL = 3;
const POOL = 'k';
const VICTIM = 'n1';

export async function serverKillRow(ctx: SoakContext): Promise<RowResult> {
  const t0 = performance.now();
  const control = ctx.control();
  const [port] = (await freePorts(1)) as [number];
  const members = ['n0', 'n1', 'n2'].map((name) => ({ name, port: ctx.farm.get(name).port }));
  await applyConfig(
    control,
    config(
      [
        pool(POOL, members, {
          healthCheck: {
            type: 'http',
            path: HEALTH_PATH,
            intervalMs: INTERVAL_MS,
            timeoutMs: 400,
            rise: 2,
            fall: FALL,
          },
        }),
      ],
      [httpService('K', port, POOL)],
    ),
  );
  await waitForHealth(
    control,
    members.map((m) => serverKey(POOL, m.name)),
    'up',
    10_000,
  );
  await withTimeout(control.result('events.subscribe', { topics: ['health'] }), 5_000, 'subscribe');
  const bound = 5 * 60_000;
  const fast = keepAliveLoad({
    host: '127.0.0.1',
    port,
    paths: [FAST_PATH],
    connections: 8,
    maxDurationMs: bound,
  });
  const slow = keepAliveLoad({
    host: '127.0.0.1',
    port,
    paths: [SLOW_PATH],
    connections: 6,
    maxDurationMs: bound,
  });
  // Everything between the start of the load and its end: on a failure the load is stopped and
  // the victim revived before the error goes on, so the next rows run undisturbed.
  const measure = async () => {
    await sleep(ctx.sizes.killWarmMs);

    // The agent's count of requests in flight on the victim, read as close to the kill as we can.
    const inFlightOnVictim = member(await statsSnapshot(control), POOL, VICTIM)?.active ?? NaN;
    const clientOutstanding = fast.outstanding() + slow.outstanding();
    const eventsBefore = control.events.length;
    const killedAt = performance.now();
    const killedWall = Date.now();
    await ctx.farm.kill(VICTIM);
    ctx.log(`row 2: killed ${VICTIM} (agent had ${inFlightOnVictim} requests in flight on it)`);

    let downAfterMs = NaN;
    let downSinceMs = NaN;
    let downReason = '';
    try {
      const e = await control.waitForEvent(
        (ev) =>
          control.events.indexOf(ev) >= eventsBefore &&
          ev.topic === 'health' &&
          (ev.data as { key: string }).key === serverKey(POOL, VICTIM) &&
          (ev.data as { state: string }).state === 'down',
        INTERVAL_MS * FALL + 10_000,
      );
      downAfterMs = performance.now() - killedAt;
      const data = e.data as { since: string; reason?: string };
      downSinceMs = Date.parse(data.since) - killedWall;
      downReason = data.reason ?? '';
    } catch {
      // never marked down within the bound: reported as such
    }
    // Load continues a while after the mark, so requests to the survivors are counted too.
    await sleep(Math.max(0, INTERVAL_MS * FALL + 1500 - (performance.now() - killedAt)));
    return { inFlightOnVictim, clientOutstanding, killedAt, downAfterMs, downSinceMs, downReason };
  };
  let m;
  try {
    m = await measure();
  } catch (e) {
    await Promise.all([fast.stop(), slow.stop()]);
    await ctx.farm.revive(VICTIM);
    throw e;
  }
  const { inFlightOnVictim, clientOutstanding, killedAt, downAfterMs, downSinceMs, downReason } = m;
  const [f, s] = [await fast.stop(), await slow.stop()];
  // The agent's own account (the one status), beside the clients': its errors by code on the
  // victim and on the service, and what each member served.
  await ctx.farm.revive(VICTIM);
  const after = await statsSnapshot(control);
  const nonZero = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).filter(([, v]) => v > 0));
  const service = after.virtualServices.find((v) => v.name === 'K');
  const agentView = {
    serviceErrors: service ? nonZero(service.errors) : null,
    serviceResponses: service ? nonZero(service.responses) : null,
    members: Object.fromEntries(
      members.map((m) => {
        const st = member(after, POOL, m.name);
        return [
          st?.key ?? m.name,
          st ? { state: st.state, requests: st.requests, errors: nonZero(st.errors) } : null,
        ];
      }),
    ),
  };

  const failures = [...f.failures, ...s.failures];
  const beforeKill = failures.filter((x) => x.at < killedAt);
  const kinds = byKind(failures);
  const kindText = Object.entries(kinds)
    .map(([kind, v]) => `${kind} ${v}`)
    .join(', ');
  const goalDownMs = INTERVAL_MS * FALL;
  const requests = f.requests + s.requests;
  return {
    id: 'kill',
    title: 'a real server killed under load',
    figures: [
      {
        id: '2a',
        label: 'real server SIGKILLed under keep-alive load: failed requests',
        figure:
          `${failures.length} failed of ${requests.toLocaleString('en-US')}` +
          (kindText ? ` (${kindText})` : '') +
          `; ${inFlightOnVictim} in flight on it at the kill`,
        goal: '≤ requests in flight on it at the kill',
        pass: failures.length <= inFlightOnVictim,
      },
      {
        id: '2b',
        label: `time until the agent marks it down (check every ${INTERVAL_MS} ms, fall ${FALL})`,
        figure: Number.isFinite(downAfterMs)
          ? `${downAfterMs.toFixed(0)} ms (event's since: ${downSinceMs.toFixed(0)} ms)`
          : 'never marked down',
        goal: `≤ interval × fall = ${goalDownMs} ms`,
        pass: Number.isFinite(downAfterMs) && downAfterMs <= goalDownMs,
      },
    ],
    details: {
      requests,
      failures: failures.length,
      failuresByKind: kinds,
      failuresBeforeKill: beforeKill.length,
      failuresAfterKillMs: failures.map((x) => Math.round(x.at - killedAt)),
      inFlightOnVictimAtKill: inFlightOnVictim,
      clientRequestsOutstandingAtKill: clientOutstanding,
      answeredBy: { fast: f.byServer, slow: s.byServer },
      downAfterMs,
      downSinceMs,
      downReason,
      goalDownMs,
      agentView,
    },
    seconds: (performance.now() - t0) / 1000,
  };
}
