/**
 * Samples the status into the history just after each 10-second boundary of the wall clock, so
 * that slots line up across agents and a Console can add them up. A late timer (a busy event
 * loop) records the slot that just ended and leaves the skipped ones empty; a sample is never
 * taken twice for one slot.
 */
import type { Logger } from 'pino';
import { STEP_SECONDS } from '../../shared/protocol/history.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';
import type { StatsHistory } from './stats-history.ts';

const STEP_MS = STEP_SECONDS['10s'] * 1000;
/**
 * How long after the boundary: at least 20 ms, so the slot that ends there is whole on a clock
 * with coarse timers, and up to a second more, picked once per sampler, so that many agents in
 * one process (fleet-sim, the demo) do not all read their status in the same instant.
 */
const AFTER_BOUNDARY_MS = 20;
const SPREAD_MS = 1_000;

export interface Sampler {
  stop(): void;
}

export function startSampler(history: StatsHistory, read: () => StatsSnapshot, log: Logger): Sampler {
  let timer: NodeJS.Timeout | undefined;
  const after = AFTER_BOUNDARY_MS + Math.floor(Math.random() * SPREAD_MS);
  const schedule = () => {
    const now = Date.now();
    // The next boundary that is still ahead once `after` is added.
    const wait = STEP_MS - ((now - after) % STEP_MS);
    timer = setTimeout(tick, wait);
    // History never keeps a process alive that has nothing else to do.
    timer.unref();
  };
  const tick = () => {
    try {
      history.sample(read(), Date.now());
    } catch (err) {
      log.error({ err }, 'could not record the status history');
    }
    schedule();
  };
  schedule();
  return {
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
