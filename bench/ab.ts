/**
 * `node bench/ab.ts` (Node 24: node_modules/.bin/node): two builds of Portico's agent side by side, in one run, rounds alternating
 * A, B, A, B… — how each step of issue 13 was measured against the one before. What differs
 * is the code (a git revision or the working tree), how it runs (bundle or source) and the Node
 * options. Both run the bench's Portico config (bench/peers/portico.ts) in front of one nginx
 * back end; CPU per request is read from /proc, the steadier figure on a shared 2-core machine.
 *
 *   node bench/ab.ts --a 'source' --b 'bundle'
 *   node bench/ab.ts --a 'bundle@HEAD~1' --b 'bundle' --rounds 5
 *   node bench/ab.ts --a 'bundle' --b 'bundle --max-semi-space-size=2' --idle 10000
 *   node bench/ab.ts --a 'bundle@HEAD~1' --b 'bundle' --cps --settle 40   # RSS once quiet too
 *
 * A variant: `bundle|source[@REV] [NAME=VALUE…] [NODE OPTIONS…]`; NAME=VALUE words set the
 * agent's environment (e.g. MALLOC_ARENA_MAX=2). Without @REV it is the working tree; with
 * it, `git archive REV` unpacked in the temp dir (the shared index is never touched). A bundle
 * runs with the systemd unit's NODE_OPTIONS unless options are given (`bundle -` for none).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, initClockTicks, rssMB } from './lib/procfs.ts';
import {
  childNofile,
  freePorts,
  killAllChildren,
  killAllChildrenSync,
  runTool,
  startDaemon,
  stopDaemon,
  waitForPort,
} from './lib/proc.ts';
import { median } from './lib/stats.ts';
import { ensureTools } from './lib/tools.ts';
import { holdIdleConnections } from './load/idle-conns.ts';
import { runWrk } from './load/wrk.ts';
import { prepareAgent, unitNodeOptions } from './peers/agent-bundle.ts';
import { SMALL_PATH, startBackend } from './peers/backend.ts';
import { porticoConfig } from './peers/portico.ts';
import { LOOPBACK, type HostPort } from './peers/types.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (m: string) => process.stderr.write(`  · ${m}\n`);

interface Variant {
  label: string;
  spec: string;
  entry: string;
  nodeOptions: string[];
  env: Record<string, string>;
}

interface Agent {
  variant: Variant;
  pid: number;
  http: HostPort;
  startRssMB: number;
  stop(): Promise<void>;
}

function option(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Builds (or points at) what a variant runs. */
async function prepare(spec: string, label: string, dir: string): Promise<Variant> {
  const [how = 'bundle', ...words] = spec.trim().split(/\s+/);
  const isEnv = (w: string) => /^[A-Z_][A-Z0-9_]*=/.test(w);
  const env = Object.fromEntries(words.filter(isEnv).map((w) => w.split(/=(.*)/s).slice(0, 2)));
  const rest = words.filter((w) => !isEnv(w));
  const [kind, rev] = how.split('@') as [string, string | undefined];
  if (kind !== 'bundle' && kind !== 'source') throw new Error(`variant "${spec}": bundle or source`);
  const options = rest.length === 0 ? undefined : rest[0] === '-' ? [] : rest;
  let root = repoRoot;
  if (rev) {
    root = path.join(dir, 'src');
    mkdirSync(root, { recursive: true });
    const tar = execFileSync('git', ['-C', repoRoot, 'archive', rev], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', root], { input: tar });
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
  }
  if (kind === 'source') {
    return { label, spec, entry: path.join(root, 'agent', 'cli.ts'), nodeOptions: options ?? [], env };
  }
  if (rev) {
    // That revision's own build script, into its own out/agent (older ones take no out dir).
    const r = await runTool(process.execPath, [path.join(root, 'scripts', 'build-agent.ts')], {
      timeoutMs: 120_000,
    });
    if (r.code !== 0) throw new Error(`building ${spec} failed:\n${r.stderr}${r.stdout}`);
    return {
      label,
      spec,
      entry: path.join(root, 'out', 'agent', 'portico-agent.js'),
      nodeOptions: options ?? unitNodeOptions(repoRoot),
      env,
    };
  }
  const built = await prepareAgent(repoRoot, path.join(dir, 'build'), {
    PORTICO_BENCH_NODE_OPTIONS: options?.join(' '),
  });
  return { label, spec, entry: built.entry, nodeOptions: built.nodeOptions, env };
}

async function start(v: Variant, dir: string, backend: HostPort): Promise<Agent> {
  const [httpPort, tcpPort] = (await freePorts(2)) as [number, number];
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const cfg = porticoConfig({ backendPort: backend.port, httpPort, tcpPort });
  writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify(cfg, null, 2));
  const args = [...v.nodeOptions, v.entry, '--data-dir', dataDir, '--api', `${LOOPBACK}:0`, '--no-mdns'];
  const d = startDaemon(`agent-${v.label}`, process.execPath, args, {
    logDir: dir,
    env: { ...process.env, ...v.env },
  });
  await waitForPort(d, LOOPBACK, httpPort, 15_000);
  await waitForPort(d, LOOPBACK, tcpPort, 15_000);
  await sleep(1000);
  return {
    variant: v,
    pid: d.pid,
    http: { host: LOOPBACK, port: httpPort },
    startRssMB: rssMB(d.pid),
    stop: () => stopDaemon(d),
  };
}

async function wrkRound(a: Agent, seconds: number, close: boolean) {
  const before = cpuSeconds(a.pid);
  const w = await runWrk('wrk', a.http, {
    threads: 1,
    connections: 50,
    durationS: seconds,
    path: SMALL_PATH,
    ...(close ? { headers: ['Connection: close'] } : {}),
  });
  const cpuS = cpuSeconds(a.pid) - before;
  // A comparison of error answers (a 403 from the back end, a 502) would compare the wrong path.
  if (w.errors > 0)
    throw new Error(`${a.variant.label}: ${w.errors} failed or non-2xx answers in ${w.command}`);
  return { rps: w.rps, cpuPer10k: (cpuS / w.requests) * 10_000, errors: w.errors };
}

async function main(): Promise<void> {
  const specA = option('a', 'source')!;
  const specB = option('b', 'bundle')!;
  const rounds = Number(option('rounds', '5'));
  const seconds = Number(option('seconds', '5'));
  const idle = Number(option('idle', '0'));
  const withCps = process.argv.includes('--cps');
  const settle = Number(option('settle', '0'));
  if (
    !(rounds >= 1 && rounds <= 20 && seconds >= 1 && seconds <= 60 && idle >= 0 && idle <= 20_000) ||
    !(settle >= 0 && settle <= 120)
  ) {
    throw new Error('--rounds 1..20, --seconds 1..60, --idle 0..20000, --settle 0..120');
  }
  const tools = await ensureTools(log);
  await initClockTicks();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'portico-ab-'));
  // nginx workers drop root privileges: they must be able to read the files they serve.
  chmodSync(tmp, 0o755);
  process.on('exit', killAllChildrenSync);
  try {
    const [backendPort] = (await freePorts(1)) as [number];
    const backend = await startBackend({
      tools,
      dir: path.join(tmp, 'backend'),
      logDir: tmp,
      port: backendPort,
      nofile: await childNofile(),
      bigBytes: 1 << 20,
    });
    const variants = [
      await prepare(specA, 'A', path.join(tmp, 'A')),
      await prepare(specB, 'B', path.join(tmp, 'B')),
    ];
    const agents: Agent[] = [];
    for (const v of variants) agents.push(await start(v, path.join(tmp, v.label), backend.addr));
    for (const a of agents)
      await runWrk('wrk', a.http, { threads: 1, connections: 50, durationS: 2, path: SMALL_PATH });

    const rows = new Map<string, number[][]>(); // metric → [A values, B values]
    const add = (metric: string, i: number, v: number) => {
      const r = rows.get(metric) ?? [[], []];
      r[i]!.push(v);
      rows.set(metric, r);
    };
    agents.forEach((a, i) => add('RSS at start (MB)', i, a.startRssMB));
    for (let round = 1; round <= rounds; round++) {
      // A then B on odd rounds, B then A on even ones: neither always follows the other.
      const order = round % 2 ? [0, 1] : [1, 0];
      for (const i of order) {
        const k = await wrkRound(agents[i]!, seconds, false);
        add('l7 keep-alive req/s', i, k.rps);
        add('l7 CPU-s per 10k req', i, k.cpuPer10k);
        if (withCps) {
          const c = await wrkRound(agents[i]!, seconds, true);
          add('new connections/s', i, c.rps);
          add('cps CPU-s per 10k', i, c.cpuPer10k);
        }
        log(
          `round ${round} ${agents[i]!.variant.label}: ${k.rps.toFixed(0)} req/s, ${k.cpuPer10k.toFixed(3)} CPU-s/10k`,
        );
      }
    }
    agents.forEach((a, i) => add('RSS after load (MB)', i, rssMB(a.pid)));
    if (settle > 0) {
      // Both quiet at once: what each keeps once traffic stops (agent/idle-collect.ts).
      await sleep(settle * 1000);
      agents.forEach((a, i) => add(`RSS after ${settle} s quiet (MB)`, i, rssMB(a.pid)));
    }
    if (idle > 0) {
      for (const [i, a] of agents.entries()) {
        const before = rssMB(a.pid);
        const hold = await holdIdleConnections(a.http, {
          count: idle,
          batch: 250,
          path: SMALL_PATH,
          timeoutMs: 120_000,
        });
        await sleep(2000);
        const held = hold.openNow();
        const withConns = rssMB(a.pid);
        log(
          `${a.variant.label}: ${held} idle connections held (${hold.answered} answered, ${hold.failed} failed)`,
        );
        add(`RSS holding ${idle} idle (MB)`, i, withConns);
        add('kB per idle connection', i, ((withConns - before) * 1000) / held);
        await hold.closeAll();
        await sleep(1000);
      }
    }
    for (const a of agents) await a.stop();
    await backend.peer.stop();

    console.log(`A: ${variants[0]!.spec}  (${variants[0]!.nodeOptions.join(' ') || 'no node options'})`);
    console.log(`B: ${variants[1]!.spec}  (${variants[1]!.nodeOptions.join(' ') || 'no node options'})`);
    console.log(`${rounds} alternating rounds of wrk -t1 -c50 -d${seconds}s GET ${SMALL_PATH}; medians\n`);
    console.log(`${'metric'.padEnd(28)} ${'A'.padStart(9)} ${'B'.padStart(9)}   B/A`);
    for (const [metric, [a, b]] of rows) {
      const ma = median(a!);
      const mb = median(b!);
      console.log(
        `${metric.padEnd(28)} ${ma.toFixed(3).padStart(9)} ${mb.toFixed(3).padStart(9)}   ${(mb / ma).toFixed(3)}×`,
      );
    }
  } finally {
    await killAllChildren();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:ab failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
