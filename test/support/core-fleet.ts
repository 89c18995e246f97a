/**
 * Test support for the Console core over real agents: two agent processes on two sites, real
 * back ends, the certificate corpus (its root trusted instead of the system's), and the core on
 * a fleet manager whose retries are quick, with every pushed event recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { makeCorpus, type Corpus } from './cert-corpus.ts';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { startBackend, type Backend } from './backends.ts';
import { createConsoleCore, type RunningConsoleCore } from '../../src-main/core/console-core.ts';
import { FleetManager } from '../../src-main/fleet/index.ts';
import { startFleetAgent, type FleetAgent } from './fleet-agent.ts';
import { QUICK_TUNING } from './quick-tuning.ts';
import { openNodeConsoleStore } from '../../src-main/store/index.ts';

export interface CoreFleet {
  a: FleetAgent;
  b: FleetAgent;
  /** The back ends, in the order their names were given. */
  backends: Backend[];
  corpus: Corpus;
  dir: string;
  fleet: FleetManager;
  core: RunningConsoleCore;
  events: ConsoleEvent[];
  close(): Promise<void>;
}

/** `prefix` names the agents (`<prefix>-a` on site east, `<prefix>-b` on west). */
export async function startCoreFleet(prefix: string, backendNames: string[]): Promise<CoreFleet> {
  const [a, b, ...backends] = await Promise.all([
    startFleetAgent({ name: `${prefix}-a`, site: 'east' }),
    startFleetAgent({ name: `${prefix}-b`, site: 'west' }),
    ...backendNames.map((name) => startBackend(name)),
  ]);
  const corpus = makeCorpus();
  const dir = mkdtempSync(join(tmpdir(), `portico-${prefix}-`));
  const store = openNodeConsoleStore({ cwd: dir });
  const fleet = new FleetManager({ store, tuning: QUICK_TUNING });
  const core = createConsoleCore({
    store,
    fleet,
    log: pino({ level: 'silent' }),
    configDir: dir,
    certs: { systemRoots: false, trustedRoots: [corpus.read('root.pem')] },
  });
  const events: ConsoleEvent[] = [];
  core.subscribe((event) => events.push(event));
  fleet.start();
  return {
    a: a as FleetAgent,
    b: b as FleetAgent,
    backends: backends as Backend[],
    corpus,
    dir,
    fleet,
    core,
    events,
    async close() {
      core.close();
      await fleet.close();
      await Promise.all([a.dispose(), b.dispose(), ...backends.map((x) => (x as Backend).close())]);
      corpus.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
