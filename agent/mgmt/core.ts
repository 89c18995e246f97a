/**
 * What the management handlers call: the agent's capabilities, without the transport. The
 * server depends on this interface only; the real one (agent-core.ts) is wired from the
 * engine, config store, cert store and templates, and anything else that speaks the protocol
 * (a test double, a future multi-process agent) implements the same.
 *
 * Errors meant for the client are RpcError (rpc-error.ts); anything else becomes
 * INTERNAL_ERROR with a log reference.
 */
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { ConfigProblem } from '../../shared/model/validate.ts';
import type { EventData, Topic } from '../../shared/protocol/events.ts';
import type { ResultInput } from '../../shared/protocol/methods.ts';
import type { StatsSnapshot } from '../../shared/protocol/stats.ts';

/** Who asks: the token id (never the token) and the peer address. Same shape as the audit log's. */
export interface Actor {
  tokenId: string;
  peer: string;
}

export interface ChangeOptions {
  expectRevision?: number | undefined;
  actor: Actor;
}

export interface CertImportRequest {
  name: string;
  /** A PFX/PKCS#12 file. */
  pfx?: Uint8Array | undefined;
  /** PEM texts (key and certificates, or only CA certificates). */
  pem?: string[] | undefined;
  password?: string | undefined;
  force?: boolean | undefined;
}

/** A built-in template id or a whole template document. */
export type TemplateRef = string | Record<string, unknown>;

export interface AgentCore {
  info(): ResultInput<'agent.info'>;

  getConfig(): ResultInput<'config.get'>;
  /** Throws RpcError CONFLICT / INVALID_CONFIG. */
  applyConfig(config: unknown, opts: ChangeOptions): Promise<{ revision: number }>;
  validateConfig(config: unknown): Promise<ConfigProblem[]>;
  upsertVirtualService(
    virtualService: { name: string } & Record<string, unknown>,
    opts: ChangeOptions,
  ): Promise<{ revision: number; created: boolean }>;
  removeVirtualService(name: string, opts: ChangeOptions): Promise<{ revision: number }>;
  setRealServerEnabled(
    target: { virtualService: string; realServer: string; enabled: boolean },
    opts: ChangeOptions,
  ): Promise<{ revision: number }>;

  importCertificate(request: CertImportRequest, actor: Actor): Promise<ResultInput<'cert.import'>>;
  listCertificates(): Promise<ResultInput<'cert.list'>>;
  removeCertificate(name: string, actor: Actor): Promise<void>;

  listTemplates(): Promise<ResultInput<'template.list'>>;
  previewTemplate(
    template: TemplateRef,
    params: Record<string, unknown>,
  ): Promise<ResultInput<'template.preview'>>;
  applyTemplate(
    template: TemplateRef,
    params: Record<string, unknown>,
    opts: ChangeOptions,
  ): Promise<ResultInput<'template.apply'>>;

  healthSnapshot(): RealServerHealth[];
  statsSnapshot(): StatsSnapshot;

  /** Starts a feed of one topic; stats ticks run only while someone listens. */
  subscribe<T extends Topic>(topic: T, listener: (data: EventData<T>) => void): () => void;
}
