/**
 * `npm run fleet-sim`: many agents in one process, each the real management plane (identity,
 * token, config store, templates, events, history, wss on 127.0.0.1) over the simulated engine,
 * so a Console can be tried against a fleet of any size on one machine. Each agent gets a config
 * of pools and services adding up to --servers-per-agent real servers; with --config-dir they
 * are paired into that Console directory, otherwise the way to pair them is printed.
 *
 *   npm run fleet-sim -- [--agents 200] [--servers-per-agent 250] [--sites 8] [--config-dir DIR]
 *                        [--data-dir DIR] [--events-per-second N] [--measure SECONDS] [--wait-for-sessions N]
 *                        [--report-every SECONDS] [--duration SECONDS] [--wave-minutes M]
 *                        [--history-minutes M] [--seed N]
 *
 * It reports its own resident memory and CPU every --report-every seconds; --measure S measures S
 * seconds at rest and then (with --events-per-second) S seconds of the event stream, and prints
 * both. Ctrl-C (or --duration) stops every agent; a data dir it made itself is removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fleetAgentConfig, POOL_SIZE } from './fleet-sim/fleet-config.ts';
import {
  historyMB,
  sessions,
  setStream,
  startFleet,
  writePairScript,
  type Fleet,
} from './fleet-sim/fleet.ts';
import { pairIntoConsole } from './fleet-sim/pair-into-console.ts';
import { formatUsage, UsageMeter } from './fleet-sim/usage-meter.ts';

const USAGE = `usage: npm run fleet-sim -- [--agents N] [--servers-per-agent M] [--sites S] [--config-dir DIR]
                            [--data-dir DIR] [--events-per-second N] [--measure SECONDS] [--wait-for-sessions N]
                            [--report-every SECONDS] [--duration SECONDS] [--wave-minutes M]
                            [--history-minutes M] [--seed N]

  --agents N             agents to run (default 200)
  --servers-per-agent M  real servers per agent, in pools of ${POOL_SIZE} behind one service each (default 250)
  --sites S              sites the agents are spread over (default 8)
  --config-dir DIR       pair every agent into this Console directory (as \`portico pair\` does)
  --data-dir DIR         keep the agents' data dirs here (identities, tokens, ports reused next time);
                         default: a temporary directory removed at exit
  --events-per-second N  health events per second across the fleet (servers going down and back up);
                         default: a few per hour per agent
  --measure SECONDS      measure memory and CPU at rest, then during the event stream, for SECONDS each
  --wait-for-sessions N  start measuring (and streaming) once N management sessions are open, e.g. a
                         Console connected to every agent
  --report-every SECONDS print memory, CPU and events every SECONDS (default 30; 0: never)
  --duration SECONDS     stop after SECONDS (default: run until Ctrl-C)
  --wave-minutes M       length of the traffic wave (default 60, so charts move; a real day is 1440)
  --history-minutes M    how far back each agent's stats.history reaches (default 60: 10 s slots for
                         the last hour, 1 min slots for M minutes; a real agent keeps 1440); each busy
                         agent of 250 servers holds about 2 MB per hour of it
  --seed N               traffic seed (default 1)
`;

const OPTIONS = {
  agents: { type: 'string' },
  'servers-per-agent': { type: 'string' },
  sites: { type: 'string' },
  'config-dir': { type: 'string' },
  'data-dir': { type: 'string' },
  'events-per-second': { type: 'string' },
  measure: { type: 'string' },
  'wait-for-sessions': { type: 'string' },
  'report-every': { type: 'string' },
  duration: { type: 'string' },
  'wave-minutes': { type: 'string' },
  'history-minutes': { type: 'string' },
  seed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function count(text: string | undefined, fallback: number, option: string, min = 0): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${option} takes a number ≥ ${min}`);
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: OPTIONS, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  let historyMinutes,
    agents,
    servers,
    sites,
    eventsPerSecond,
    measure,
    waitSessions,
    reportEvery,
    duration,
    waveMinutes,
    seed;
  try {
    agents = count(values.agents, 200, 'agents', 1);
    servers = count(values['servers-per-agent'], 250, 'servers-per-agent', 1);
    sites = count(values.sites, 8, 'sites', 1);
    eventsPerSecond = count(values['events-per-second'], 0, 'events-per-second');
    measure = count(values.measure, 0, 'measure');
    waitSessions = count(values['wait-for-sessions'], 0, 'wait-for-sessions');
    reportEvery = count(values['report-every'], 30, 'report-every');
    duration = count(values.duration, 0, 'duration');
    waveMinutes = count(values['wave-minutes'], 60, 'wave-minutes', 1);
    historyMinutes = Math.round(count(values['history-minutes'], 60, 'history-minutes', 1));
    seed = count(values.seed, 1, 'seed');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}`);
    return 2;
  }

  const ownRoot = values['data-dir'] === undefined;
  const root = ownRoot ? await mkdtemp(join(tmpdir(), 'portico-fleet-sim-')) : resolve(values['data-dir']!);
  const meter = new UsageMeter();
  const started = Date.now();
  let fleet: Fleet | undefined;
  let stopping = false;
  const stop = new Promise<void>((done) => {
    const onSignal = () => {
      stopping = true;
      done();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (duration > 0) setTimeout(onSignal, duration * 1000).unref();
  });
  try {
    fleet = await startFleet({ agents, servers, sites, root, waveMinutes, historyMinutes, seed });
    const services = fleetAgentConfig(0, servers).virtualServices!.length;
    out(
      `fleet-sim: ${agents} agents × ${servers} real servers (${services} virtual services each) in ${Math.min(sites, agents)} sites, ` +
        `started in ${((Date.now() - started) / 1000).toFixed(1)} s; ${formatUsage(meter.read())}`,
    );
    const script = await writePairScript(root, fleet);
    out(
      `  data: ${root} (agents.json lists each agent's site, name, address, port, fingerprint and token file)`,
    );
    if (values['config-dir'] !== undefined) {
      const configDir = resolve(values['config-dir']);
      const t = Date.now();
      const outcome = await pairIntoConsole(configDir, fleet.agents);
      out(
        `  paired into ${configDir}: ${outcome.paired} new, ${outcome.refreshed} refreshed, ${outcome.failed.length} failed ` +
          `(${((Date.now() - t) / 1000).toFixed(1)} s)`,
      );
      for (const f of outcome.failed.slice(0, 5)) out(`    ${f.name}: ${f.message}`);
    } else {
      const a = fleet.agents[0]!;
      out(
        `  to pair them with a Console: sh ${script} [--config-dir DIR]   (one \`portico pair\` per agent), e.g.`,
      );
      out(
        `    npm run portico -- pair ${a.address}:${a.port} --token-file ${a.tokenFile} --fingerprint ${a.fingerprint}`,
      );
    }
    out('fleet-sim ready; Ctrl-C stops it');
    if (waitSessions > 0) {
      while (!stopping && sessions(fleet) < waitSessions) await Promise.race([sleep(250), stop]);
      // Let the sessions' first requests (agent.info, snapshots, subscriptions) settle.
      await Promise.race([sleep(5_000), stop]);
      out(`  ${sessions(fleet)} sessions open`);
    }

    if (measure > 0 && !stopping) {
      const before = fleet.events.count;
      meter.read();
      await Promise.race([sleep(measure * 1000), stop]);
      const idle = meter.read();
      out(
        `  at rest: ${formatUsage(idle)}, ${((fleet.events.count - before) / idle.seconds).toFixed(1)} health events/s`,
      );
      if (eventsPerSecond > 0 && !stopping) {
        setStream(fleet, eventsPerSecond);
        const from = fleet.events.count;
        meter.read();
        await Promise.race([sleep(measure * 1000), stop]);
        const streaming = meter.read();
        out(
          `  streaming: ${formatUsage(streaming)}, ${((fleet.events.count - from) / streaming.seconds).toFixed(0)} health events/s ` +
            `(asked ${eventsPerSecond}), sessions ${sessions(fleet)}`,
        );
      }
    } else if (eventsPerSecond > 0) setStream(fleet, eventsPerSecond);

    let reported = fleet.events.count;
    const report =
      reportEvery > 0
        ? setInterval(() => {
            const u = meter.read();
            out(
              `  ${new Date().toISOString()} ${formatUsage(u)}, ${((fleet!.events.count - reported) / u.seconds).toFixed(1)} health events/s, sessions ${sessions(fleet!)}, history ${historyMB(fleet!).toFixed(1)} MB`,
            );
            reported = fleet!.events.count;
          }, reportEvery * 1000)
        : undefined;
    await stop;
    clearInterval(report);
    return 0;
  } finally {
    out('fleet-sim: stopping');
    await Promise.all((fleet?.agents ?? []).map((a) => a.close().catch(() => undefined)));
    if (ownRoot) await rm(root, { recursive: true, force: true });
  }
}

process.exitCode = await main();
