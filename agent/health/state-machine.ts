/**
 * Rise/fall hysteresis for one real server: a single lost packet must not flap a server out
 * of the pool, and a single lucky answer must not put a broken one back. Pure, so the rules
 * are tested as a table and the monitor only keeps the numbers.
 */
import type { HealthState } from '../../shared/model/health.ts';

/** The states checks can decide; `disabled` comes from configuration, never from a check. */
export type CheckedState = Exclude<HealthState, 'disabled'>;

export interface RiseFall {
  state: CheckedState;
  /** Consecutive passes, capped at `rise` so a long-lived server never grows the number. */
  passes: number;
  /** Consecutive failures, capped at `fall`. */
  failures: number;
}

export interface Thresholds {
  rise: number;
  fall: number;
}

export const INITIAL: Readonly<RiseFall> = Object.freeze({ state: 'unknown', passes: 0, failures: 0 });

export function record(
  current: Readonly<RiseFall>,
  passed: boolean,
  limits: Thresholds,
): { next: RiseFall; changed: boolean } {
  const passes = passed ? Math.min(current.passes + 1, limits.rise) : 0;
  const failures = passed ? 0 : Math.min(current.failures + 1, limits.fall);
  let state = current.state;
  if (passed && passes >= limits.rise) state = 'up';
  else if (!passed && failures >= limits.fall) state = 'down';
  return { next: { state, passes, failures }, changed: state !== current.state };
}
