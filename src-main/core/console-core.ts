/**
 * The Console core: what the Electron shell, the browser mode and the `portico` CLI all call.
 * It joins the fleet manager (connections, pairing, live view), discovery, the certificate
 * pipeline and the agents' template methods behind the ConsoleCore interface the IPC handlers
 * use. No Electron here: collaborators come in as arguments.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ConsoleCore } from './types.ts';
import { createCertCore, type CertCoreOptions } from './cert-core.ts';
import { createConfigCore } from './config-core.ts';
import { createEventHub } from './events.ts';
import { createFleetCore } from './fleet-core.ts';
import { createHealthCore } from './health-core.ts';
import { createTemplateCore } from './template-core.ts';
import { discoveredView } from './views.ts';
import type { Discovery, FleetManager } from '../fleet/index.ts';
import type { ConsoleStore } from '../store/index.ts';

export interface ConsoleCoreOptions {
  store: ConsoleStore;
  /** Started (or not) by the caller, which also closes it. */
  fleet: FleetManager;
  certs?: CertCoreOptions;
  log: Logger;
  /** The Console's own directory: imported templates live in `templates/` under it. */
  configDir: string;
  /** Discovery, when the caller runs one; `discoveryChanged` announces its list. */
  discovery?: Discovery;
}

export interface RunningConsoleCore extends ConsoleCore {
  /** Discovery started after the core (its onChange needs the core): use it from now on. */
  setDiscovery(discovery: Discovery | undefined): void;
  /** Call from the discovery's onChange: pushes the new list to subscribers. */
  discoveryChanged(): void;
  /** Stops following the fleet; the fleet and discovery are the caller's to close. */
  close(): void;
}

export function createConsoleCore(options: ConsoleCoreOptions): RunningConsoleCore {
  const { fleet, log } = options;
  let discovery = options.discovery;
  const events = createEventHub(fleet, (message) => log.warn(message));
  const certs = createCertCore(fleet, events, options.certs);
  return {
    fleet: createFleetCore(fleet, () => discovery),
    health: createHealthCore(fleet),
    config: createConfigCore(fleet),
    certs,
    templates: createTemplateCore(fleet, events, {
      importedDir: join(options.configDir, 'templates'),
      onProblem: (message) => log.warn(message),
    }),
    subscribe: (listener) => events.subscribe(listener),
    setDiscovery(next) {
      discovery = next;
      this.discoveryChanged();
    },
    discoveryChanged() {
      events.emit({ type: 'discovered', agents: discovery?.list().map(discoveredView) ?? [] });
    },
    close: () => events.close(),
  };
}
