/**
 * Row 5: slowloris and slow bodies against one service while a normal client measures. The
 * service and its pool run with their defaults (no limit is tuned for the row); the pool holds
 * two real servers. A fixed-rate client (bench/load/fixed-rate.ts) measures first without attackers
 * (baseline), then again once the attack has run past the agent's header timeout, so the
 * measurement sees the steady state: attackers cut and reconnecting.
 *
 * Reported besides the goals: what the agent did to the attackers (answers by status, silent
 * closes, how long it let them live), and its open files at the height of the attack.
 */
import { performance } from 'node:perf_hooks';
import { freePorts } from '../../lib/proc.ts';
import { percentileSorted } from '../../lib/stats.ts';
import { fixedRate } from '../../load/fixed-rate.ts';
import { FAST_PATH } from '../farm.ts';
import { applyConfig, config, httpService, pool, revisionOf, sleep, withTimeout } from '../control.ts';
import { slowAttack, type SlowSummary } from '../slow-clients.ts';
import type { RowResult, SoakContext } from '../types.ts';

/**
 * The measuring client's p99 under attack must stay under this, or under twice its p99 without
 * the attack when the machine is too busy for that (other work shares it): a starved client
 * waits seconds, not tens of milliseconds.
 */
const GOAL_P99_MS = 100;
const GOAL_P99_FACTOR = 2;

const sources = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}.${i + 1}`);

export async function slowClientsRow(ctx: SoakContext): Promise<RowResult> {
  const t0 = performance.now();
  const control = ctx.control();
  const agent = ctx.agent();
  const z = ctx.sizes;
  const [port] = (await freePorts(1)) as [number];
  const members = ['n2', 'n3'].map((name) => ({ name, port: ctx.farm.get(name).port }));
  await applyConfig(control, config([pool('s', members)], [httpService('S', port, 's')]));
  const running = await withTimeout(control.result('config.get'), 5_000, 'config.get');
  const asRun = running.config as {
    pools: { name: string; timeouts: unknown; retries: unknown }[];
    virtualServices: { name: string; timeouts: unknown; limits?: unknown }[];
  };
  const s = asRun.virtualServices[0]!;
  const p = asRun.pools[0]!;
  const target = { host: '127.0.0.1', port };

  ctx.log(`row 5: baseline, ${z.slowRate} req/s for ${z.slowBaselineS} s`);
  const baseline = await fixedRate(target, { rate: z.slowRate, durationS: z.slowBaselineS, path: FAST_PATH });

  ctx.log(`row 5: ${z.slowloris} slowloris + ${z.slowBodies} slow bodies`);
  const loris = slowAttack({
    ...target,
    count: z.slowloris,
    sources: sources('127.0.1', 10),
    byteEveryMs: [2000, 4000],
    rampMs: 2000,
    mode: 'head',
    random: ctx.random,
  });
  const bodies = slowAttack({
    ...target,
    count: z.slowBodies,
    sources: sources('127.0.2', 2),
    byteEveryMs: [2000, 4000],
    rampMs: 2000,
    mode: 'body',
    bodyBytes: 65536,
    random: ctx.random,
  });
  let peakFds = 0;
  let peakOpen = 0;
  const watch = setInterval(() => {
    if (agent.alive()) peakFds = Math.max(peakFds, agent.fdCount());
    peakOpen = Math.max(peakOpen, loris.open() + bodies.open());
  }, 500);
  let during;
  let lorisSummary: SlowSummary;
  let bodySummary: SlowSummary;
  try {
    await sleep(z.slowSettleS * 1000);
    ctx.log(`row 5: measuring, ${z.slowRate} req/s for ${z.slowMeasureS} s`);
    during = await fixedRate(target, { rate: z.slowRate, durationS: z.slowMeasureS, path: FAST_PATH });
  } finally {
    clearInterval(watch);
    lorisSummary = loris.stop();
    bodySummary = bodies.stop();
  }
  const crashed = !agent.alive();
  // Let the agent notice the attackers are gone before the next row measures its files.
  await sleep(1000);
  await revisionOf(control).catch(() => undefined);

  const describe = (x: SlowSummary) => {
    const answers = Object.entries(x.answered)
      .map(([k, v]) => `${v}× ${k}`)
      .join(', ');
    const lifetimes = Float64Array.from(x.lifetimesMs).sort();
    return (
      `${x.connections} connections: ${answers || 'no answers'}` +
      (x.closedSilently ? `, ${x.closedSilently} closed silently` : '') +
      (x.reset ? `, ${x.reset} reset` : '') +
      (x.refused ? `, ${x.refused} refused` : '') +
      `, ${x.openAtEnd} still open at the end` +
      (lifetimes.length ? `; cut after median ${(percentileSorted(lifetimes, 50) / 1000).toFixed(1)} s` : '')
    );
  };
  const failed = during.errors;
  return {
    id: 'slow',
    title: 'slowloris and slow bodies',
    figures: [
      {
        id: '5a',
        label: `normal client (${z.slowRate} req/s) during ${z.slowloris} slowloris + ${z.slowBodies} slow bodies: failed requests`,
        figure:
          `${failed} failed of ${during.planned.toLocaleString('en-US')}` +
          (crashed ? '; AGENT CRASHED' : ''),
        goal: '0',
        pass: failed === 0 && !crashed,
      },
      {
        id: '5b',
        label: 'normal client p99 latency during the attack',
        figure: `${during.p99Ms.toFixed(1)} ms (without attack ${baseline.p99Ms.toFixed(1)} ms)`,
        goal: `≤ ${GOAL_P99_MS} ms, or ≤ ${GOAL_P99_FACTOR}× without attack`,
        pass: during.p99Ms <= Math.max(GOAL_P99_MS, GOAL_P99_FACTOR * baseline.p99Ms) && !crashed,
      },
      {
        id: '5c',
        label: 'what the agent did to the slowloris clients (defaults)',
        figure: describe(lorisSummary),
        goal: '',
        pass: null,
      },
      {
        id: '5d',
        label: 'what the agent did to the slow bodies (defaults)',
        figure: describe(bodySummary),
        goal: '',
        pass: null,
      },
    ],
    details: {
      serviceAsRun: s,
      poolAsRun: p,
      baseline,
      during,
      slowloris: { ...lorisSummary, lifetimesMs: undefined, lifetimeMedianMs: med(lorisSummary.lifetimesMs) },
      slowBodies: { ...bodySummary, lifetimesMs: undefined, lifetimeMedianMs: med(bodySummary.lifetimesMs) },
      peakAttackerConnectionsOpen: peakOpen,
      peakAgentFds: peakFds,
      goalP99Ms: GOAL_P99_MS,
    },
    seconds: (performance.now() - t0) / 1000,
  };
}

function med(v: number[]): number {
  return percentileSorted(Float64Array.from(v).sort(), 50);
}
