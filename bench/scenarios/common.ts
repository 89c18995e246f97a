/** Helpers shared by scenarios. */
import { cpuSeconds } from '../lib/procfs.ts';
import { runWrk } from '../load/wrk.ts';
import { SMALL_PATH } from '../peers/backend.ts';
import type { HostPort, RunningPeer } from '../peers/types.ts';
import type { MetricSpec, ScenarioContext } from './types.ts';

/** Runs fn and returns its result with the CPU seconds the peer's processes used meanwhile. */
export async function withCpu<T>(
  peer: RunningPeer,
  fn: () => Promise<T>,
): Promise<{ result: T; cpuS: number }> {
  const before = peer.pid === null ? NaN : cpuSeconds(peer.pid);
  const result = await fn();
  const after = peer.pid === null ? NaN : cpuSeconds(peer.pid);
  return { result, cpuS: after - before };
}

/** CPU seconds per 10,000 requests (NaN for the back end measured directly). */
export function cpuPer10k(cpuS: number, requests: number): number {
  return requests > 0 ? (cpuS / requests) * 10_000 : NaN;
}

/** What a keep-alive load reports (L7 over plain HTTP and over TLS). */
export const KEEP_ALIVE_METRICS: MetricSpec[] = [
  { key: 'rps', label: 'requests/s', unit: 'req/s', better: 'higher', digits: 0 },
  { key: 'p99Ms', label: 'p99 latency', unit: 'ms', better: 'lower', digits: 2 },
  { key: 'cpuPer10k', label: 'CPU per 10k req', unit: 'CPU-s', better: 'lower', digits: 3, proxyOnly: true },
];

/** wrk -t1 -c50 over keep-alive connections for 1 KiB responses, with the peer's CPU. */
export async function keepAliveLoad(
  ctx: ScenarioContext,
  peer: RunningPeer,
  at: HostPort,
  durationS: number,
  scheme: 'http' | 'https',
) {
  const { result: w, cpuS } = await withCpu(peer, () =>
    runWrk(ctx.tools.wrk, at, { threads: 1, connections: 50, durationS, path: SMALL_PATH, scheme }),
  );
  return {
    rps: w.rps,
    p99Ms: w.p99Ms,
    cpuPer10k: cpuPer10k(cpuS, w.requests),
    requests: w.requests,
    errors: w.errors,
    cpuS,
  };
}
