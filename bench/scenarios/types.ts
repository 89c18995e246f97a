/**
 * The common shape of a scenario: which listener it needs, which metrics it reports (and which
 * way is better), and one measurement against one target. The runner alternates targets
 * (direct, HAProxy, nginx, Portico, then again) over rounds and takes medians.
 */
import type { BenchOptions } from '../lib/options.ts';
import type { Tools } from '../lib/tools.ts';
import type { Backend } from '../peers/backend.ts';
import type { EndpointKind, HostPort, RunningPeer } from '../peers/types.ts';

export interface MetricSpec {
  key: string;
  label: string;
  unit: string;
  /** 'neither' for context figures (how busy a process was), shown without a judgement. */
  better: 'higher' | 'lower' | 'neither';
  digits: number;
  /** Only meaningful for a proxy process (CPU, memory): no "direct" value. */
  proxyOnly?: boolean;
}

/** Metric key → value; NaN when it could not be measured. Extra keys go to the JSON only. */
export type Measurement = Record<string, number>;

export interface ScenarioContext {
  opts: BenchOptions;
  tools: Tools;
  backend: Backend;
  /** RSS of each proxy right after it started, before any load (target id → MB). */
  startRssMB: Map<string, number>;
  log(msg: string): void;
}

export interface Scenario {
  id: string;
  title: string;
  needs: EndpointKind;
  /** Also measure the back end directly (the baseline for added latency, or a reference). */
  includeDirect: boolean;
  metrics: MetricSpec[];
  /** Rounds for this scenario when it must differ from the run's (see memory.ts). */
  rounds?: number;
  /** The load, in words, for the report header. */
  describe(opts: BenchOptions): string;
  run(ctx: ScenarioContext, peer: RunningPeer, at: HostPort): Promise<Measurement>;
  /** After every target ran once in a round: metrics that compare targets (e.g. added p99). */
  derive?(round: Map<string, Measurement>): void;
}
