/**
 * The real AgentCore: the engine, the config store (transactions, revisions, audit), the
 * certificate store and the templates behind the protocol's methods. Domain errors become
 * protocol errors here (ConfigConflictError → CONFLICT with the current revision, CertError →
 * CERT_ERROR with every issue …), so the server stays generic.
 *
 * Health events come from the engine's onHealth callback, which is set when the engine is
 * built — before this core exists — so the caller makes the Fanout first:
 *
 *   const health = new Fanout<RealServerHealth>();
 *   const engine = new Engine({ log, certs, onHealth: health.publish });
 *   const core = createAgentCore({ engine, configStore, certStore, health, identity, log, templates });
 */
import type { Logger } from 'pino';
import { CertError } from '../../shared/certs/errors.ts';
import type { AgentConfig } from '../../shared/model/config.ts';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/agent.ts';
import type { ConfigEvent, EventData, Topic } from '../../shared/protocol/events.ts';
import type { ResultInput } from '../../shared/protocol/methods.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';
import { usedByFromConfig } from '../certs/used-by.ts';
import type { CertStore } from '../certs/store.ts';
import { CertStoreError } from '../certs/store-errors.ts';
import type { AuditEntry } from '../config/audit-log.ts';
import { ConfigConflictError, ConfigInvalidError, type ConfigStore } from '../config/config-store.ts';
import type { Engine } from '../engine/engine.ts';
import { applyTemplate, previewTemplate } from '../../shared/templates/apply.ts';
import { getBuiltinTemplate, listBuiltinTemplates } from '../../shared/templates/builtin.ts';
import { parseTemplate } from '../../shared/templates/parse-template.ts';
import type { Actor, AgentCore, CertImportRequest, ChangeOptions, TemplateRef } from './core.ts';
import { Fanout } from './fanout.ts';
import { RpcError } from './rpc-error.ts';
import { statsFromEngine } from './stats-from-engine.ts';

export interface AgentIdentityInfo {
  id: string;
  name: string;
  site: string;
  /** SHA-256 of the identity certificate, as the Console pins it. */
  fingerprint: string;
  /** portico-agent version. */
  version: string;
}

/** A template problem as agent/templates reports it. */
interface TemplateProblemLike extends ConfigProblem {
  params?: string[] | undefined;
  virtualService?: string | undefined;
}
type TemplateOutcome<T> = ({ ok: true } & T) | { ok: false; problems: TemplateProblemLike[] };

/**
 * agent/templates, as this core uses it (the default is that module; tests may pass their own
 * set). Methods, not function properties, so the module's own Template type fits where this
 * says Record.
 */
export interface TemplateModule {
  listBuiltinTemplates(): Record<string, unknown>[];
  getBuiltinTemplate(id: string): Record<string, unknown> | undefined;
  parseTemplate(input: unknown): TemplateOutcome<{ template: Record<string, unknown> }>;
  previewTemplate(
    current: AgentConfig,
    template: Record<string, unknown>,
    params: unknown,
  ): TemplateOutcome<{ changes: ResultInput<'template.preview'>['changes']; unchanged: string[] }>;
  applyTemplate(
    current: AgentConfig,
    template: Record<string, unknown>,
    params: unknown,
  ): TemplateOutcome<{ config: AgentConfig; created: string[]; replaced: string[]; unchanged: string[] }>;
}

const BUILTIN_TEMPLATES = {
  listBuiltinTemplates,
  getBuiltinTemplate,
  parseTemplate,
  previewTemplate,
  applyTemplate,
} satisfies TemplateModule;

export interface AgentCoreOptions {
  engine: Engine;
  configStore: ConfigStore;
  certStore: CertStore;
  /** The feed the engine's onHealth publishes to. */
  health: Fanout<RealServerHealth>;
  identity: AgentIdentityInfo;
  log: Logger;
  /** Default: agent/templates with the built-ins. null: the template methods answer UNAVAILABLE. */
  templates?: TemplateModule | null;
  /** Records certificate imports and removals beside the config store's entries. */
  audit?: { record(entry: AuditEntry): Promise<void> } | undefined;
  /** Time between stats events while someone is subscribed (default 5 s). */
  statsIntervalMs?: number;
  /** When the agent started (default: now). */
  startedAt?: Date;
}

export interface AgentCoreHandle extends AgentCore {
  /** Stops the stats ticker and leaves the config store. */
  close(): void;
}

export function createAgentCore(opts: AgentCoreOptions): AgentCoreHandle {
  const { engine, configStore, certStore, log } = opts;
  const startedAt = opts.startedAt ?? new Date();
  const onListenerError = (err: unknown) => log.error({ err }, 'event listener failed');

  const config = new Fanout<ConfigEvent>(onListenerError);
  const leaveStore = configStore.onChange(({ revision, actor }) => config.publish({ revision, actor }));

  const stats = new Fanout<StatsSnapshot>(onListenerError);
  const statsIntervalMs = opts.statsIntervalMs ?? 5_000;
  let ticker: NodeJS.Timeout | undefined;
  const subscribeStats = (listener: (s: StatsSnapshot) => void): (() => void) => {
    const leave = stats.subscribe(listener);
    // Reading every counter costs little, but nothing at all when nobody is looking.
    ticker ??= setInterval(() => stats.publish(statsFromEngine(engine)), statsIntervalMs);
    return () => {
      leave();
      if (stats.size === 0 && ticker) {
        clearInterval(ticker);
        ticker = undefined;
      }
    };
  };

  const usedBy = () => usedByFromConfig(configStore.get().config);

  const audit = async (entry: AuditEntry) => {
    try {
      await opts.audit?.record(entry);
    } catch (err) {
      log.error({ err }, 'could not write the audit log');
    }
  };

  const templateModule = opts.templates === undefined ? BUILTIN_TEMPLATES : opts.templates;
  const templates = (): TemplateModule => {
    if (!templateModule) throw new RpcError('UNAVAILABLE', 'templates are not available in this agent build');
    return templateModule;
  };
  const resolveTemplate = (ref: TemplateRef): Record<string, unknown> => {
    const module = templates();
    if (typeof ref === 'string') {
      const found = module.getBuiltinTemplate(ref);
      if (!found)
        throw new RpcError('NOT_FOUND', `no built-in template "${ref}"`, { kind: 'template', name: ref });
      return found;
    }
    const parsed = module.parseTemplate(ref);
    if (!parsed.ok) throw templateInvalid('the template document is not valid', parsed.problems);
    return parsed.template;
  };

  return {
    info() {
      const counts = { up: 0, down: 0, disabled: 0, unknown: 0 };
      for (const h of engine.healthSnapshot()) counts[h.state]++;
      return {
        id: opts.identity.id,
        name: opts.identity.name,
        site: opts.identity.site,
        version: opts.identity.version,
        protocolVersion: PROTOCOL_VERSION,
        fingerprint: opts.identity.fingerprint,
        startedAt: startedAt.toISOString(),
        uptimeSeconds: Math.max(0, Math.round((Date.now() - startedAt.getTime()) / 1000)),
        revision: configStore.get().revision,
        engine: {
          virtualServices: engine.config.virtualServices.length,
          listening: engine.addresses().size,
          realServers: counts,
        },
      };
    },

    getConfig() {
      const { revision, config: current } = configStore.get();
      return { revision, config: current };
    },

    applyConfig: (input, change) =>
      configErrors(() =>
        configStore.apply(input, {
          expectRevision: change.expectRevision,
          actor: change.actor,
          action: 'config.apply',
        }),
      ),

    validateConfig: (input) => configStore.validate(input),

    async upsertVirtualService(virtualService, change) {
      let created = false;
      const { revision } = await configErrors(() =>
        configStore.update(
          (current) => {
            const at = current.virtualServices.findIndex((vs) => vs.name === virtualService.name);
            created = at === -1;
            const services: unknown[] = [...current.virtualServices];
            if (created) services.push(virtualService);
            else services[at] = virtualService;
            return { ...current, virtualServices: services };
          },
          { ...storeOptions(change), action: 'virtualService.upsert' },
        ),
      );
      return { revision, created };
    },

    removeVirtualService: (name, change) =>
      configErrors(() =>
        configStore.update(
          (current) => {
            if (!current.virtualServices.some((vs) => vs.name === name))
              throw notFound('virtual service', name);
            return { ...current, virtualServices: current.virtualServices.filter((vs) => vs.name !== name) };
          },
          { ...storeOptions(change), action: 'virtualService.remove' },
        ),
      ),

    setRealServerEnabled: ({ virtualService, realServer, enabled }, change) =>
      configErrors(() =>
        configStore.update(
          (current) => {
            const vs = current.virtualServices.find((v) => v.name === virtualService);
            if (!vs) throw notFound('virtual service', virtualService);
            const groups = [vs.realServers, ...vs.contentRules.map((rule) => rule.realServers)];
            const matches = groups.flat().filter((rs) => rs.name === realServer);
            if (matches.length === 0) throw notFound('real server', `${virtualService}/${realServer}`);
            for (const rs of matches) rs.enabled = enabled;
            return current;
          },
          { ...storeOptions(change), action: enabled ? 'realServer.enable' : 'realServer.drain' },
        ),
      ),

    async importCertificate(request: CertImportRequest, actor: Actor) {
      const input =
        request.pfx !== undefined
          ? { pfx: request.pfx, ...(request.password === undefined ? {} : { password: request.password }) }
          : {
              files: (request.pem ?? []).map((text) => Buffer.from(text, 'utf8')),
              ...(request.password === undefined ? {} : { password: request.password }),
            };
      const result = await certErrors(
        () => certStore.import(request.name, input, { force: request.force === true }),
        {
          name: request.name,
        },
      );
      const warnings: ResultInput<'cert.import'>['warnings'] = [...result.warnings];
      // A renewal of an entry in use: re-run the current revision so new handshakes get the
      // new material (listeners and connections stay).
      let reloaded: string[] = [];
      const users = usedBy()(result.name);
      if (result.replaced && users.length > 0) {
        try {
          await configStore.refresh();
          reloaded = users;
        } catch (err) {
          log.error({ err, certificate: result.name }, 'renewed certificate stored but not loaded');
          warnings.push({
            code: 'RELOAD_FAILED',
            message: `stored, but the virtual services using it could not load it: ${(err as Error).message}`,
          });
        }
      }
      await audit({
        action: 'cert.import',
        actor,
        ok: true,
        detail: {
          name: result.name,
          kind: result.kind,
          replaced: result.replaced,
          fingerprint: result.summary.fingerprint,
        },
      });
      return {
        name: result.name,
        kind: result.kind,
        replaced: result.replaced,
        reloaded,
        summary: result.summary,
        chain: result.chain,
        warnings,
        notStored: result.notStored,
      };
    },

    async listCertificates() {
      return { certificates: await certErrors(() => certStore.list(usedBy()), {}) };
    },

    async removeCertificate(name, actor) {
      const users = usedBy()(name);
      await certErrors(() => certStore.remove(name, users), { name, usedBy: users });
      await audit({ action: 'cert.remove', actor, ok: true, detail: { name } });
    },

    async listTemplates() {
      return { templates: templates().listBuiltinTemplates() as ResultInput<'template.list'>['templates'] };
    },

    async previewTemplate(ref, params) {
      const template = resolveTemplate(ref);
      const { revision, config: current } = configStore.get();
      const preview = templates().previewTemplate(current, template, params);
      if (!preview.ok)
        throw templateInvalid('the template cannot be applied with these parameters', preview.problems);
      return { revision, changes: preview.changes, unchanged: preview.unchanged };
    },

    async applyTemplate(ref, params, change) {
      const template = resolveTemplate(ref);
      let outcome: { created: string[]; replaced: string[]; unchanged: string[] } | undefined;
      const { revision } = await configErrors(() =>
        configStore.update(
          (current) => {
            // Rendered against the config the transaction runs on, not an earlier read.
            const applied = templates().applyTemplate(current, template, params);
            if (!applied.ok)
              throw templateInvalid('the template cannot be applied with these parameters', applied.problems);
            outcome = applied;
            return applied.config;
          },
          { ...storeOptions(change), action: 'template.apply' },
        ),
      );
      return {
        revision,
        created: outcome?.created ?? [],
        replaced: outcome?.replaced ?? [],
        unchanged: outcome?.unchanged ?? [],
      };
    },

    healthSnapshot: () => engine.healthSnapshot(),
    statsSnapshot: () => statsFromEngine(engine),

    subscribe<T extends Topic>(topic: T, listener: (data: EventData<T>) => void): () => void {
      switch (topic) {
        case 'health':
          return opts.health.subscribe(listener as (data: EventData<'health'>) => void);
        case 'config':
          return config.subscribe(listener as (data: EventData<'config'>) => void);
        case 'stats':
          return subscribeStats(listener as (data: EventData<'stats'>) => void);
        default:
          throw new RpcError('INVALID_PARAMS', `no topic "${String(topic)}"`);
      }
    },

    close() {
      leaveStore();
      if (ticker) clearInterval(ticker);
      ticker = undefined;
    },
  };
}

function storeOptions(change: ChangeOptions): { expectRevision: number | undefined; actor: Actor } {
  return { expectRevision: change.expectRevision, actor: change.actor };
}

function notFound(kind: string, name: string): RpcError {
  return new RpcError('NOT_FOUND', `no ${kind} "${name}"`, { kind, name });
}

function templateInvalid(message: string, problems: TemplateProblemLike[]): RpcError {
  const first = problems[0];
  return new RpcError(
    'TEMPLATE_INVALID',
    first ? `${message}: ${first.path || '(template)'}: ${first.message}` : message,
    {
      problems: problems.map((p) => ({
        path: p.path,
        message: p.message,
        ...(p.params ? { params: p.params } : {}),
        ...(p.virtualService ? { virtualService: p.virtualService } : {}),
      })),
    },
  );
}

/** The config store's refusals as protocol errors. */
async function configErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ConfigConflictError)
      throw new RpcError('CONFLICT', err.message, { currentRevision: err.currentRevision });
    if (err instanceof ConfigInvalidError) {
      const first = err.problems[0];
      throw new RpcError(
        'INVALID_CONFIG',
        first ? `the configuration is not valid: ${first.path || '(config)'}: ${first.message}` : err.message,
        { problems: err.problems },
      );
    }
    throw err;
  }
}

/** The certificate code's refusals as protocol errors; its messages are written for admins. */
async function certErrors<T>(
  work: () => Promise<T>,
  about: { name?: string; usedBy?: string[] },
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CertError)
      throw new RpcError('CERT_ERROR', err.message, { code: err.code, issues: err.issues });
    if (err instanceof CertStoreError) {
      switch (err.code) {
        case 'INVALID_NAME':
          throw new RpcError('INVALID_PARAMS', err.message, {
            problems: [{ path: 'name', message: err.message }],
          });
        case 'CERT_NOT_FOUND':
          throw new RpcError('NOT_FOUND', err.message, { kind: 'certificate', name: about.name ?? '' });
        case 'CERT_IN_USE':
          throw new RpcError('IN_USE', err.message, { usedBy: about.usedBy ?? [] });
        default:
          throw new RpcError('CERT_ERROR', err.message, {
            code: err.code,
            issues: [{ code: err.code, message: err.message }],
          });
      }
    }
    throw err;
  }
}
