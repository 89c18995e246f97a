/**
 * Health channels: every virtual service and real server of every agent, grouped by site and
 * kept current from pushed events, and the last hour of one real server. The renderer filters.
 * Shapes follow src-main/fleet's live view and health history. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { HealthState, RealServerHealth } from '../model/health.ts';
import { AgentId, channel, NoParams } from './channel.ts';
import type { AgentView, SiteGroup } from './fleet.ts';

export interface RealServerView {
  /** `<virtual service>/<real server>`, as in health events. */
  key: string;
  name: string;
  /** The content rule whose group it is in; undefined for the default group. */
  rule?: string;
  address: string;
  port: number;
  weight: number;
  /** false = drained by the admin. */
  enabled: boolean;
  /** Undefined until the agent reported it. */
  health?: RealServerHealth;
}

export interface VirtualServiceView {
  name: string;
  enabled: boolean;
  protocol: 'tcp' | 'http' | 'https';
  listen: { address: string; port: number };
  realServers: RealServerView[];
}

/** An agent with what it runs; when not online, the last known state (possibly stale). */
export interface AgentHealthView extends AgentView {
  /** Revision of the configuration shown; undefined until fetched. */
  revision?: number;
  virtualServices: VirtualServiceView[];
}

export interface HealthView {
  /** ISO time the view was assembled. */
  at: string;
  sites: SiteGroup<AgentHealthView>[];
}

/** A state the server entered at `at`, until the next sample (or now). */
export interface HealthSample {
  at: string;
  state: HealthState;
  reason?: string;
  latencyMs?: number;
}

export interface HealthHistory {
  agentId: string;
  key: string;
  /** The state at the start of the window (an hour), if it began before it. */
  baseline?: HealthSample;
  /** Oldest first. */
  samples: HealthSample[];
}

export const HealthHistoryParams = z
  .object({
    agentId: AgentId,
    /** `<virtual service>/<real server>`, as in RealServerHealth.key. */
    key: z
      .string()
      .min(3)
      .max(127)
      .regex(/^[^/]+\/[^/]+$/, 'a key is "<virtual service>/<real server>"'),
  })
  .strict();

export const HEALTH_CHANNELS = {
  /** Every virtual service and real server of every agent, with live health, grouped by site. */
  healthSnapshot: channel<HealthView>()(NoParams),
  /** The last hour of one real server's states. */
  healthHistory: channel<HealthHistory>()(HealthHistoryParams),
};
