/** Command line and environment → what to run and for how long. */
import type { PeerId } from '../peers/types.ts';

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  /** wrk duration for the closed-loop scenarios (l7, cps). */
  wrkSeconds: number;
  /** Duration of each TLS measurement (handshakes/s and keep-alive over TLS). */
  tlsSeconds: number;
  /** Concurrent connections of the full-handshake client (closed loop). */
  handshakeConnections: number;
  /** Duration of the fixed-rate latency test, per target. */
  fixedRateSeconds: number;
  /** Requests per second of the fixed-rate latency test. */
  rate: number;
  /** Idle keep-alive connections held in the memory test. */
  idleConnections: number;
  /** Size of the file streamed through the L4 listener. */
  streamBytes: number;
  /** Closed-loop warm-up per peer before the first measurement (JIT, pools). */
  warmupSeconds: number;
  /** Scenario ids to run, in the registry's order; all when not given. */
  only: string[] | null;
  peers: PeerId[];
  keepTmp: boolean;
}

/** A mistake on the command line: reported without a stack trace. */
export class UsageError extends Error {}

export const ALL_PEERS: PeerId[] = ['haproxy', 'nginx', 'portico'];
/** Peers run only when named with --peers (the agent driving HAProxy: issue 12). */
export const EXTRA_PEERS: PeerId[] = ['portico-haproxy'];

export const USAGE = `usage: npm run bench -- [--only ID,ID] [--peers haproxy,nginx,portico] [--rounds N] [--keep-tmp]
  --only      scenarios to run (default all): see the list below
  --peers     proxies to compare (default haproxy,nginx,portico; also portico-haproxy)
  --rounds    rounds per scenario, medians reported (default 3; 1 with PORTICO_BENCH_QUICK=1)
  --keep-tmp  keep the temp dir (configs, logs) for inspection
env PORTICO_BENCH_QUICK=1   short durations and one round: a check in 2–3 minutes`;

function list(v: string | undefined, flag: string): string[] {
  if (!v || v.startsWith('--')) throw new UsageError(`${flag} needs a comma-separated list\n${USAGE}`);
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  scenarioIds: string[],
): BenchOptions | 'help' {
  const quick = env.PORTICO_BENCH_QUICK === '1';
  const o: BenchOptions = {
    quick,
    rounds: quick ? 1 : 3,
    wrkSeconds: quick ? 3 : 10,
    // Shorter than the plain runs: four TLS scenarios must fit in the ~12-minute full run.
    tlsSeconds: quick ? 2 : 4,
    handshakeConnections: 32,
    fixedRateSeconds: quick ? 3 : 10,
    rate: 1000,
    idleConnections: 10_000,
    streamBytes: 1024 ** 3,
    warmupSeconds: quick ? 1 : 3,
    only: null,
    peers: [...ALL_PEERS],
    keepTmp: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    else if (a === '--only') {
      o.only = list(argv[++i], a);
      const bad = o.only.filter((s) => !scenarioIds.includes(s));
      if (bad.length)
        throw new UsageError(`unknown scenario ${bad.join(', ')}; known: ${scenarioIds.join(', ')}`);
    } else if (a === '--peers') {
      const ps = list(argv[++i], a);
      const known: PeerId[] = [...ALL_PEERS, ...EXTRA_PEERS];
      const bad = ps.filter((p) => !(known as string[]).includes(p));
      if (bad.length) throw new UsageError(`unknown peer ${bad.join(', ')}; known: ${known.join(', ')}`);
      o.peers = known.filter((p) => ps.includes(p));
    } else if (a === '--rounds') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 20)
        throw new UsageError('--rounds takes a whole number from 1 to 20');
      o.rounds = n;
    } else if (a === '--keep-tmp') o.keepTmp = true;
    else throw new UsageError(`unknown argument ${a}\n${USAGE}`);
  }
  return o;
}
