/** Health of one real server as the agent reports it. Runtime-neutral. */
export const HEALTH_STATES = ['up', 'down', 'disabled', 'unknown'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export interface RealServerHealth {
  /** `<pool>/<server>`: unique within one agent, and how the server is named everywhere. */
  key: string;
  pool: string;
  server: string;
  state: HealthState;
  /** ISO time the server entered this state. */
  since: string;
  /** ISO time of the last completed check, if any. */
  lastCheck?: string;
  /** Why the last check failed (or why the server is in this state). */
  reason?: string;
  /** Round-trip time of the last passing check, in milliseconds. */
  latencyMs?: number;
}
