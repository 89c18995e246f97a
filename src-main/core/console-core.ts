/**
 * The Console core: what the Electron shell, the browser mode and the `portico` CLI all call.
 * It joins the fleet manager (connections, pairing, live view), discovery, the certificate
 * pipeline, the agents' template methods, the traffic history (followed from the agents, kept
 * in the Console's directory) and the alerts behind the ConsoleCore interface the IPC handlers
 * use. No Electron here: collaborators come in as arguments.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  DEFAULT_ALERT_THRESHOLDS,
  DEFAULT_HISTORY_RETENTION_HOURS,
  type AlertThresholds,
} from '../../shared/ipc/settings.ts';
import { AlertCenter } from '../alerts/alert-center.ts';
import { CertWatch } from '../alerts/cert-watch.ts';
import { FleetAlerts } from '../alerts/fleet-alerts.ts';
import type { ConsoleCore } from './types.ts';
import { createAcmeCore } from './acme-core.ts';
import { createCertCore, type CertCoreOptions } from './cert-core.ts';
import { createConfigCore } from './config-core.ts';
import { createDashboardCore } from './dashboard-core.ts';
import { createEventHub, type EventHubOptions } from './events.ts';
import { createFleetCore } from './fleet-core.ts';
import { createHaCore } from './ha-core.ts';
import { createActivityCore } from './activity-core.ts';
import { createHealthCore } from './health-core.ts';
import { createSetServersEnabled } from './servers-enabled-core.ts';
import { createTemplateCore } from './template-core.ts';
import { discoveredView } from './views.ts';
import type { Discovery, FleetManager } from '../fleet/index.ts';
import { HaWatch } from '../fleet/ha-watch.ts';
import { HistoryFollower, type HistoryFollowerOptions } from '../fleet/history-follower.ts';
import { TrafficRings } from '../fleet/traffic-rings.ts';
import { HistoryFiles } from '../store/history-files.ts';
import type { ConsoleStore } from '../store/index.ts';

export interface ConsoleCoreOptions {
  store: ConsoleStore;
  /** Started (or not) by the caller, which also closes it. */
  fleet: FleetManager;
  certs?: CertCoreOptions;
  log: Logger;
  /** The Console's own directory: imported templates (`templates/`), history (`history/`), `alerts.json`. */
  configDir: string;
  /** Discovery, when the caller runs one; `discoveryChanged` announces its list. */
  discovery?: Discovery;
  /**
   * Follow the agents' traffic history and raise alerts (default true): the app and browser
   * mode do; a `portico` command, which connects for one operation, does not.
   */
  live?: boolean;
  events?: EventHubOptions;
  /** Test hooks for the history follower (quick polls). */
  history?: Partial<Pick<HistoryFollowerOptions, 'pollDelayMs' | 'pollSpreadMs' | 'concurrency'>>;
  /** Test hook: certificate checks (default: 20 s after a change, every 6 h) and their clock. */
  certWatch?: { settleMs?: number; everyMs?: number; now?: () => number };
}

export interface RunningConsoleCore extends ConsoleCore {
  /** Discovery started after the core (its onChange needs the core): use it from now on. */
  setDiscovery(discovery: Discovery | undefined): void;
  /** Call from the discovery's onChange: pushes the new list to subscribers. */
  discoveryChanged(): void;
  /** What the dashboard's history holds in memory (bytes) and the requests in flight (bench, tests). */
  historyUsage(): { ringBytes: number; requests: { running: number; waiting: number } };
  /** Stops following the fleet and writes what is pending; the fleet and discovery are the caller's to close. */
  close(): Promise<void>;
}

/** `cert` steps after which an agent's certificate list reads differently (the rest is progress). */
const CERT_CHANGES: ReadonlySet<string> = new Set(['installed', 'scheduled', 'failed', 'forgotten']);

export function createConsoleCore(options: ConsoleCoreOptions): RunningConsoleCore {
  const { fleet, log, store } = options;
  const live = options.live ?? true;
  let discovery = options.discovery;
  const events = createEventHub(fleet, (message) => log.warn(message), options.events);
  const certCore = createCertCore(fleet, events, options.certs);

  const alerts = new AlertCenter({
    ...(live ? { file: join(options.configDir, 'alerts.json') } : {}),
    emit: (event) => events.emit(event),
    onProblem: (message) => log.warn(message),
  });
  let thresholds: AlertThresholds = store.settings().alerts ?? DEFAULT_ALERT_THRESHOLDS;
  const rings = new TrafficRings();
  const settingsView = () => {
    const saved = store.settings();
    return {
      alerts: thresholds,
      theme: saved.theme ?? 'system',
      historyRetentionHours: saved.historyRetentionHours ?? DEFAULT_HISTORY_RETENTION_HOURS,
    } as const;
  };
  const retentionHours = () => store.settings().historyRetentionHours ?? DEFAULT_HISTORY_RETENTION_HOURS;
  const files = live
    ? new HistoryFiles(options.configDir, {
        retentionSeconds: retentionHours() * 3_600,
        onProblem: (m) => log.warn(m),
      })
    : undefined;
  const fleetAlerts = live ? new FleetAlerts(fleet, alerts) : undefined;
  const follower = live
    ? new HistoryFollower({
        fleet,
        rings,
        ...(files ? { files } : {}),
        ...options.history,
        onSlots: (agentId, newest) => fleetAlerts?.checkErrorRates(rings, thresholds, agentId, newest),
        onProblem: (agentId, message) => log.debug({ agentId }, message),
      })
    : undefined;
  follower
    ?.start()
    .catch((err: unknown) => log.error({ err }, 'history: could not start following the fleet'));
  const certWatch = live
    ? new CertWatch({
        usage: () => certCore.usage(),
        alerts,
        thresholds: () => thresholds,
        ...options.certWatch,
        onProblem: (message) => log.warn(message),
      })
    : undefined;
  certWatch?.start();
  const unfollowPairings = fleet.onChange((change) => {
    if (change.kind === 'agents') certWatch?.soon();
    // What an agent's renewals do on its own schedule (the fleet subscribes to `cert`): a new
    // certificate installed, a renewal failed (its error), one no longer renewed.
    if (change.kind === 'cert' && CERT_CHANGES.has(change.cert.step)) {
      events.emit({ type: 'certs', agentId: change.agentId });
      if (change.cert.step !== 'failed') certWatch?.soon();
    }
  });
  // Pushed or replaced certificates change what expires when.
  const certs: typeof certCore = {
    ...certCore,
    push: async (params) => certCore.push(params).finally(() => certWatch?.soon()),
    replaceEverywhere: async (params) => certCore.replaceEverywhere(params).finally(() => certWatch?.soon()),
    remove: async (params) => certCore.remove(params).finally(() => certWatch?.soon()),
  };

  // An issued or renewed certificate changes what expires when.
  const acmeCore = createAcmeCore(fleet, events);
  const acme: typeof acmeCore = {
    ...acmeCore,
    request: async (params) => acmeCore.request(params).finally(() => certWatch?.soon()),
    renew: async (params) => acmeCore.renew(params).finally(() => certWatch?.soon()),
  };

  // HA pairs: which agent is in which pair, and each VRRP transition as an `ha` event.
  const haWatch = new HaWatch(
    fleet,
    (agentId) => events.emit({ type: 'ha', agentId }),
    (agentId, message) => log.debug({ agentId }, message),
  );

  return {
    fleet: createFleetCore(fleet, () => discovery),
    health: createHealthCore(fleet),
    config: { ...createConfigCore(fleet), setServersEnabled: createSetServersEnabled(fleet, events) },
    certs,
    ha: createHaCore(fleet, haWatch, certs),
    templates: createTemplateCore(fleet, events, {
      importedDir: join(options.configDir, 'templates'),
      onProblem: (message) => log.warn(message),
    }),
    dashboard: createDashboardCore({
      fleet,
      rings,
      ...(files ? { files } : {}),
      activeAlerts: () => alerts.active(),
    }),
    alerts: {
      list: async () => alerts.list(),
      acknowledge: async (ids) => ({ acknowledged: alerts.acknowledge(ids) }),
    },
    acme,
    settings: {
      get: async () => settingsView(),
      async update(params) {
        const next = store.updateSettings(params);
        thresholds = next.alerts ?? DEFAULT_ALERT_THRESHOLDS;
        // New certificate periods apply at once, not in six hours.
        if (params.alerts) certWatch?.soon();
        if (params.historyRetentionHours !== undefined) files?.setRetention(retentionHours() * 3_600);
        return settingsView();
      },
    },
    activity: createActivityCore(fleet),
    subscribe: (listener) => events.subscribe(listener),
    setDiscovery(next) {
      discovery = next;
      this.discoveryChanged();
    },
    discoveryChanged() {
      events.emit({ type: 'discovered', agents: discovery?.list().map(discoveredView) ?? [] });
    },
    historyUsage: () => ({
      ringBytes: rings.bytes(),
      requests: follower?.load ?? { running: 0, waiting: 0 },
    }),
    async close() {
      unfollowPairings();
      haWatch.close();
      certWatch?.close();
      follower?.close();
      fleetAlerts?.close();
      await Promise.all([alerts.close(), files?.flush()]);
      events.close();
    },
  };
}
