/**
 * What every method file works with: the engine, the config store (transactions, revisions,
 * audit), the certificate store, the templates, who the agent is, and the feeds events come
 * from. Built once by management.ts.
 */
import type { Logger } from 'pino';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import type { AcmeManager } from '../../acme/acme-manager.ts';
import type { CertStore } from '../../certs/store.ts';
import type { AuditEntry } from '../../config/audit-log.ts';
import type { ConfigStore } from '../../config/config-store.ts';
import type { DataPlane } from '../../engines/data-plane.ts';
import type { StatsHistory } from '../../history/stats-history.ts';
import type { HaModule } from './ha.ts';
import type { TemplateModule } from './templates.ts';

export interface AgentIdentityInfo {
  id: string;
  name: string;
  site: string;
  /** SHA-256 of the identity certificate, as the Console pins it. */
  fingerprint: string;
  /** portico-agent version. */
  version: string;
}

export interface MethodContext {
  engine: DataPlane;
  configStore: ConfigStore;
  certStore: CertStore;
  identity: AgentIdentityInfo;
  startedAt: Date;
  log: Logger;
  /** null: the template methods answer UNAVAILABLE. */
  templates: TemplateModule | null;
  /** Records certificate imports and removals beside the config store's entries. */
  audit(entry: AuditEntry): Promise<void>;
  /** Where health changes come from: the engine's, unless a test or simulation feeds its own. */
  healthFeed(listener: (health: RealServerHealth) => void): () => void;
  /** Status rollups and health transitions behind `stats.history`. */
  history: StatsHistory;
  /** This agent's part in an HA pair (agent/ha); null: the `ha.*` methods say it is in none. */
  ha: HaModule | null;
  /** Certificates from ACME CAs (agent/acme); null: `cert.request` answers UNAVAILABLE. */
  acme: AcmeModule | null;
}

/** What the methods need of the ACME module. */
export type AcmeModule = Pick<AcmeManager, 'request' | 'renew' | 'renewal' | 'forget' | 'onEvent'>;
