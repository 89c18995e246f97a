/** What every soak row returns and what it is given. */
import type { AgentProcess } from '../../test/support/agent-process.ts';
import type { TestClient } from '../../test/support/mgmt-agent.ts';
import type { Farm } from './farm.ts';
import type { SoakSizes } from './options.ts';

/** One line of the final table. */
export interface Figure {
  /** Row number and letter, e.g. `2b`. */
  id: string;
  label: string;
  /** The measured figure as printed. */
  figure: string;
  goal: string;
  /** null: a figure shown without a goal. */
  pass: boolean | null;
}

export interface RowResult {
  id: string;
  title: string;
  figures: Figure[];
  /** Everything measured, for the JSON file. */
  details: Record<string, unknown>;
  /** The harness itself failed in this row (not a MISS): the run exits 1. */
  error?: string;
  seconds: number;
}

export interface SoakContext {
  quick: boolean;
  sizes: SoakSizes;
  /** Deterministic randomness, so a finding can be reproduced with the same seed. */
  random: () => number;
  seed: number;
  tmp: string;
  farm: Farm;
  /** The long-lived agent rows 1, 2, 4 and 5 run against (row 6 watches it). */
  agent(): AgentProcess;
  /** A management session on it, subscribed to `config` and `health` events. */
  control(): TestClient;
  log(msg: string): void;
}
