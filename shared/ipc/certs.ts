/**
 * Certificate channels: inspect dropped files (parse, complete the chain, validate), push the
 * result to agents, and where each certificate is used across the fleet.
 *
 * The private key never reaches the renderer: an inspection stays in the main process under
 * `inspectionId`, and a push names that id. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { CertIssue, CertName, CertSource, CertSummary } from '../certs/summary-types.ts';
import { fromBase64 } from './base64.ts';
import { AgentId, AgentIds, channel, NoParams, OperationId, type FanOutResult } from './channel.ts';
import { Name } from '../protocol/common.ts';
import { Fingerprint } from '../protocol/fingerprint.ts';

/**
 * The certificate words this contract speaks, for the renderer: it may not import shared/certs
 * (the Node-only parser lives there), so the types and the codes it switches on come through here.
 */
export type { CertIssue, CertName, CertSource, CertSummary } from '../certs/summary-types.ts';
export { CERT_CODES, type CertCode } from '../certs/codes.ts';

/** Real certificate files are a few KiB; a P7B bundle a few dozen. 1 MiB leaves a wide margin. */
export const MAX_CERT_FILE_BYTES = 1024 * 1024;
export const MAX_CERT_FILES = 16;

/** Dropped-file bytes: a Uint8Array over Electron IPC (structured clone), base64 over HTTP (JSON). */
const FileBytes = z
  .union([
    z
      .base64()
      .max(Math.ceil(MAX_CERT_FILE_BYTES / 3) * 4)
      .transform(fromBase64),
    z.instanceof(Uint8Array),
  ])
  .refine((b) => b.byteLength > 0, 'the file is empty')
  .refine((b) => b.byteLength <= MAX_CERT_FILE_BYTES, `a file is at most ${MAX_CERT_FILE_BYTES} bytes`);

export const DroppedFile = z
  .object({
    /** Shown in messages; only the content decides the format. */
    name: z.string().min(1).max(255),
    bytes: FileBytes,
    /** The PFX password, or an encrypted PEM key's. */
    password: z.string().max(1024).optional(),
  })
  .strict();

export const InspectCertificatesParams = z
  .object({
    files: z.array(DroppedFile).min(1).max(MAX_CERT_FILES),
    /** Names clients will use; each must be among the leaf's SANs. */
    expectedNames: z.array(z.string().min(1).max(253)).max(100).optional(),
    /** Download missing issuers from AIA caIssuers URLs (default true). */
    aia: z.boolean().optional(),
  })
  .strict();

/** A certificate of the chain and where it came from (file name or AIA URL in `origin`). */
export interface InspectedCertView {
  summary: CertSummary;
  source: CertSource;
  origin?: string;
}

export interface CertIssueView extends CertIssue {
  /** The input file the issue is about (e.g. the PFX whose password is wrong). */
  file?: string;
}

/**
 * What an inspection found: src-main/certs' InspectResult without `push` (the key material),
 * plus the id to push it by.
 */
export interface CertInspection {
  /** Names this inspection (and its key, kept in the main process) for `pushCertificate`. */
  inspectionId: string;
  /** Leaf first. */
  chain: InspectedCertView[];
  complete: boolean;
  trusted: boolean;
  /** When incomplete: the certificate whose issuer was not found, and what was tried. */
  missing?: {
    subject: CertName;
    fingerprint: string;
    issuer: CertName;
    aia: { url: string; ok: boolean; error?: string }[];
  };
  /**
   * When the chain still stops before a root after the files, the library and AIA: the
   * CHAIN_INCOMPLETE issue naming the missing issuer. A push then needs `allowIncomplete`.
   */
  incomplete?: CertIssueView;
  key?: { keyType: string; matchesLeaf: boolean; file?: string };
  /** Input certificates that are not part of the chain. */
  unused: InspectedCertView[];
  files: {
    name: string;
    format?: 'pkcs12' | 'pkcs7' | 'pem' | 'der' | 'mixed';
    certificates: number;
    keys: number;
    ignored: string[];
  }[];
  aia: { url: string; ok: boolean; error?: string }[];
  /** Fingerprints of intermediates the Console's library learned from this inspection. */
  learned: string[];
  errors: CertIssueView[];
  warnings: CertIssueView[];
  /**
   * Only CA certificates and no key (an internal root for re-encrypt): pushed as a CA bundle,
   * which a re-encrypting pool names as its CA; it cannot be bound to a virtual service.
   */
  caBundle?: boolean;
  /**
   * True when it can be pushed: no errors and a key that matches the leaf, or a CA bundle (if
   * `incomplete`, once allowed).
   */
  pushable: boolean;
}

export const PushTarget = z
  .object({
    agentId: AgentId,
    /** Store entry name on that agent; an existing entry is replaced (a renewal, reloading its users). */
    name: Name,
    /** Virtual services to bind the certificate to after the import. */
    bind: z.array(Name).max(200).optional(),
  })
  .strict();

export const PushCertificateParams = z
  .object({
    inspectionId: z.string().min(1).max(128),
    targets: z
      .array(PushTarget)
      .min(1)
      .max(500)
      .refine(
        (ts) => new Set(ts.map((t) => `${t.agentId}\n${t.name}`)).size === ts.length,
        'an entry is named twice for the same agent',
      ),
    /** Push the root too (default: no, clients have it). */
    includeRoot: z.boolean().optional(),
    /** Store an expired or not-yet-valid certificate anyway (never a wrong key or broken chain). */
    force: z.boolean().optional(),
    /**
     * Push a chain the inspection found incomplete (`incomplete` set) anyway: the admin confirmed
     * that clients have the missing issuer. Without it such a push is refused (CERT_ERROR,
     * details.code CHAIN_INCOMPLETE) before any agent is asked.
     */
    allowIncomplete: z.boolean().optional(),
    operationId: OperationId.optional(),
  })
  .strict();

export const ReplaceCertificateParams = z
  .object({
    inspectionId: z.string().min(1).max(128),
    /** SHA-256 of the leaf being replaced, colon hex (CertificateUsage.fingerprint). */
    fingerprint: Fingerprint,
    /** Agents to replace it on (default: every paired agent). */
    agentIds: AgentIds.optional(),
    /** Push the root too (default: no, clients have it). */
    includeRoot: z.boolean().optional(),
    /** Store an expired or not-yet-valid certificate anyway (never a wrong key or broken chain). */
    force: z.boolean().optional(),
    /**
     * Push a chain the inspection found incomplete (`incomplete` set) anyway: the admin confirmed
     * that clients have the missing issuer. Without it such a push is refused (CERT_ERROR,
     * details.code CHAIN_INCOMPLETE) before any agent is asked.
     */
    allowIncomplete: z.boolean().optional(),
    /**
     * Replace even though the new certificate lacks names the old one has: the admin confirmed
     * that no client uses them. Without it such a replace is refused (CERT_ERROR, details.code
     * NAMES_NOT_COVERED, details.names) before any agent is changed.
     */
    allowUncoveredNames: z.boolean().optional(),
    operationId: OperationId.optional(),
  })
  .strict();

/** On one agent: each store entry that held the old certificate, now the new one. */
export interface ReplaceOutcome {
  /** Empty when the agent had no entry with that certificate. */
  replaced: {
    /** Store entry name, kept as it was. */
    name: string;
    /** Virtual services that now serve the new certificate. */
    reloaded: string[];
  }[];
}

export interface PushOutcome {
  name: string;
  replaced: boolean;
  /** Virtual services that now serve the new material. */
  reloaded: string[];
  /** Virtual services bound to it by this push. */
  bound: string[];
  warnings: CertIssueView[];
}

/** One stored copy of a certificate on one agent. */
export interface CertPlacement {
  agentId: string;
  agentName: string;
  site: string;
  /** Store entry name on that agent. */
  entry: string;
  usedBy: string[];
  importedAt: string;
}

export interface CertificateUsage {
  /** SHA-256 of the leaf: the same certificate on many agents is one entry. */
  fingerprint: string;
  subject: CertName;
  issuer: CertName;
  sans: { dns: string[]; ip: string[] };
  notAfter: string;
  placements: CertPlacement[];
}

export interface CertificateUsageView {
  /** Sorted by notAfter, soonest first: what needs renewing shows first. */
  certificates: CertificateUsage[];
  /** Agents that could not be asked (offline …): the view may miss their certificates. */
  unreachable: { agentId: string; reason: string }[];
}

export const CERT_CHANNELS = {
  /** Parse, complete and validate dropped files; the key stays in the main process. */
  inspectCertificates: channel<CertInspection>()(InspectCertificatesParams),
  /** Push an inspected certificate (key + chain) to agents, optionally binding it. */
  pushCertificate: channel<FanOutResult<PushOutcome>>()(PushCertificateParams),
  /** Re-import an inspected certificate under every entry holding the old one, on each agent. */
  replaceCertificate: channel<FanOutResult<ReplaceOutcome>>()(ReplaceCertificateParams),
  /** Every certificate stored on any agent, with where it is used. */
  certificateUsage: channel<CertificateUsageView>()(NoParams),
};
