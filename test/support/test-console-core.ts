/**
 * The Console core as the app runs it, for tests over real agents: its store and directory in a
 * fresh temporary directory, a fleet manager whose retries are quick (started, with nothing
 * paired yet), and every pushed event recorded in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import {
  createConsoleCore,
  type ConsoleCoreOptions,
  type RunningConsoleCore,
} from '../../src-main/core/console-core.ts';
import { FleetManager } from '../../src-main/fleet/index.ts';
import { openNodeConsoleStore } from '../../src-main/store/index.ts';
import { QUICK_TUNING } from './quick-tuning.ts';

export interface TestConsoleCore {
  dir: string;
  fleet: FleetManager;
  core: RunningConsoleCore;
  events: ConsoleEvent[];
  /** Closes the core, then the fleet, and removes the directory. */
  close(): Promise<void>;
}

/** `prefix` names the temporary directory; `options` go to createConsoleCore (certs, clocks…). */
export function startTestConsoleCore(
  prefix: string,
  options: Omit<Partial<ConsoleCoreOptions>, 'store' | 'fleet' | 'configDir'> = {},
): TestConsoleCore {
  const dir = mkdtempSync(join(tmpdir(), `portico-${prefix}-`));
  const store = openNodeConsoleStore({ cwd: dir });
  const fleet = new FleetManager({ store, tuning: QUICK_TUNING });
  const core = createConsoleCore({
    store,
    fleet,
    log: pino({ level: 'silent' }),
    configDir: dir,
    ...options,
  });
  const events: ConsoleEvent[] = [];
  core.subscribe((event) => events.push(event));
  fleet.start();
  return {
    dir,
    fleet,
    core,
    events,
    async close() {
      await core.close();
      await fleet.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
