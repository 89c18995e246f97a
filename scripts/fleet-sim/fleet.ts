/**
 * fleet-sim's fleet: the simulated agents (started a few at a time), the pairing script and
 * agent list written beside their data, the event stream switched on and off, and what the
 * fleet holds (sessions, history bytes).
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { startHostedAgent, type HostedAgent } from '../../agent/demo-host.ts';
import { SimulatedEngine } from '../../agent/engines/simulated/index.ts';
import { agentName, fleetAgentConfig } from './fleet-config.ts';

/** A down server stays down this long in the event stream (keeps a few percent down at once). */
const STREAM_DOWN_SECONDS = 1;
const QUIET_FLIPS_PER_HOUR = 2;
const QUIET_DOWN_SECONDS = 45;

export interface Fleet {
  agents: HostedAgent[];
  engines: SimulatedEngine[];
  events: { count: number };
}

export async function startFleet(opts: {
  agents: number;
  servers: number;
  sites: number;
  root: string;
  waveMinutes: number;
  historyMinutes: number;
  seed: number;
}): Promise<Fleet> {
  const log = pino({ level: process.env.PORTICO_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const fleet: Fleet = { agents: [], engines: [], events: { count: 0 } };
  const slots = new Array<HostedAgent | undefined>(opts.agents);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < opts.agents; i = next++) {
      const { site, name } = agentName(i, opts.sites);
      const engine = new SimulatedEngine({
        seed: opts.seed * 100_003 + i,
        traffic: { waveSeconds: opts.waveMinutes * 60 },
        flipsPerHour: QUIET_FLIPS_PER_HOUR,
        downSeconds: QUIET_DOWN_SECONDS,
      });
      engine.onHealth(() => fleet.events.count++);
      const agent = await startHostedAgent({
        dataDir: join(opts.root, site, name),
        name,
        site,
        engine,
        log: log.child({ agent: name }),
        history: { slots10s: Math.min(360, opts.historyMinutes * 6), slots1m: opts.historyMinutes },
      });
      // The config is a transaction like any other: validated, applied, written, audited.
      await agent.configStore.apply(fleetAgentConfig(i, opts.servers), {
        actor: { tokenId: 'fleet-sim', peer: 'local' },
      });
      slots[i] = agent;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(8, opts.agents) }, worker));
  } finally {
    for (const agent of slots) {
      if (!agent) continue;
      fleet.agents.push(agent);
      fleet.engines.push(agent.engine as SimulatedEngine);
    }
  }
  return fleet;
}

/** One `portico pair` line per agent, in a script beside the data. */
export async function writePairScript(root: string, fleet: Fleet): Promise<string> {
  const repo = resolve(import.meta.dirname, '..', '..');
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const lines = [
    '#!/bin/sh',
    '# Pairs every fleet-sim agent with a Console: sh pair.sh [--config-dir DIR]',
    'set -e',
    `cd ${quote(repo)}`,
    ...fleet.agents.map(
      (a) =>
        `npm run --silent portico -- pair ${a.address}:${a.port} --token-file ${quote(a.tokenFile)} --fingerprint ${a.fingerprint} "$@"`,
    ),
  ];
  const file = join(root, 'pair.sh');
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o700 });
  const list = fleet.agents.map((a) => ({
    id: a.id,
    name: a.name,
    site: a.site,
    address: a.address,
    port: a.port,
    fingerprint: a.fingerprint,
    tokenFile: a.tokenFile,
  }));
  await writeFile(join(root, 'agents.json'), `${JSON.stringify(list, null, 2)}\n`);
  return file;
}

export function setStream(fleet: Fleet, eventsPerSecond: number): void {
  // Each flip is two events (down, then up again after STREAM_DOWN_SECONDS).
  const perEngine = eventsPerSecond / 2 / Math.max(1, fleet.engines.length);
  for (const e of fleet.engines) {
    if (eventsPerSecond > 0) e.setFlips(perEngine * 3_600, STREAM_DOWN_SECONDS);
    else e.setFlips(QUIET_FLIPS_PER_HOUR, QUIET_DOWN_SECONDS);
  }
}

/** What every agent's history holds now, MB. */
export function historyMB(fleet: Fleet): number {
  let bytes = 0;
  for (const a of fleet.agents) {
    const held = a.management.history.bytesHeld();
    bytes += held.frames10s + held.frames1m + held.transitions;
  }
  return bytes / 2 ** 20;
}

export function sessions(fleet: Fleet): number {
  return fleet.agents.reduce((n, a) => n + a.server.counters().sessions, 0);
}
