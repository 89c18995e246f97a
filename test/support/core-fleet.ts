/**
 * Test support for the Console core over real agents: two agent processes on two sites, real
 * back ends, the certificate corpus (its root trusted instead of the system's), and the core on
 * a fleet manager whose retries are quick, with every pushed event recorded.
 */
import { makeCorpus, type Corpus } from './cert-corpus.ts';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { startBackend, type Backend } from './backends.ts';
import type { RunningConsoleCore } from '../../src-main/core/console-core.ts';
import type { FleetManager } from '../../src-main/fleet/index.ts';
import { startFleetAgent, type FleetAgent } from './fleet-agent.ts';
import { startTestConsoleCore } from './test-console-core.ts';

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
  const running = startTestConsoleCore(prefix, {
    certs: { systemRoots: false, trustedRoots: [corpus.read('root.pem')] },
  });
  const { dir, fleet, core, events } = running;
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
      await running.close();
      await Promise.all([a.dispose(), b.dispose(), ...backends.map((x) => (x as Backend).close())]);
      corpus.cleanup();
    },
  };
}
