/**
 * Health channels: every pool of every agent with its real servers (`pool/server`) and the
 * services that use it, grouped by site and kept current from pushed events; the last hour of
 * one real server; and one agent's status (the agent's one status contract, stats.snapshot:
 * traffic per pool member and per service). The renderer filters. Shapes follow src-main/fleet's
 * live view and health history. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { VirtualService } from '../model/config.ts';
import type { HealthState, RealServerHealth } from '../model/health.ts';
import type { StatsSnapshot } from '../protocol/stats.ts';
import { AgentId, channel, NoParams } from './channel.ts';
import type { AgentView, SiteGroup } from './fleet.ts';

/** One real server of a pool as the agent runs it, with its live health. */
export interface PoolMemberView {
  /** `<pool>/<server>`, as in health events: unique within one agent. */
  key: string;
  name: string;
  address: string;
  port: number;
  weight: number;
  /** false = drained by the admin (for every service using the pool). */
  enabled: boolean;
  /** Undefined until the agent reported it. */
  health?: RealServerHealth;
}

export interface PoolView {
  name: string;
  /** The services that send to it (as default pool or from a content rule), in config order. */
  usedBy: string[];
  servers: PoolMemberView[];
}

/** A virtual service in brief: where it listens and which pools it sends to. */
export interface VirtualServiceView {
  name: string;
  enabled: boolean;
  protocol: VirtualService['protocol'];
  listen: { address: string; port: number };
  /** Its default pool, then each content rule's, once each (none for a redirect). */
  pools: string[];
}

/** An agent with what it runs; when not online, the last known state (possibly stale). */
export interface AgentHealthView extends AgentView {
  /** Revision of the configuration shown; undefined until fetched. */
  revision?: number;
  pools: PoolView[];
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
    /** `<pool>/<server>`, as in RealServerHealth.key. */
    key: z
      .string()
      .min(3)
      .max(127)
      .regex(/^[^/]+\/[^/]+$/, 'a key is "<pool>/<server>"'),
  })
  .strict();

/** One agent's status as the agent reports it (the one status contract), asked for when shown. */
export interface AgentStatus extends StatsSnapshot {
  agentId: string;
}

export const AgentStatusParams = z.object({ agentId: AgentId }).strict();

export const HEALTH_CHANNELS = {
  /** Every pool and real server of every agent, with live health and the services using each pool. */
  healthSnapshot: channel<HealthView>()(NoParams),
  /** The last hour of one real server's states. */
  healthHistory: channel<HealthHistory>()(HealthHistoryParams),
  /** One agent's traffic per pool member and per service, read now (stats.snapshot). */
  agentStatus: channel<AgentStatus>()(AgentStatusParams),
};
