/**
 * Certificates that renew themselves, as the Console's screens need them (issue 15): request
 * a certificate from an ACME CA on one or many agents with progress per agent, renew one now,
 * and every certificate across the fleet with its source, expiry and renewal state, sorted by
 * what needs attention first. The Console core implements these (src-main/core/acme-core.ts);
 * the Certificates screen's request form and renewal table call them. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { AcmeDomain, AcmeKeyType } from '../protocol/acme.ts';
import type { AcmeRenewalWire } from '../protocol/acme-renewal.ts';
import { Name } from '../protocol/common.ts';
import type { CertName } from '../certs/summary-types.ts';
import { AgentIds, channel, NoParams, OperationId, type FanOutResult } from './channel.ts';

export { ACME_DIRECTORIES } from '../protocol/acme.ts';

export const RequestCertificateParams = z
  .object({
    agentIds: AgentIds,
    /** The store entry on each agent. */
    name: Name,
    /** DNS names; each must reach every agent asked (their port 80), as the CA sees them. */
    domains: z.array(AcmeDomain).min(1).max(100),
    /** `letsencrypt`, `letsencrypt-staging`, or an ACME directory's https URL. */
    directoryUrl: z.string().min(1).max(2048),
    email: z.email().max(254),
    /** https services on each agent to serve it. */
    bind: z.array(Name).max(100).optional(),
    /** A CA bundle in each agent's store that signs a private ACME server's https. */
    directoryCa: Name.optional(),
    keyType: AcmeKeyType.optional(),
    operationId: OperationId.optional(),
  })
  .strict();

export const RenewCertificateParams = z
  .object({ agentIds: AgentIds, name: Name, operationId: OperationId.optional() })
  .strict();

/** One agent's certificate after a request or a renewal. */
export interface AcmeOutcome {
  name: string;
  replaced: boolean;
  fingerprint: string;
  notAfter: string;
  /** Services `bind` named, serving it now. */
  bound: string[];
  /** Services that used the entry already, serving the new certificate now. */
  reloaded: string[];
  nextRenewalAt: string;
  warnings: string[];
}

/** Why a certificate is on top of the list; `ok` last. */
export const ATTENTION = ['expired', 'renewal-failing', 'expires-7d', 'expires-30d', 'ok'] as const;
export type Attention = (typeof ATTENTION)[number];

/** One store entry on one agent. */
export interface FleetCertificate {
  agentId: string;
  agentName: string;
  site: string;
  name: string;
  source: 'imported' | 'acme';
  subject: CertName;
  sans: { dns: string[]; ip: string[] };
  notAfter: string;
  fingerprint: string;
  usedBy: string[];
  /** For `acme`: next renewal, failures in a row, the last error. */
  renewal?: AcmeRenewalWire;
  attention: Attention;
}

export interface FleetCertificatesView {
  /** Most urgent first (ATTENTION's order), then the earliest expiry. */
  certificates: FleetCertificate[];
  unreachable: { agentId: string; reason: string }[];
}

export const ACME_CHANNELS = {
  /** Order a certificate from an ACME CA on each agent; `progress` events carry each step. */
  requestCertificate: channel<FanOutResult<AcmeOutcome>>()(RequestCertificateParams),
  /** Renew an ACME certificate now on each agent. */
  renewCertificate: channel<FanOutResult<AcmeOutcome>>()(RenewCertificateParams),
  /** Every certificate of every agent with source, expiry and renewal state. */
  fleetCertificates: channel<FleetCertificatesView>()(NoParams),
};
