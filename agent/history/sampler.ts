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
/** After the boundary, so the slot that ends there is whole on a clock with coarse timers. */
const AFTER_BOUNDARY_MS = 20;

export interface Sampler {
  stop(): void;
}

export function startSampler(history: StatsHistory, read: () => StatsSnapshot, log: Logger): Sampler {
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    const now = Date.now();
    timer = setTimeout(tick, STEP_MS - (now % STEP_MS) + AFTER_BOUNDARY_MS);
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
