/** Helpers shared by scenarios. */
import { cpuSeconds } from '../lib/procfs.ts';
import type { RunningPeer } from '../peers/types.ts';

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
