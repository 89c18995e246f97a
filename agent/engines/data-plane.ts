/**
 * What the agent asks of an engine, whichever carries the traffic: the built-in Node data plane
 * (agent/engine), HAProxy driven by the agent, or a simulated one for demos and fleet-scale
 * tests. The config store, the management methods and the metrics speak to this interface
 * only, so every engine gets the same transactions, API, events and status contract.
 */
import type { AgentConfig } from '../../shared/model/config.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';

export const ENGINE_KINDS = ['builtin', 'haproxy', 'simulated'] as const;
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** A config the engine cannot run; `problems` say where and why, like schema errors do. */
export class ApplyError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'ApplyError';
    this.problems = problems;
  }
}

/** Which services an apply started, changed, stopped or left alone (for the log and audit). */
export interface ApplySummary {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

export interface DataPlane {
  readonly kind: EngineKind;
  /** What runs the traffic and its version, e.g. `portico 0.2.0` or `HAProxy 2.6.12`. */
  readonly version: string;
  /** The config running now. */
  readonly config: AgentConfig;
  /**
   * Every problem this engine has with a config that passed the schema, without touching what
   * runs: certificate names that do not resolve, fields the engine cannot honour, what its own
   * config checker says.
   */
  check(config: AgentConfig): Promise<ConfigProblem[]>;
  /** Runs a config as a diff; all or nothing (ApplyError leaves the running config as it was). */
  apply(config: AgentConfig): Promise<ApplySummary>;
  /** The one status (shared/protocol/stats.ts). */
  status(now?: Date): StatsSnapshot;
  healthSnapshot(): RealServerHealth[];
  /** Every real-server health change from now on; returns the way to stop. */
  onHealth(listener: (health: RealServerHealth) => void): () => void;
  /** Where each enabled virtual service listens. */
  addresses(): Map<string, { address: string; port: number }>;
  /** Stops accepting, lets in-flight work finish for up to `graceMs`, then stops. */
  stop(graceMs?: number): Promise<void>;
}
