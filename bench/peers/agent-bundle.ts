/**
 * Portico's agent as an appliance runs it: the JavaScript bundle scripts/build-agent.ts makes
 * (no TypeScript type stripping at run time), under the Node options of the systemd unit
 * (packaging/portico-agent.service), so the bench measures what production runs.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { runTool } from '../lib/proc.ts';

export interface AgentBuild {
  /** The script to run: the bundle's portico-agent.js, or agent/cli.ts from source. */
  entry: string;
  /** Node options to put before it (the unit's NODE_OPTIONS unless overridden). */
  nodeOptions: string[];
  /** In words, for the log and the report's notes. */
  describe: string;
}

/** The unit's `Environment=NODE_OPTIONS=…`, split into options. */
export function unitNodeOptions(repoRoot: string): string[] {
  const unit = readFileSync(path.join(repoRoot, 'packaging', 'portico-agent.service'), 'utf8');
  const line = /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(unit);
  return line ? line[1]!.split(/\s+/).filter(Boolean) : [];
}

/**
 * Builds the bundle into `<dir>/agent` with `<dir>/node_modules` linked to the checkout's, as
 * npm lays out an installed package. `source` (PORTICO_BENCH_AGENT=source) runs agent/cli.ts
 * instead: what the bench measured before the bundle. PORTICO_BENCH_NODE_OPTIONS replaces the
 * unit's options (to measure another choice against them).
 */
export async function prepareAgent(
  repoRoot: string,
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AgentBuild> {
  const override = env.PORTICO_BENCH_NODE_OPTIONS;
  const nodeOptions =
    override !== undefined ? override.split(/\s+/).filter(Boolean) : unitNodeOptions(repoRoot);
  const flags = nodeOptions.length > 0 ? ` with ${nodeOptions.join(' ')}` : '';
  if (env.PORTICO_BENCH_AGENT === 'source') {
    return { entry: path.join(repoRoot, 'agent', 'cli.ts'), nodeOptions, describe: `from source${flags}` };
  }
  const out = path.join(dir, 'agent');
  mkdirSync(dir, { recursive: true });
  const r = await runTool(process.execPath, [path.join(repoRoot, 'scripts', 'build-agent.ts'), out], {
    timeoutMs: 120_000,
  });
  if (r.code !== 0) {
    throw new Error(
      `building the agent bundle failed (code ${r.code}):\n${r.stderr.trim()}${r.stdout.trim()}`,
    );
  }
  const modules = path.join(dir, 'node_modules');
  if (!existsSync(modules)) symlinkSync(path.join(repoRoot, 'node_modules'), modules);
  return { entry: path.join(out, 'portico-agent.js'), nodeOptions, describe: `bundle${flags}` };
}
