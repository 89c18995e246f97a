/**
 * Reconnect delays: exponential, capped, jittered. The jitter matters when an agent restarts
 * under many Consoles (or one Console reconnects many agents after a network blip): without
 * it every client retries in lockstep.
 */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** Growth per attempt. */
  factor: number;
  /**
   * Share of the delay that is random, 0–1: the delay lies between ceiling × (1 − jitter) and
   * the ceiling. 0.5 keeps at least half the ceiling, so a capped client
   * still waits a meaningful time, yet retries spread over a wide window.
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

/** Delay before retry number `attempt` (0 = the first retry); `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // min() before pow() overflows to Infinity is not needed: Infinity is capped by min() too.
  const ceiling = Math.min(opts.maxMs, opts.baseMs * opts.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, opts.jitter));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling * (1 - jitter * r));
}
