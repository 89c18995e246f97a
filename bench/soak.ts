/**
 * `npm run soak`: a bounded reliability run of real portico-agent processes on loopback, with
 * a table of figures at the end (markdown) and the details in bench/results/soak-<time>.json.
 * A measurement, not a test: a MISS still exits 0; the exit code is 1 only when the harness
 * itself failed (a row could not be run). See bench/soak/README.md for what each row does.
 *
 * Rows 1, 2, 4 and 5 run against one long-lived agent, whose open files and memory are read
 * at rest before the run and after each row (row 6); row 3 kills and restarts an agent of its
 * own. Real servers are nginx processes (one each, so one can be SIGKILLed). Every process is
 * started by this script and stopped by its PID at the end, on an error and on Ctrl-C.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { TestClient } from '../test/support/mgmt-agent.ts';
import type { AgentProcess } from '../test/support/agent-process.ts';
import { childNofile, freePorts, killAllChildren, killAllChildrenSync } from './lib/proc.ts';
import { benchCpuSeconds, initClockTicks, machineBusySeconds } from './lib/procfs.ts';
import { ensureTools, toolVersions } from './lib/tools.ts';
import { killAgentsSync, startAgent, stderrTail, stopAgents } from './soak/agents.ts';
import { applyConfig, config, httpService, IDLE_CONFIG, pool, sleep, withTimeout } from './soak/control.ts';
import { Farm, FAST_PATH } from './soak/farm.ts';
import { keepAliveLoad } from './soak/keepalive-load.ts';
import { parseOptions, prng, ROW_IDS, sizes, USAGE, UsageError, type RowId } from './soak/options.ts';
import { markdownTable } from './soak/report.ts';
import { INSPECT_ENV } from './soak/inspector.ts';
import { atRest, resourceFigures, type ResourcePoint } from './soak/resources.ts';
import { crashApplyRow } from './soak/rows/crash-apply.ts';
import { failoverRow } from './soak/rows/failover.ts';
import { fuzzRow } from './soak/rows/fuzz.ts';
import { reloadsRow } from './soak/rows/reloads.ts';
import { serverKillRow } from './soak/rows/server-kill.ts';
import { slowClientsRow } from './soak/rows/slow-clients.ts';
import type { RowResult, SoakContext } from './soak/types.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const ROWS: Record<RowId, { title: string; run: (ctx: SoakContext) => Promise<RowResult> }> = {
  reloads: { title: 'hot reloads under keep-alive load', run: reloadsRow },
  kill: { title: 'a real server killed under load', run: serverKillRow },
  crash: { title: 'SIGKILL during config.apply', run: crashApplyRow },
  fuzz: { title: 'fuzzed JSON-RPC frames', run: fuzzRow },
  slow: { title: 'slowloris and slow bodies', run: slowClientsRow },
  failover: { title: 'an HA pair failing over under load (root: network namespaces)', run: failoverRow },
};

const log = (msg: string) => process.stderr.write(`  · ${msg}\n`);

const describePoint = (p: ResourcePoint) =>
  `${p.at}: ${p.fds} open files${p.settleMs > 500 ? ` (after ${(p.settleMs / 1000).toFixed(1)} s)` : ''}, ` +
  `heap ${p.heapUsedMB.toFixed(1)} MB after GC, external ${p.externalMB.toFixed(1)} MB, RSS ${p.rssMB.toFixed(1)} MB`;

const state: { tmp: string | null; keepTmp: boolean; farm: Farm | null } = {
  tmp: null,
  keepTmp: false,
  farm: null,
};

async function cleanup(): Promise<void> {
  await stopAgents(3_000);
  await state.farm?.stopAll().catch(() => undefined);
  await killAllChildren();
  if (state.tmp && !state.keepTmp) rmSync(state.tmp, { recursive: true, force: true });
  else if (state.tmp) process.stderr.write(`temp dir kept: ${state.tmp}\n`);
  state.tmp = null;
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${sig}: stopping every process the soak started…\n`);
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}
// Last resort: nothing can be awaited in an exit handler, so SIGKILL by PID.
process.on('exit', () => {
  killAgentsSync();
  killAllChildrenSync();
});

/** The long-lived agent and its control session; replaced if the agent dies. */
class MainAgent {
  agent!: AgentProcess;
  control!: TestClient;
  readonly crashes: string[] = [];
  private readonly dataDir: string;
  private started = false;

  /** @param dataDir a fresh directory (mode 0700) inside the run's temp dir */
  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  async start(): Promise<void> {
    this.agent = await startAgent(
      this.started
        ? { dataDir: this.dataDir, env: INSPECT_ENV }
        : { dataDir: this.dataDir, env: INSPECT_ENV, config: IDLE_CONFIG },
    );
    this.started = true;
    this.control = await this.agent.client();
    await withTimeout(this.control.result('events.subscribe', { topics: ['config'] }), 5_000, 'subscribe');
  }

  /** After a row: if the agent died, say so and start it again on the same data dir. */
  async ensureAlive(row: string): Promise<void> {
    if (this.agent.alive()) return;
    const exit = this.agent.child.exitCode ?? this.agent.child.signalCode;
    this.crashes.push(`during ${row}: exit ${exit}\n${stderrTail(this.agent)}`);
    log(`the agent died during ${row} (exit ${exit}); starting it again on the same data dir`);
    await this.start();
  }
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const parsed = parseOptions(process.argv.slice(2), process.env);
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const opts = parsed;
  state.keepTmp = opts.keepTmp;
  const z = sizes(opts.quick);
  const rows = ROW_IDS.filter((r) => !opts.only || opts.only.includes(r));
  console.log(
    `$ ${opts.quick ? 'PORTICO_SOAK_QUICK=1 ' : ''}node bench/soak.ts ${process.argv.slice(2).join(' ')}`.trim() +
      `   (seed ${opts.seed}: add --seed ${opts.seed} to replay the same choices)`,
  );

  const tools = await ensureTools(log);
  const versions = await toolVersions(tools);
  await initClockTicks();
  const busy0 = machineBusySeconds();
  const own0 = benchCpuSeconds();

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'portico-soak-'));
  state.tmp = tmp;
  chmodSync(tmp, 0o755); // nginx may read its files as another user
  const farm = new Farm({
    dir: path.join(tmp, 'real-servers'),
    nginx: tools.nginx,
    nofile: await childNofile(),
    keepaliveS: z.upstreamKeepaliveS,
  });
  state.farm = farm;
  const rsPorts = await freePorts(4);
  for (const [i, port] of rsPorts.entries()) await farm.start(`n${i}`, port);
  log(`real servers n0–n3 (nginx) on 127.0.0.1:${rsPorts.join(', ')}`);

  const main = new MainAgent(mkdtempSync(path.join(tmp, 'agent-')));
  await main.start();
  log(`agent pid ${main.agent.pid}, data dir ${main.agent.dataDir}`);
  const resources: ResourcePoint[] = [await atRest(main.agent, 'start', Infinity, 0)];

  // A short warm-up (listeners, pools, the JIT) before the baseline, so row 6 compares an agent
  // at rest with itself at rest, not with a process that has not done anything yet.
  const [warmPort] = (await freePorts(1)) as [number];
  await applyConfig(
    main.control,
    config([pool('warm', [{ name: 'n0', port: rsPorts[0]! }])], [httpService('warm', warmPort, 'warm')]),
  );
  const warm = keepAliveLoad({
    host: '127.0.0.1',
    port: warmPort,
    paths: [FAST_PATH],
    connections: 8,
    maxDurationMs: 30_000,
  });
  await sleep(opts.quick ? 1000 : 3000);
  await warm.stop();
  const idle = IDLE_CONFIG;
  const settleMaxMs = z.upstreamKeepaliveS * 1000 + 15_000;
  await applyConfig(main.control, idle);
  await sleep(z.upstreamKeepaliveS * 1000 + 1000);
  const baseline = await atRest(main.agent, 'baseline (after warm-up)', Infinity, 0);
  resources.push(baseline);
  log(describePoint(baseline));

  const ctx: SoakContext = {
    quick: opts.quick,
    sizes: z,
    random: Math.random, // replaced per row below
    seed: opts.seed,
    tmp,
    farm,
    agent: () => main.agent,
    control: () => main.control,
    log,
  };
  const results: RowResult[] = [];
  for (const id of rows) {
    const def = ROWS[id];
    log(`row ${ROW_IDS.indexOf(id) + 1} (${id}): ${def.title}`);
    const started = performance.now();
    // Each row draws from its own stream, so `--only ROW --seed N` replays that row's choices.
    ctx.random = prng(opts.seed + ROW_IDS.indexOf(id) * 7919);
    let r: RowResult;
    try {
      r = await def.run(ctx);
    } catch (e) {
      const err = e as Error;
      r = {
        id,
        title: def.title,
        figures: [],
        details: {},
        error: err.stack ?? err.message,
        seconds: (performance.now() - started) / 1000,
      };
    }
    if (stopping) return 130;
    results.push(r);
    for (const f of r.figures)
      log(`${f.id}: ${f.figure}${f.pass === null ? '' : f.pass ? '  PASS' : '  MISS'}`);
    if (r.error) log(`row ${id} harness error: ${r.error}`);
    await main.ensureAlive(id);
    // Back to the idle config, then the agent's files and memory at rest.
    for (const rs of farm.servers.keys()) await farm.revive(rs);
    try {
      await applyConfig(main.control, idle);
      const p = await atRest(main.agent, `after ${id}`, baseline.fds, settleMaxMs);
      resources.push(p);
      log(describePoint(p));
    } catch (e) {
      r.error = (r.error ? `${r.error}\n` : '') + `resetting to the idle config: ${(e as Error).message}`;
    }
  }

  results.push({
    id: 'resources',
    title: 'agent open files and memory',
    figures: resourceFigures(resources, main.crashes.length > 0),
    details: { resources, crashes: main.crashes },
    seconds: 0,
  });

  const elapsedS = (Date.now() - t0) / 1000;
  const foreignCores = (machineBusySeconds() - busy0 - (benchCpuSeconds() - own0)) / elapsedS;
  await cleanup();

  const header = [
    `Portico soak, ${new Date(t0).toISOString()}, ${Math.round(elapsedS)} s, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${os.type()} ${os.release()}`,
    `node ${versions.node}, nginx ${versions.nginx} (real servers); seed ${opts.seed}${opts.quick ? '; PORTICO_SOAK_QUICK=1 (small counts)' : ''}`,
    `other processes on this machine used ${foreignCores.toFixed(2)} cores on average during the run`,
  ];
  console.log(`\n${header.join('\n')}\n`);
  console.log(markdownTable(results));
  for (const c of main.crashes) console.log(`\n!! agent crash ${c}`);

  const stamp = new Date(t0).toISOString().replace(/[:.]/g, '-');
  const outDir = path.join(benchDir, 'results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `soak-${stamp}.json`);
  const record = {
    startedAt: new Date(t0).toISOString(),
    elapsedSeconds: elapsedS,
    quick: opts.quick,
    seed: opts.seed,
    rows,
    sizes: z,
    host: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, kernel: os.release(), foreignCores },
    versions,
    results,
  };
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  const failed = results.filter((r) => r.error);
  for (const r of failed) process.stderr.write(`\nrow ${r.id}: the harness failed:\n${r.error}\n`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`soak failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    state.keepTmp = true; // its logs explain the failure
    await cleanup();
    process.exitCode = 1;
  },
);
