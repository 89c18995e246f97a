/** Fleet-manager timeouts and backoff short enough for tests to see reconnects. */
export const QUICK_TUNING = {
  connectTimeoutMs: 3_000,
  requestTimeoutMs: 5_000,
  heartbeatMs: 2_000,
  backoff: { baseMs: 50, maxMs: 300, factor: 2, jitter: 0.5 },
};
