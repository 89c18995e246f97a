/**
 * `npm run bench`: Portico's proxy engine next to HAProxy and nginx on loopback, same back end,
 * same load tools, one run. Prints a table and writes bench/results/<timestamp>.json.
 *
 * Fairness rules (shared/PERFORMANCE.md): everything in one run, targets alternated within
 * each round (direct, HAProxy, nginx, Portico, then again), medians over rounds, CPU time per
 * request as the steadier figure on a noisy 2-core machine.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseOptions, USAGE, UsageError, type BenchOptions } from './lib/options.ts';
import { childNofile, freePorts, killAllChildren, killAllChildrenSync, tailFile } from './lib/proc.ts';
import { benchCpuSeconds, cpuSeconds, initClockTicks, machineBusySeconds, rssMB } from './lib/procfs.ts';
import { evaluateTargets, renderReport, resultsJson, type ScenarioResult } from './lib/report.ts';
import { ensureTools, toolVersions, type Tools } from './lib/tools.ts';
import { makeBenchPki } from './lib/pki.ts';
import { download } from './load/stream.ts';
import { runHandshakes } from './load/tls-handshakes.ts';
import { runWrk } from './load/wrk.ts';
import { BIG_PATH, SMALL_PATH, startBackend, type Backend } from './peers/backend.ts';
import { haproxyPeer } from './peers/haproxy.ts';
import { nginxPeer } from './peers/nginx.ts';
import { porticoPeer } from './peers/portico.ts';
import { porticoHaproxyPeer } from './peers/portico-haproxy.ts';
import {
  LOOPBACK,
  TLS_KINDS,
  TLS_SERVER_NAME,
  type BenchPki,
  type EndpointKind,
  type PeerDef,
  type PeerId,
  type RunningPeer,
  type TlsPorts,
} from './peers/types.ts';
import { SCENARIOS } from './scenarios/index.ts';
import type { Measurement, Scenario } from './scenarios/types.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const PEER_DEFS: Record<PeerId, PeerDef> = {
  haproxy: haproxyPeer,
  nginx: nginxPeer,
  portico: porticoPeer,
  'portico-haproxy': porticoHaproxyPeer,
};
/** Other processes' CPU use (in cores) above which a scenario's numbers are flagged. */
const FOREIGN_WARN_CORES = 0.1;

/** Total time the whole run may spend waiting for other people's load to pass. */
let quietBudgetMs = -1;
/** What was spent waiting beyond the one settle second per measurement, for the report. */
let extraQuietWaitMs = 0;

/**
 * Before each measurement: one quiet second (the previous target's teardown must not bleed
 * into the next), then, while other processes keep more than FOREIGN_WARN_CORES busy, wait
 * for them, at most 15 s per measurement and 2 minutes per run (30 s when quick). The load
 * still seen during the measurement is recorded and flagged in the report.
 */
async function waitForQuiet(opts: BenchOptions): Promise<number> {
  if (quietBudgetMs < 0) quietBudgetMs = opts.quick ? 30_000 : 120_000;
  const start = Date.now();
  const limit = Math.min(15_000, quietBudgetMs);
  // Bounded: each pass takes a second and the loop ends at `limit`.
  for (;;) {
    const a = foreignCpuMark();
    await sleep(1000);
    const b = foreignCpuMark();
    const cores = (b.cpuS - a.cpuS) / ((b.at - a.at) / 1000);
    if (cores < FOREIGN_WARN_CORES || Date.now() - start >= limit) break;
  }
  const waited = Date.now() - start;
  quietBudgetMs = Math.max(0, quietBudgetMs - (waited - 1000));
  extraQuietWaitMs += waited - 1000;
  return waited;
}

/** CPU time of everything on the machine that is neither the bench's tree nor the kernel's. */
function foreignCpuMark(): { cpuS: number; at: number } {
  // pid 2 (kthreadd) parents every kernel thread, e.g. ksoftirqd doing our loopback traffic.
  return { cpuS: machineBusySeconds() - benchCpuSeconds() - cpuSeconds(2), at: Date.now() };
}

const progress = (msg: string) => process.stderr.write(`  · ${msg}\n`);

function commandLine(): string {
  const env = Object.entries(process.env)
    .filter(([k]) => k.startsWith('PORTICO_BENCH_'))
    .map(([k, v]) => `${k}=${v}`);
  const script = path.relative(process.cwd(), process.argv[1] ?? 'bench/run.ts') || 'bench/run.ts';
  const args = process.argv
    .slice(2)
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  const via = process.env.npm_lifecycle_event === 'bench' ? '   (via npm run bench)' : '';
  return [...env, 'node', script, ...args].join(' ') + via;
}

interface State {
  tmp: string | null;
  keepTmp: boolean;
  peers: RunningPeer[];
  backend: Backend | null;
}
const state: State = { tmp: null, keepTmp: false, peers: [], backend: null };

async function cleanup(): Promise<void> {
  for (const p of state.peers) await p.stop().catch(() => undefined);
  await state.backend?.peer.stop().catch(() => undefined);
  // Anything else still registered (a wrk or curl interrupted by Ctrl-C).
  await killAllChildren();
  if (state.tmp && !state.keepTmp) rmSync(state.tmp, { recursive: true, force: true });
  else if (state.tmp) process.stderr.write(`temp dir kept: ${state.tmp}\n`);
  state.peers = [];
  state.backend = null;
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${sig}: stopping every process the bench started…\n`);
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}
// Last resort (e.g. process.exit from elsewhere): no awaiting possible here, so SIGKILL.
process.on('exit', killAllChildrenSync);

async function startPeers(
  opts: BenchOptions,
  tools: Tools,
  tmp: string,
  backend: Backend,
  nofile: number,
  kinds: Set<EndpointKind>,
  pki: BenchPki | null,
) {
  // http and tcp always (as before); TLS listeners only for the kinds the scenarios need.
  const tlsKinds = TLS_KINDS.filter((k) => kinds.has(k));
  const perPeer = 2 + tlsKinds.length;
  const ports = await freePorts(opts.peers.length * perPeer);
  const failed: { id: PeerId; reason: string }[] = [];
  for (const [i, id] of opts.peers.entries()) {
    const def = PEER_DEFS[id];
    const dir = path.join(tmp, id);
    mkdirSync(dir, { recursive: true });
    progress(`starting ${def.label}`);
    const mine = ports.slice(i * perPeer, (i + 1) * perPeer) as number[];
    const tlsPorts: TlsPorts = Object.fromEntries(tlsKinds.map((k, j) => [k, mine[2 + j] as number]));
    try {
      const peer = await def.start({
        tools,
        repoRoot,
        dir,
        logDir: path.join(tmp, 'logs'),
        backend: backend.addr,
        backendTls: backend.tlsAddr,
        pki,
        nofile,
        ports: { http: mine[0] as number, tcp: mine[1] as number, ...tlsPorts },
        log: progress,
      });
      state.peers.push(peer);
    } catch (e) {
      failed.push({ id, reason: (e as Error).message });
      process.stderr.write(
        `\n!! ${def.label} did not start — its columns will be empty:\n${(e as Error).message}\n\n`,
      );
    }
  }
  return failed;
}

async function warmUp(opts: BenchOptions, tools: Tools, backend: Backend, scenarios: Scenario[]) {
  // JIT, connection pools and caches warm for everyone alike, for the listeners the selected
  // scenarios use; not measured.
  const kinds = new Set(scenarios.map((s) => s.needs));
  for (const p of state.peers) {
    const http = p.endpoints.http;
    if (http && kinds.has('http')) {
      progress(`warming up ${p.label} L7 (${opts.warmupSeconds} s)`);
      await runWrk(tools.wrk, http, {
        threads: 1,
        connections: 50,
        durationS: opts.warmupSeconds,
        path: SMALL_PATH,
      }).catch((e) => progress(`L7 warm-up of ${p.label} failed: ${(e as Error).message}`));
    }
    const tcp = p.endpoints.tcp;
    if (tcp && kinds.has('tcp')) {
      progress(`warming up ${p.label} L4 (one stream)`);
      await download(tools.curl, tcp, BIG_PATH, backend.bigBytes).catch((e) =>
        progress(`L4 warm-up of ${p.label} failed: ${(e as Error).message}`),
      );
    }
    // TLS: the handshake path (and the request behind it) for the offload listeners, the
    // upstream TLS pool for re-encrypt. At most 2 s each: four TLS scenarios share the run.
    const tlsWarmS = Math.min(2, opts.warmupSeconds);
    for (const kind of ['https-rsa', 'https-ecdsa'] as const) {
      const at = p.endpoints[kind];
      if (!at || !kinds.has(kind)) continue;
      progress(`warming up ${p.label} ${kind} (${tlsWarmS} s of full handshakes)`);
      await runHandshakes(at, {
        connections: opts.handshakeConnections,
        seconds: tlsWarmS,
        path: SMALL_PATH,
        servername: TLS_SERVER_NAME,
      }).catch((e) => progress(`${kind} warm-up of ${p.label} failed: ${(e as Error).message}`));
    }
    const re = p.endpoints['https-reencrypt'];
    if (re && kinds.has('https-reencrypt')) {
      progress(`warming up ${p.label} https-reencrypt (${tlsWarmS} s)`);
      await runWrk(tools.wrk, re, {
        threads: 1,
        connections: 50,
        durationS: tlsWarmS,
        path: SMALL_PATH,
        scheme: 'https',
      }).catch((e) => progress(`https-reencrypt warm-up of ${p.label} failed: ${(e as Error).message}`));
    }
  }
}

function summary(s: Scenario, m: Measurement): string {
  return s.metrics
    .filter((x) => Number.isFinite(m[x.key]))
    .map((x) => `${x.key}=${(m[x.key] as number).toFixed(x.digits || 1)}`)
    .join(' ');
}

async function runScenario(
  s: Scenario,
  opts: BenchOptions,
  tools: Tools,
  backend: Backend,
  startRssMB: Map<string, number>,
): Promise<ScenarioResult> {
  const targets = [...(s.includeDirect ? [backend.peer] : []), ...state.peers];
  const result: ScenarioResult = {
    scenario: s,
    columns: targets.map((t) => ({ id: t.id, label: t.label })),
    rounds: [],
    errors: [],
  };
  const ctx = { opts, tools, backend, startRssMB, log: progress };
  const rounds = s.rounds ?? opts.rounds;
  for (let round = 1; round <= rounds; round++) {
    const measured = new Map<string, Measurement>();
    for (const t of targets) {
      const at = t.endpoints[s.needs];
      if (!at) continue; // e.g. nginx without its stream module has no tcp listener
      if (!t.alive()) continue; // reported once, when it was found dead
      const waitedMs = await waitForQuiet(opts);
      try {
        const before = foreignCpuMark();
        const m = await s.run(ctx, t, at);
        const after = foreignCpuMark();
        // Other people's work on this machine during the measurement, in cores (0.25 = a
        // quarter of one CPU on average): the report flags runs it may have distorted.
        m.foreignCores = (after.cpuS - before.cpuS) / ((after.at - before.at) / 1000);
        m.quietWaitS = waitedMs / 1000;
        measured.set(t.id, m);
        progress(
          `${s.id} round ${round}/${rounds} ${t.label}: ${summary(s, m)}  (other load ${m.foreignCores.toFixed(2)} cores${waitedMs > 1500 ? `, waited ${(waitedMs / 1000).toFixed(0)} s for quiet` : ''})`,
        );
      } catch (e) {
        if (stopping) return result; // interrupted: processes are being killed, not failing
        let msg = `${t.label}, round ${round}: ${(e as Error).message}`;
        if (!t.alive()) {
          msg += ` — ${t.label} exited; skipped from now on. Its logs:\n${t.logs.map((f) => tailFile(f, 2000)).join('\n')}`;
        }
        result.errors.push(msg);
        progress(`${s.id}: ${msg}`);
      }
    }
    s.derive?.(measured);
    result.rounds.push(measured);
  }
  const busiest = Math.max(
    0,
    ...result.rounds.flatMap((r) => [...r.values()].map((m) => m.foreignCores ?? 0)),
  );
  if (busiest > FOREIGN_WARN_CORES) {
    result.errors.push(
      `other processes on this machine used up to ${busiest.toFixed(2)} cores during these runs: ` +
        `treat the differences with care (foreignCores per run in the JSON)`,
    );
  }
  for (const t of targets) {
    const errs = result.rounds.reduce((n, r) => n + (r.get(t.id)?.errors ?? 0), 0);
    if (errs > 0)
      result.errors.push(`${t.label}: ${errs} failed requests over ${rounds} round(s) (see JSON)`);
  }
  return result;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const parsed = parseOptions(
    process.argv.slice(2),
    process.env,
    SCENARIOS.map((s) => s.id),
  );
  if (parsed === 'help') {
    console.log(`${USAGE}\nscenarios: ${SCENARIOS.map((s) => `${s.id} (${s.title})`).join(', ')}`);
    return 0;
  }
  const opts = parsed;
  state.keepTmp = opts.keepTmp;
  const scenarios = SCENARIOS.filter((s) => !opts.only || opts.only.includes(s.id));
  const command = commandLine();
  console.log(`$ ${command}`);

  const tools = await ensureTools(progress);
  const versions = await toolVersions(tools);
  await initClockTicks();
  const nofile = await childNofile();
  if (nofile < opts.idleConnections + 2000) {
    progress(`open-files limit is ${nofile}: the ${opts.idleConnections}-connection memory test may not fit`);
  }

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-'));
  state.tmp = tmp;
  // nginx workers drop root privileges: they must be able to read the files they serve.
  chmodSync(tmp, 0o755);
  mkdirSync(path.join(tmp, 'logs'));

  // The listeners the selected scenarios use: TLS ones (and their certificates) only if needed.
  const kinds = new Set<EndpointKind>(scenarios.map((s) => s.needs));
  let pki: BenchPki | null = null;
  if (TLS_KINDS.some((k) => kinds.has(k))) {
    progress('making certificates (RSA 2048, ECDSA P-256, internal CA) with openssl');
    pki = makeBenchPki(path.join(tmp, 'pki'));
  }
  const [backendPort, backendTlsPort] = await freePorts(2);
  const backendTls = kinds.has('https-reencrypt') && pki ? { port: backendTlsPort as number, pki } : null;
  progress(
    `starting back end nginx on ${LOOPBACK}:${backendPort}${backendTls ? ` (TLS on ${backendTls.port})` : ''}`,
  );
  const backend = await startBackend({
    tools,
    dir: path.join(tmp, 'backend'),
    logDir: path.join(tmp, 'logs'),
    port: backendPort as number,
    nofile,
    bigBytes: opts.streamBytes,
    ...(backendTls ? { tls: backendTls } : {}),
  });
  state.backend = backend;
  const failedPeers = await startPeers(opts, tools, tmp, backend, nofile, kinds, pki);
  // Before any load: what a freshly started proxy costs (the memory test runs after the plain
  // HTTP and L4 scenarios).
  await sleep(1000);
  const startRssMB = new Map(state.peers.map((p) => [p.id as string, p.pid === null ? NaN : rssMB(p.pid)]));
  await warmUp(opts, tools, backend, scenarios);

  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    progress(`scenario ${s.id}: ${s.title}`);
    results.push(await runScenario(s, opts, tools, backend, startRssMB));
    if (stopping) return 130; // Ctrl-C: the signal handler cleans up and exits
  }
  const notes = state.peers.flatMap((p) => p.notes.map((n) => `${p.label}: ${n}`));
  const died = state.peers.filter((p) => !p.alive()).map((p) => p.label);
  // A peer that failed to start or died: keep its logs (the error names their paths).
  if (failedPeers.length > 0 || died.length > 0) state.keepTmp = true;
  await cleanup();

  const targets = evaluateTargets(results, opts);
  const elapsedS = Math.round((Date.now() - t0) / 1000);
  const header = [
    `Portico bench, ${new Date(t0).toISOString()}, ${os.cpus().length} CPUs, ${os.type()} ${os.release()}`,
    `node ${versions.node}, HAProxy ${versions.haproxy}, nginx ${versions.nginx}, wrk ${versions.wrk}, curl ${versions.curl}; ` +
      `OpenSSL ${versions.opensslSystem} (HAProxy, nginx, wrk), ${versions.opensslNode} (Node: Portico, handshake client)`,
    `rounds: ${opts.rounds}${opts.quick ? ' (PORTICO_BENCH_QUICK=1)' : ''}, medians shown; all on ${LOOPBACK}; ` +
      `proxies: 1 thread/worker/process each; CPU and RSS summed over each proxy's processes`,
    `waited ${Math.round(extraQuietWaitMs / 1000)} s in all for other processes' CPU load to pass ` +
      `(at most 15 s before a measurement); runs still disturbed are flagged with !`,
  ];
  console.log(`\n${header.join('\n')}\n`);
  console.log(renderReport(results, opts, targets));
  for (const f of failedPeers)
    console.log(`\n!! ${PEER_DEFS[f.id].label} was not measured: ${f.reason.split('\n')[0]}`);
  for (const d of died) console.log(`\n!! ${d} exited during the run: later measurements of it are missing`);
  for (const n of notes) console.log(`note: ${n}`);

  const stamp = new Date(t0).toISOString().replace(/[:.]/g, '-');
  const outDir = path.join(benchDir, 'results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${stamp}.json`);
  const record = {
    command,
    startedAt: new Date(t0).toISOString(),
    elapsedSeconds: elapsedS,
    waitedForQuietSeconds: Math.round(extraQuietWaitMs / 1000),
    host: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, kernel: os.release(), nofile },
    versions,
    options: opts,
    peersNotMeasured: failedPeers,
    peersDied: died,
    notes,
    scenarios: resultsJson(results, opts),
    targets,
  };
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  console.log(`\nresults: ${path.relative(process.cwd(), file)}   (${elapsedS} s)`);
  // Incomplete run (a requested peer did not start or died): say so in the exit code too. A
  // missed target is not a failure.
  return failedPeers.length > 0 || died.length > 0 ? 2 : 0;
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
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    state.keepTmp = true; // its logs explain the failure
    await cleanup();
    process.exitCode = 1;
  },
);
