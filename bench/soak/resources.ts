/**
 * Row 6: the long-lived agent's open files and memory, read at rest: the same idle
 * configuration applied, the open-files count given time to come back down (idle upstream
 * connections close when the real servers' keep-alive timeout passes), then a full garbage
 * collection. A count of files that does not come back, or a live heap that keeps growing, is
 * what a leak looks like; resident memory alone is not (V8 and malloc keep what they grew).
 */
import type { AgentProcess } from '../../test/support/agent-process.ts';
import { liveMemory } from './inspector.ts';
import type { Figure } from './types.ts';

export interface ResourcePoint {
  /** Where in the run: `start`, `baseline`, or the row just finished. */
  at: string;
  fds: number;
  /** Resident memory, MB, read after the full collection. */
  rssMB: number;
  /** V8 heap in use after a full collection, MB. */
  heapUsedMB: number;
  /** Buffers and other memory outside the V8 heap after the collection, MB. */
  externalMB: number;
  /** How long the open files took to come back to the baseline (or the wait given up). */
  settleMs: number;
}

/**
 * Polls until the agent holds at most `targetFds` open files, for at most `maxMs`, then reads
 * its memory after a full collection.
 */
export async function atRest(
  agent: AgentProcess,
  at: string,
  targetFds: number,
  maxMs: number,
): Promise<ResourcePoint> {
  const start = Date.now();
  let fds = agent.fdCount();
  // Bounded by maxMs; a reading every 250 ms.
  while (fds > targetFds && Date.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, 250));
    fds = agent.fdCount();
  }
  const settleMs = Date.now() - start;
  const mem = await liveMemory(agent);
  return {
    at,
    fds,
    rssMB: agent.rssBytes() / 1e6,
    heapUsedMB: mem.heapUsedMB,
    externalMB: mem.externalMB,
    settleMs,
  };
}

/** Open files the agent may hold beyond the baseline at the end (one-off lazy opens). */
export const FD_SLACK = 5;
/** Live heap the agent may have grown by at the end: state that is meant to stay (counters). */
export const HEAP_GROWTH_GOAL_MB = 10;
/** Resident memory growth allowed at the end, at rest after a full collection. */
export const RSS_GROWTH_GOAL_MB = 64;

/** Row 6's lines of the table, from the readings at start, baseline and after each row. */
export function resourceFigures(points: ResourcePoint[], restarted: boolean): Figure[] {
  const baseline = points.find((p) => p.at.startsWith('baseline')) ?? points[0]!;
  const last = points[points.length - 1]!;
  const series = (pick: (p: ResourcePoint) => string) =>
    points.map((p) => `${p.at.replace('after ', '').replace(/ \(.*\)/, '')} ${pick(p)}`).join(' → ');
  const note = restarted ? ' (the agent was restarted after a crash: not comparable)' : '';
  const growth = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} MB`;
  return [
    {
      id: '6a',
      label: 'agent open files at rest (idle config): start, baseline, after each row',
      figure: series((p) => String(p.fds)) + note,
      goal: `end ≤ baseline + ${FD_SLACK}`,
      pass: !restarted && last.fds <= baseline.fds + FD_SLACK,
    },
    {
      id: '6b',
      label: 'agent live heap (MB) after a full GC at rest',
      figure:
        series((p) => p.heapUsedMB.toFixed(1)) + ` (${growth(last.heapUsedMB - baseline.heapUsedMB)})` + note,
      goal: `end ≤ baseline + ${HEAP_GROWTH_GOAL_MB} MB`,
      pass: !restarted && last.heapUsedMB - baseline.heapUsedMB <= HEAP_GROWTH_GOAL_MB,
    },
    {
      id: '6c',
      label: 'agent resident memory (MB) at rest, after the GC',
      figure: series((p) => p.rssMB.toFixed(0)) + ` (${growth(last.rssMB - baseline.rssMB)})` + note,
      goal: `end ≤ baseline + ${RSS_GROWTH_GOAL_MB} MB`,
      pass: !restarted && last.rssMB - baseline.rssMB <= RSS_GROWTH_GOAL_MB,
    },
  ];
}
