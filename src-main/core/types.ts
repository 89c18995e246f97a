/**
 * What the IPC handlers (Electron and browser mode alike) call: the Console core. The fleet
 * manager, the certificate pipeline and the template library implement these; the handlers
 * only map channels onto them (src-main/ipc/handlers.ts), so the core never sees IPC and the
 * transports never see the core's insides.
 *
 * Params arrive validated by the channel's schema (types are the schemas' outputs). Throw a
 * ConsoleError (shared/ipc/errors.ts) for anything the renderer should see with a code;
 * anything else becomes INTERNAL with a log reference.
 */
import type { AgentConfigView, RevisionResult, UpsertResult } from '../../shared/ipc/agent-config.ts';
import type { AlertList } from '../../shared/ipc/alerts.ts';
import type { CertificateRemoved } from '../../shared/ipc/cert-remove.ts';
import type { FanOutResult } from '../../shared/ipc/channel.ts';
import type { ParamsOf } from '../../shared/ipc/channels.ts';
import type {
  CertificateUsageView,
  CertInspection,
  PushOutcome,
  ReplaceOutcome,
} from '../../shared/ipc/certs.ts';
import type { EventListener } from '../../shared/ipc/events.ts';
import type { AgentView, DiscoveredAgent, FleetView, PairResult } from '../../shared/ipc/fleet.ts';
import type { AgentStatus, HealthHistory, HealthView } from '../../shared/ipc/health.ts';
import type { ServersEnabledOutcome } from '../../shared/ipc/servers-enabled.ts';
import type { ConsoleSettingsView } from '../../shared/ipc/settings.ts';
import type { TemplateApplied, TemplateEntry, TemplatePreview } from '../../shared/ipc/templates.ts';
import type { AcmeCore } from './acme-core.ts';
import type { DashboardCore } from './dashboard-core.ts';
import type { PairsView, PairTemplateApplied } from '../../shared/ipc/ha.ts';

export type { AcmeCore } from './acme-core.ts';
export type { DashboardCore } from './dashboard-core.ts';
import type { ActivityCore } from './activity-core.ts';
export type { ActivityCore } from './activity-core.ts';

export interface FleetCore {
  /** Paired agents grouped by site (sites sorted, agents by name). */
  list(): Promise<FleetView>;
  discovered(): Promise<DiscoveredAgent[]>;
  /** Check the presented fingerprint against the advertised/expected ones, then send the token and pin it. */
  pair(params: ParamsOf<'pairAgent'>): Promise<PairResult>;
  /** Pin a new fingerprint the admin accepted; refused when the agent presents another. */
  rePair(params: ParamsOf<'rePairAgent'>): Promise<AgentView>;
  /** NOT_FOUND for an unknown id. */
  remove(agentId: string): Promise<void>;
}

export interface HealthCore {
  snapshot(): Promise<HealthView>;
  history(agentId: string, key: string): Promise<HealthHistory>;
  /** The agent's status now (stats.snapshot); AGENT_OFFLINE when it is not connected. */
  status(agentId: string): Promise<AgentStatus>;
}

export interface AgentConfigCore {
  get(agentId: string): Promise<AgentConfigView>;
  upsertPool(params: ParamsOf<'upsertPool'>): Promise<UpsertResult>;
  /** IN_USE (details.usedBy) while a service or content rule names the pool. */
  removePool(params: ParamsOf<'removePool'>): Promise<RevisionResult>;
  upsertVirtualService(params: ParamsOf<'upsertVirtualService'>): Promise<UpsertResult>;
  removeVirtualService(params: ParamsOf<'removeVirtualService'>): Promise<RevisionResult>;
  /** One action on `pool/server`: every service using the pool sees it. */
  setRealServerEnabled(params: ParamsOf<'setRealServerEnabled'>): Promise<RevisionResult>;
  /** Many `pool/server` on many agents: a fan-out, each change its own revision on its agent. */
  setServersEnabled(params: ParamsOf<'setServersEnabled'>): Promise<FanOutResult<ServersEnabledOutcome>>;
}

export interface CertCore {
  /** Runs the pipeline off the main thread; keeps the key under the returned inspectionId. */
  inspect(params: ParamsOf<'inspectCertificates'>): Promise<CertInspection>;
  /** Fan-out with a result per target and `progress` events under the operation id. */
  push(params: ParamsOf<'pushCertificate'>): Promise<FanOutResult<PushOutcome>>;
  /** On each agent (default: all paired), every entry holding `fingerprint` gets the new certificate. */
  replaceEverywhere(params: ParamsOf<'replaceCertificate'>): Promise<FanOutResult<ReplaceOutcome>>;
  usage(): Promise<CertificateUsageView>;
  /** One store entry on one agent; IN_USE (details.usedBy) while a service uses it. */
  remove(params: ParamsOf<'removeCertificate'>): Promise<CertificateRemoved>;
}

export interface TemplateCore {
  list(): Promise<{ templates: TemplateEntry[] }>;
  preview(params: ParamsOf<'previewTemplate'>): Promise<FanOutResult<TemplatePreview>>;
  apply(params: ParamsOf<'applyTemplate'>): Promise<FanOutResult<TemplateApplied>>;
}

/** HA pairs (issue 17): both members or neither; PAIR_REFUSED says why not (details.pairCode). */
export interface HaCore {
  listPairs(): Promise<PairsView>;
  createPair(params: ParamsOf<'createPair'>): Promise<{ pair: string; master: string }>;
  healPair(
    params: ParamsOf<'healPair'>,
  ): Promise<{ pair: string; from: string; to: string; revision: number; unchanged: boolean }>;
  failoverPair(
    params: ParamsOf<'failoverPair'>,
  ): Promise<{ pair: string; from: string; to: string; ms: number }>;
  applyTemplateToPair(params: ParamsOf<'applyTemplateToPair'>): Promise<PairTemplateApplied>;
  pushCertificateToPair(
    params: ParamsOf<'pushCertificateToPair'>,
  ): Promise<{ pair: string; results: Record<string, PushOutcome> }>;
}

export interface AlertCore {
  list(): Promise<AlertList>;
  /** The active alerts named (all active ones when omitted) are marked seen. */
  acknowledge(ids?: readonly string[]): Promise<{ acknowledged: number }>;
}

export interface SettingsCore {
  get(): Promise<ConsoleSettingsView>;
  /** Stores the new thresholds; they apply from the next check on. */
  update(params: ParamsOf<'updateSettings'>): Promise<ConsoleSettingsView>;
}

export interface ConsoleCore {
  fleet: FleetCore;
  health: HealthCore;
  config: AgentConfigCore;
  certs: CertCore;
  templates: TemplateCore;
  dashboard: DashboardCore;
  ha: HaCore;
  alerts: AlertCore;
  settings: SettingsCore;
  /** The agents' audit logs, what a revision changed, rollback. */
  activity: ActivityCore;
  /** Certificates from ACME CAs: request, renew now, every certificate with its renewal state. */
  acme: AcmeCore;
  /** Pushed updates for every window and browser session; returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void;
}
