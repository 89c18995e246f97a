/**
 * Opens the Console: the settings store (next to its key file outside Electron; the Electron
 * shell passes its safeStorage-backed one), the fleet manager connecting to every paired agent,
 * discovery when wanted, and the core over them. One function, so the app, `npm run web` and
 * `portico` see the same fleet.
 */
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { createConsoleCore, type RunningConsoleCore } from './console-core.ts';
import { FleetManager, startDiscovery, type Discovery } from '../fleet/index.ts';
import { certLibraryDir } from '../store/console-dir.ts';
import { openNodeConsoleStore, type ConsoleStore } from '../store/index.ts';
import type { CertCoreOptions } from './cert-core.ts';

export interface OpenConsoleOptions {
  log: Logger;
  /** Directory of the settings file; default: the per-user config dir (`conf`'s). */
  configDir?: string;
  /** Browse mDNS for agents on the interfaces in the settings (default false). */
  discovery?: boolean;
  /** Connect to every paired agent now (default true; the CLI's `pair` needs no connections). */
  connect?: boolean;
  certs?: CertCoreOptions;
  env?: Readonly<Record<string, string | undefined>>;
  /** A store opened by the caller (the Electron shell's); default: conf + key file. */
  store?: ConsoleStore;
}

export interface OpenConsole {
  store: ConsoleStore;
  fleet: FleetManager;
  core: RunningConsoleCore;
  close(): Promise<void>;
}

export function openConsole(options: OpenConsoleOptions): OpenConsole {
  const { log } = options;
  const store =
    options.store ??
    openNodeConsoleStore({
      ...(options.configDir === undefined ? {} : { cwd: options.configDir }),
      onProblem: (message) => log.warn(message),
    });
  const fleet = new FleetManager({
    store,
    onProblem: (agentId, message) => log.warn({ agentId }, message),
  });
  const core = createConsoleCore({
    store,
    fleet,
    log,
    configDir: dirname(store.path),
    // The library beside the settings: the Console's one directory (store/console-dir.ts).
    certs: { libraryDir: certLibraryDir(dirname(store.path)), ...options.certs },
    // A command that only pairs follows no history and raises no alerts.
    live: options.connect !== false,
  });
  let discovery: Discovery | undefined;
  if (options.discovery) {
    discovery = startDiscovery({
      interfaces: store.settings().mdnsInterfaces,
      pinned: (agentId) => store.getAgent(agentId)?.fingerprint,
      onChange: () => core.discoveryChanged(),
      onProblem: (err) => log.warn({ err: err.message }, 'discovery problem'),
    });
    core.setDiscovery(discovery);
  }
  if (options.connect !== false) fleet.start();
  return {
    store,
    fleet,
    core,
    async close() {
      await core.close();
      await discovery?.stop().catch(() => undefined);
      await fleet.close();
    },
  };
}
