/**
 * `npm start`: the Console with a demo fleet on loopback, so a newcomer sees a live fleet at
 * once: three demo sites — a real agent each (built-in engine) balancing demo real servers under
 * light generated traffic (agent/demo-sites.ts, agent/demo-traffic.ts) — run in this process.
 * Builds the renderer and the desktop bundle, then opens the Electron app, which pairs the fleet
 * itself from a 0600 file this process writes (src-main/core/demo-fleet-handoff.ts: the app's
 * store seals tokens with the OS keychain). Where Electron cannot run (no display, or its binary
 * cannot be fetched) it says why and opens the same Console in browser mode instead, the fleet
 * paired into the Console's directory before it opens. Either way the fleet is unpaired and
 * stopped when the Console closes.
 *
 *   npm start [-- --browser] [-- web options, e.g. --no-discovery --config-dir DIR]
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { build } from 'vite';
import { DEMO_SITES, startDemoSites, type DemoSites } from '../agent/demo-sites.ts';
import { startDemoTraffic, type DemoTraffic } from '../agent/demo-traffic.ts';
import { writeDemoFleetFile } from '../src-main/core/demo-fleet-handoff.ts';
import { consoleDir } from '../src-main/store/console-dir.ts';
import { openNodeConsoleStore } from '../src-main/store/index.ts';
import { buildDesktop } from './build-desktop.ts';
import { pairIntoConsole } from './fleet-sim/pair-into-console.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Why the desktop app cannot open here, or undefined when it can try. */
function noDesktopReason(): string | undefined {
  if (process.argv.includes('--browser')) return 'browser mode was asked for';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

/**
 * The electron package's main export is the binary's path. Electron 42+ fetches the binary on
 * first use, which needs github.com: a machine limited to the npm registry gets an error here.
 */
function electronBinary(): string {
  return createRequire(import.meta.url)('electron') as string;
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    // Ctrl-C reaches the child from the terminal already; a SIGTERM (npm, a service manager) is
    // passed on. Either way this process waits for the child to stop, then stops the demo fleet.
    process.on('SIGINT', () => undefined);
    // Once: conf's atomic writer (when-exit) raises the signal again in this process, and a
    // second SIGTERM would cut the Console short of its own orderly stop.
    let passed = false;
    process.on('SIGTERM', () => {
      if (!passed) child.kill('SIGTERM');
      passed = true;
    });
  });
}

/** Everything but --browser and --config-dir goes on to browser mode (`npm run web` options). */
const args = process.argv.slice(2);
const { values: own, tokens } = parseArgs({
  args,
  options: { browser: { type: 'boolean' }, 'config-dir': { type: 'string' } },
  strict: false,
  tokens: true,
});
const taken = new Set(
  tokens.flatMap((t) =>
    t.kind !== 'option' || (t.name !== 'browser' && t.name !== 'config-dir')
      ? []
      : t.value === undefined || t.inlineValue
        ? [t.index]
        : [t.index, t.index + 1],
  ),
);
const passOn = args.filter((_, i) => !taken.has(i));
const explicitConfigDir = typeof own['config-dir'] === 'string' ? own['config-dir'] : undefined;

interface DemoFleet {
  sites: DemoSites;
  traffic: DemoTraffic;
  stop(): Promise<void>;
}

// Warnings only, on stderr: start-up chatter would bury the URL the newcomer needs.
const log = pino({ level: process.env.PORTICO_LOG_LEVEL ?? 'warn' }, pino.destination(2));

/** The three demo sites, under traffic. */
async function startDemoFleet(): Promise<DemoFleet> {
  const sites = await startDemoSites(log);
  const traffic = startDemoTraffic(sites.services.map((s) => s.url));
  const stop = async () => {
    traffic.stop();
    await sites.stop();
  };
  const lines = DEMO_SITES.map(
    (site) =>
      `  ${site.padEnd(10)} ${sites.services
        .filter((s) => s.site === site)
        .map((s) => `${s.name} ${s.url}`)
        .join('  ')}\n`,
  );
  process.stdout.write(
    `Demo fleet: ${DEMO_SITES.length} sites, a real agent each, under light traffic; their services:\n${lines.join('')}`,
  );
  return { sites, traffic, stop };
}

/** Pairs the fleet into the Console directory `dir` (browser mode); the result unpairs it. */
async function pairIntoDir(dir: string, fleet: DemoFleet): Promise<() => void> {
  const store = () => openNodeConsoleStore({ cwd: dir, onProblem: (m) => log.warn(m) });
  // Each run's agents have new identities: entries left by a run that did not end cleanly
  // would only show as offline forever.
  const isDemo = (a: { name: string; site: string }) =>
    a.name.startsWith('demo-') && (DEMO_SITES as readonly string[]).includes(a.site);
  for (const a of store().listAgents()) if (isDemo(a)) store().removeAgent(a.id);
  const unpair = () => {
    const s = store();
    for (const a of fleet.sites.agents) s.removeAgent(a.id);
  };
  const outcome = await pairIntoConsole(dir, fleet.sites.agents);
  if (outcome.failed.length) {
    unpair();
    throw new Error(`could not pair the demo agents: ${outcome.failed.map((f) => f.message).join('; ')}`);
  }
  process.stdout.write('Demo fleet paired into the Console.\n');
  return unpair;
}

/** The desktop app, pairing the fleet itself from a file only this user can read. */
async function runDesktop(binary: string, fleet: DemoFleet): Promise<number> {
  const handoff = await writeDemoFleetFile(fleet.sites.agents);
  try {
    return await run(binary, [here('../out/main/main.js'), '--demo-fleet', handoff.file]);
  } finally {
    await handoff.remove();
  }
}

async function main(): Promise<number> {
  await build({ configFile: here('../vite.config.ts'), logLevel: 'warn' });
  await buildDesktop();
  let reason = noDesktopReason();
  let binary: string | undefined;
  if (!reason) {
    try {
      binary = electronBinary();
    } catch (err) {
      reason = `Electron could not start: ${(err as Error).message}`;
    }
  }
  const fleet = await startDemoFleet();
  try {
    if (binary) {
      try {
        return await runDesktop(binary, fleet);
      } catch (err) {
        reason = `Electron could not start: ${(err as Error).message}`;
      }
    }
    process.stdout.write(`Opening the Console in browser mode: ${reason}.\n`);
    const dir = consoleDir(process.env, explicitConfigDir);
    const unpair = await pairIntoDir(dir, fleet);
    try {
      return await run(process.execPath, [here('../src-main/web/main.ts'), '--config-dir', dir, ...passOn]);
    } finally {
      // After the Console has gone: its settings file is nobody else's now.
      unpair();
    }
  } finally {
    await fleet.stop();
  }
}

process.exitCode = await main();
