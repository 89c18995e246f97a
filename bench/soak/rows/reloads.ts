/**
 * Row 1: hot reloads under keep-alive load. Services A and B stay for the whole row; C and D
 * come and go. Every step changes the pools behind A and B (one of each pool's two servers
 * replaced, weights and scheduler changed), replaces B's pool by another (B moves, under load,
 * to a pool added in the same step, and the old one is removed), and adds or removes C (with
 * a pool of its own, added and removed with it) or D (which shares A's pool: removing D must
 * leave that pool, and A, alone). Even steps rewrite config.json and send SIGHUP, odd ones call
 * config.apply, so both paths add and remove services and pools.
 *
 * Closed-loop keep-alive clients run against all four the whole time. A failure on A or B is a
 * failure of the reload. A failure on C or D counts too, unless it happened while that service
 * was being removed or was gone (from the start of the step that removes it to the
 * acknowledgement of the step that adds it again): those are shown apart.
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AgentConfigInput, PoolInput, VirtualServiceInput } from '../../../shared/model/config.ts';
import { freePorts } from '../../lib/proc.ts';
import { median } from '../../lib/stats.ts';
import { FAST_PATH } from '../farm.ts';
import { byKind, keepAliveLoad, type Failure, type KeepAliveLoad } from '../keepalive-load.ts';
import {
  applyConfig,
  checked,
  config,
  httpService,
  pool,
  revisionOf,
  sleep,
  withTimeout,
  type ServerRef,
} from '../control.ts';
import type { RowResult, SoakContext } from '../types.ts';

const SCHEDULERS = ['round-robin', 'least-connections', 'weighted-round-robin'] as const;

/** Which of the toggled services a step adds or removes: C on steps 0,1,4,5,…, D on 2,3,6,7,… */
const toggled = (i: number): 'C' | 'D' => (Math.floor(i / 2) % 2 === 0 ? 'C' : 'D');

export async function reloadsRow(ctx: SoakContext): Promise<RowResult> {
  const t0 = performance.now();
  const control = ctx.control();
  const n = ctx.sizes.reloads;
  const servers: ServerRef[] = ['n0', 'n1', 'n2', 'n3'].map((name) => ({
    name,
    port: ctx.farm.get(name).port,
  }));
  const rs = (k: number) => servers[(k + servers.length) % servers.length]!;
  const [pA, pB, pC, pD] = (await freePorts(4)) as [number, number, number, number];
  const ports = { A: pA, B: pB, C: pC, D: pD };

  // Presence of C and D after step i (before step 0: both absent).
  const present = { C: false, D: false };
  const configFor = (i: number): AgentConfigInput => {
    const mod = (a: number, b: number) => ((a % b) + b) % b;
    const weighted = (p: PoolInput, k0: number): PoolInput => ({
      ...p,
      servers: p.servers!.map((s, k) => ({ ...s, weight: 1 + mod(i + k + k0, 3) })),
    });
    // A health-checked pool: new servers start unknown, kept ones keep their state.
    const pa = weighted(
      pool('pa', [rs(i), rs(i + 1)], {
        scheduler: SCHEDULERS[mod(i, 3)]!,
        healthCheck: { type: 'http', path: '/health', intervalMs: 1000, timeoutMs: 500, rise: 2, fall: 3 },
      }),
      0,
    );
    // B's pool alternates between two names: each step adds one pool and removes the other.
    const pbName = `pb-${mod(i, 2)}`;
    const pb = weighted(pool(pbName, [rs(i + 2), rs(i + 3)], { scheduler: SCHEDULERS[mod(i + 1, 3)]! }), 1);
    const pools: PoolInput[] = [pa, pb];
    const vs: VirtualServiceInput[] = [httpService('A', pA, 'pa'), httpService('B', pB, pbName)];
    if (present.C) {
      pools.push(pool('pc', [rs(i), rs(i + 2)]));
      vs.push(httpService('C', pC, 'pc'));
    }
    if (present.D) vs.push(httpService('D', pD, 'pa'));
    return checked(config(pools, vs));
  };

  await applyConfig(control, configFor(-1)); // A and B only
  const connections = { A: 6, B: 6, C: 3, D: 3 };
  const loads: Record<string, KeepAliveLoad> = {};
  for (const [name, c] of Object.entries(connections)) {
    loads[name] = keepAliveLoad({
      host: '127.0.0.1',
      port: ports[name as keyof typeof ports],
      paths: [FAST_PATH],
      connections: c,
      retryDelayMs: 50,
      maxDurationMs: (n * (ctx.sizes.reloadGapMs + 2000) + 60_000) | 0,
    });
  }
  const stopLoads = async () =>
    Object.fromEntries(
      await Promise.all(Object.entries(loads).map(async ([k, l]) => [k, await l.stop()] as const)),
    );
  // [start, end] of each stretch when C or D was being removed or absent (performance.now()).
  // Both are absent at first: that stretch ends when each is first added.
  const gone: Record<'C' | 'D', [number, number][]> = { C: [[0, Infinity]], D: [[0, Infinity]] };
  const closeGap = (s: 'C' | 'D', at: number) => {
    const last = gone[s][gone[s].length - 1]!;
    if (last[1] === Infinity) last[1] = at;
  };
  const timings: { sighup: number[]; apply: number[] } = { sighup: [], apply: [] };
  const stepErrors: string[] = [];
  const agent = ctx.agent();
  try {
    await sleep(500);
    for (let i = 0; i < n; i++) {
      const s = toggled(i);
      const adding = !present[s];
      present[s] = adding;
      const cfg = configFor(i);
      const startedAt = performance.now();
      if (!adding) gone[s].push([startedAt, Infinity]);
      try {
        const before = await revisionOf(control);
        if (i % 2 === 0) {
          // As an admin would: the file rewritten (atomically, like an editor's save), then HUP.
          const file = path.join(agent.dataDir, 'config.json');
          writeFileSync(`${file}.soak-edit`, JSON.stringify({ revision: before, ...cfg }, null, 2) + '\n');
          renameSync(`${file}.soak-edit`, file);
          const seen = control.events.length;
          process.kill(agent.pid, 'SIGHUP');
          await control.waitForEvent(
            (e) =>
              control.events.indexOf(e) >= seen &&
              e.topic === 'config' &&
              (e.data as { revision: number }).revision > before,
            15_000,
          );
          timings.sighup.push(performance.now() - startedAt);
        } else {
          await withTimeout(
            control.result('config.apply', {
              config: cfg as Record<string, unknown>,
              expectRevision: before,
            }),
            15_000,
            'config.apply',
          );
          timings.apply.push(performance.now() - startedAt);
        }
      } catch (e) {
        stepErrors.push(`step ${i} (${i % 2 === 0 ? 'SIGHUP' : 'config.apply'}): ${(e as Error).message}`);
      }
      if (adding) closeGap(s, performance.now());
      if ((i + 1) % 10 === 0) ctx.log(`row 1: ${i + 1}/${n} reloads`);
      if (!agent.alive()) break;
      await sleep(ctx.sizes.reloadGapMs);
    }
    await sleep(500);
  } catch (e) {
    await stopLoads();
    throw e;
  }
  const summaries = await stopLoads();

  const inGap = (s: 'C' | 'D', f: Failure) => gone[s].some(([a, b]) => f.at >= a && f.at <= b);
  const counted: Failure[] = [];
  const excused: Failure[] = [];
  for (const name of ['A', 'B', 'C', 'D'] as const) {
    for (const f of summaries[name]!.failures) {
      if ((name === 'C' || name === 'D') && inGap(name, f)) excused.push(f);
      else counted.push(f);
    }
  }
  const kept = summaries.A!.requests + summaries.B!.requests;
  const total = Object.values(summaries).reduce((sum, x) => sum + x.requests, 0);
  const answered = Object.values(summaries).reduce((sum, x) => sum + x.ok, 0);
  const kinds = byKind(counted);
  const kindText = Object.entries(kinds)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const crashed = !agent.alive();
  const details = {
    reloads: n,
    stepErrors,
    agentCrashed: crashed,
    requests: total,
    requestsOnKeptServices: kept,
    answeredOk: answered,
    failuresCounted: counted.length,
    failuresCountedByKind: kinds,
    failuresWhileRemovedByKind: byKind(excused),
    perService: Object.fromEntries(
      Object.entries(summaries).map(([k, v]) => [
        k,
        {
          requests: v.requests,
          ok: v.ok,
          failures: byKind(v.failures),
          byServer: v.byServer,
          reconnects: v.reconnects,
        },
      ]),
    ),
    reloadMs: {
      sighupMedian: median(timings.sighup),
      sighupMax: Math.max(0, ...timings.sighup),
      applyMedian: median(timings.apply),
      applyMax: Math.max(0, ...timings.apply),
    },
    revisionAtEnd: await revisionOf(control).catch(() => NaN),
  };
  const fails = counted.length + stepErrors.length;
  return {
    id: 'reloads',
    title: 'hot reloads under keep-alive load',
    figures: [
      {
        id: '1',
        label: `${n} hot reloads (SIGHUP / config.apply alternating; servers, pools and services changed) under keep-alive load`,
        figure:
          `${counted.length} failed of ${total.toLocaleString('en-US')} requests` +
          (kindText ? ` (${kindText})` : '') +
          (stepErrors.length ? `; ${stepErrors.length} reloads not acknowledged` : '') +
          (crashed ? '; AGENT CRASHED' : '') +
          `; ${excused.length} more on C/D while removed`,
        goal: '0 failed on services not removed',
        pass: fails === 0 && !crashed,
      },
    ],
    details,
    seconds: (performance.now() - t0) / 1000,
  };
}
