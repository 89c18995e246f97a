/**
 * The last hour of one server as segments on [0, 1] (0 = an hour ago, 1 = now), each in the
 * state the server was in. Pure: the sparkline only draws them.
 */
import type { HealthHistory } from '../../../shared/ipc/health.ts';
import type { HealthState } from '../../../shared/model/health.ts';

export const HOUR_MS = 3_600_000;

export interface Segment {
  from: number;
  to: number;
  state: HealthState;
}

export function historySegments(history: HealthHistory, now: number, windowMs = HOUR_MS): Segment[] {
  const start = now - windowMs;
  const position = (iso: string) => Math.min(1, Math.max(0, (Date.parse(iso) - start) / windowMs));
  const samples = history.baseline ? [history.baseline, ...history.samples] : history.samples;
  const segments: Segment[] = [];
  samples.forEach((sample, i) => {
    const next = samples[i + 1];
    const from = position(sample.at);
    const to = next ? position(next.at) : 1;
    if (to > from) segments.push({ from, to, state: sample.state });
  });
  return segments;
}
