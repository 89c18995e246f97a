/** Command line and environment → which rows run, and how big each one is. */

export const ROW_IDS = ['reloads', 'kill', 'crash', 'fuzz', 'slow', 'failover'] as const;
export type RowId = (typeof ROW_IDS)[number];

export interface SoakSizes {
  /** Row 1: hot reloads, and the pause between two (load runs meanwhile). */
  reloads: number;
  reloadGapMs: number;
  /** Row 2: load before the kill. */
  killWarmMs: number;
  /** Row 3: config.apply calls in the stream the agent is killed during. */
  crashApplies: number;
  /** Row 4: fuzzed frames in all, and how many of them are larger than maxPayload. */
  fuzzFrames: number;
  fuzzOversized: number;
  /** Row 5: attackers, and the phases of the run. */
  slowloris: number;
  slowBodies: number;
  slowBaselineS: number;
  /** Attack running before the measuring client starts: past the 10 s header timeout. */
  slowSettleS: number;
  slowMeasureS: number;
  /** The measuring client's rate. */
  slowRate: number;
  /** Real servers' keep-alive timeout: idle upstream connections are gone this soon. */
  upstreamKeepaliveS: number;
}

export function sizes(quick: boolean): SoakSizes {
  return {
    reloads: quick ? 10 : 100,
    reloadGapMs: quick ? 100 : 250,
    killWarmMs: quick ? 1000 : 2000,
    crashApplies: quick ? 10 : 50,
    fuzzFrames: quick ? 1000 : 10_000,
    fuzzOversized: quick ? 2 : 10,
    slowloris: quick ? 200 : 1000,
    slowBodies: quick ? 40 : 200,
    slowBaselineS: quick ? 2 : 5,
    slowSettleS: quick ? 3 : 12,
    slowMeasureS: quick ? 4 : 20,
    slowRate: 200,
    upstreamKeepaliveS: quick ? 2 : 4,
  };
}

export interface SoakOptions {
  quick: boolean;
  only: RowId[] | null;
  seed: number;
  keepTmp: boolean;
}

export class UsageError extends Error {}

export const USAGE = `usage: npm run soak -- [--only ${ROW_IDS.join(',')}] [--seed N] [--keep-tmp]
  --only      rows to run (default all; agent RSS and open files are always reported)
  --seed      seed of the random choices (kill moments, fuzzed frames); printed with every run
  --keep-tmp  keep the temp dir (agent data dirs, nginx logs) for inspection
env PORTICO_SOAK_QUICK=1   small counts and short phases: a check of the harness in about a minute`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): SoakOptions | 'help' {
  const o: SoakOptions = {
    quick: env.PORTICO_SOAK_QUICK === '1',
    only: null,
    seed: Math.floor(Math.random() * 2 ** 31),
    keepTmp: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--only') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = list.filter((r) => !(ROW_IDS as readonly string[]).includes(r));
      if (list.length === 0 || bad.length > 0)
        throw new UsageError(`--only takes rows from ${ROW_IDS.join(', ')}\n${USAGE}`);
      o.only = list as RowId[];
    } else if (a === '--seed') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--seed takes a whole number\n${USAGE}`);
      o.seed = n;
    } else if (a === '--keep-tmp') o.keepTmp = true;
    else throw new UsageError(`unknown argument ${a}\n${USAGE}`);
  }
  return o;
}

/** A small deterministic PRNG (mulberry32): the same seed replays the same choices. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
