/**
 * Starts a real Engine on loopback from a config written as an admin would write it: version 2,
 * or a version-1 document, which is converted as the agent converts it (so the many tests
 * written in version 1 exercise the conversion too).
 */
import type { AgentConfig } from '../../shared/model/config.ts';
import { describeProblems, parseAgentConfig } from '../../shared/model/validate.ts';
import { Engine, type EngineOptions } from '../../agent/engine/engine.ts';
import { silentLogger } from '../../agent/log.ts';

export interface TestEngine {
  engine: Engine;
  /** Base URL of a virtual service, e.g. http://127.0.0.1:PORT */
  url(vs: string): string;
  port(vs: string): number;
  apply(input: ConfigDoc): Promise<void>;
  stop(): Promise<void>;
}

/** A config document of either version (checked where it is parsed). */
export type ConfigDoc = Record<string, unknown>;

/** Parses a document of either version, or throws with every problem. */
export function configOf(input: ConfigDoc): AgentConfig {
  const parsed = parseAgentConfig(input);
  if (!parsed.ok) throw new Error(`test config is not valid:\n${describeProblems(parsed.problems)}`);
  return parsed.value;
}

export async function startEngine(input: ConfigDoc, opts: Partial<EngineOptions> = {}): Promise<TestEngine> {
  const engine = new Engine({ log: silentLogger(), drainMs: 2_000, ...opts });
  await engine.apply(configOf(input));
  const port = (vs: string) => {
    const a = engine.addresses().get(vs);
    if (!a) throw new Error(`no listener for ${vs}`);
    return a.port;
  };
  return {
    engine,
    port,
    url: (vs) => `http://127.0.0.1:${port(vs)}`,
    apply: async (next) => {
      await engine.apply(configOf(next));
    },
    stop: () => engine.stop(500),
  };
}

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 5_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
