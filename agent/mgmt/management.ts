/**
 * The management plane behind the wss server: every protocol method's handler (methods/) and
 * the event feeds, wired from the engine, the config store, the certificate store and the
 * templates. The server depends on this shape only, so anything that speaks the protocol (a
 * simulated agent, a test double) can stand behind it.
 */
import type { Logger } from 'pino';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { EventData, Topic } from '../../shared/protocol/events.ts';
import { applyTemplate, previewTemplate } from '../../shared/templates/apply.ts';
import { getBuiltinTemplate, listBuiltinTemplates } from '../../shared/templates/builtin.ts';
import { parseTemplate } from '../../shared/templates/parse-template.ts';
import type { CertStore } from '../certs/store.ts';
import type { AuditEntry } from '../config/audit-log.ts';
import type { ConfigStore } from '../config/config-store.ts';
import type { DataPlane } from '../engines/data-plane.ts';
import { startSampler } from '../history/sampler.ts';
import { StatsHistory, type StatsHistoryOptions } from '../history/stats-history.ts';
import { createHandlers, type Handlers } from './handlers.ts';
import type { AcmeModule, AgentIdentityInfo } from './methods/context.ts';
import type { HaModule } from './methods/ha.ts';
import { createFeeds } from './methods/events.ts';
import type { TemplateModule } from './methods/templates.ts';

export type { AgentIdentityInfo } from './methods/context.ts';

export interface Management {
  handlers: Handlers;
  /** Starts a feed of one topic; returns the way to stop it. */
  subscribe<T extends Topic>(topic: T, listener: (data: EventData<T>) => void): () => void;
  /** The status rollups and health transitions `stats.history` serves. */
  history: StatsHistory;
  /** Stops the feeds (the stats ticker, the history sampler, the engine and store subscriptions). */
  close(): void;
}

export interface ManagementOptions {
  engine: DataPlane;
  configStore: ConfigStore;
  certStore: CertStore;
  identity: AgentIdentityInfo;
  log: Logger;
  /** Default: shared/templates with the built-ins. null: the template methods answer UNAVAILABLE. */
  templates?: TemplateModule | null;
  /** Records certificate imports and removals beside the config store's entries. */
  audit?: { record(entry: AuditEntry): Promise<void> } | undefined;
  /** Time between stats events while someone is subscribed (default 5 s). */
  statsIntervalMs?: number;
  /** When the agent started (default: now). */
  startedAt?: Date;
  /** Health changes to publish as events (default: the engine's). */
  healthFeed?: (listener: (health: RealServerHealth) => void) => () => void;
  /**
   * `auto` (default): the status is sampled into the history after every 10-second boundary.
   * `manual`: only when the caller calls `history.sample()` (tests that choose the clock).
   */
  historySampling?: 'auto' | 'manual';
  /** Slots each history ring holds (default an hour of 10 s, a day of 1 min); fleet-sim keeps fewer. */
  history?: Pick<StatsHistoryOptions, 'slots10s' | 'slots1m'>;
  /** The HA module (agent/ha) behind `ha.*` and the `ha` topic; omitted: in no pair. */
  ha?: HaModule | null;
  /** Certificates from ACME CAs (agent/acme) behind `cert.request`/`cert.renew` and the `cert` topic. */
  acme?: AcmeModule | null;
}

const BUILTIN_TEMPLATES = {
  listBuiltinTemplates,
  getBuiltinTemplate,
  parseTemplate,
  previewTemplate,
  applyTemplate,
} satisfies TemplateModule;

export function createManagement(opts: ManagementOptions): Management {
  const history = new StatsHistory(opts.history);
  const ctx = {
    history,
    engine: opts.engine,
    configStore: opts.configStore,
    certStore: opts.certStore,
    identity: opts.identity,
    startedAt: opts.startedAt ?? new Date(),
    log: opts.log,
    templates: opts.templates === undefined ? BUILTIN_TEMPLATES : opts.templates,
    ha: opts.ha ?? null,
    acme: opts.acme ?? null,
    healthFeed:
      opts.healthFeed ?? ((listener: (health: RealServerHealth) => void) => opts.engine.onHealth(listener)),
    audit: async (entry: AuditEntry) => {
      try {
        await opts.audit?.record(entry);
      } catch (err) {
        opts.log.error({ err }, 'could not write the audit log');
      }
    },
  };
  const feeds = createFeeds(ctx, opts.statsIntervalMs ?? 5_000);
  // The history hears every health change from its start, whoever is subscribed.
  history.health.seed(opts.engine.healthSnapshot());
  const leaveHealth = ctx.healthFeed((h) => history.recordHealth(h));
  const sampler =
    opts.historySampling === 'manual'
      ? undefined
      : startSampler(history, () => opts.engine.status(), opts.log);
  return {
    handlers: createHandlers(ctx),
    subscribe: feeds.subscribe,
    history,
    close() {
      sampler?.stop();
      leaveHealth();
      feeds.close();
    },
  };
}
