/**
 * `meta.json` beside each stored certificate: what list() shows without parsing PEM, and
 * what kind of entry it is. Validated on read — it is a file on disk an admin can edit.
 */
import { z } from 'zod';
import type { CertSummary } from '../../shared/certs/summary-types.ts';

export const CERT_KINDS = ['certificate', 'ca-bundle'] as const;
export type CertKind = (typeof CERT_KINDS)[number];

const Name = z.object({ cn: z.string().optional(), dn: z.string() });

const Summary = z.object({
  subject: Name,
  issuer: Name,
  sans: z.object({ dns: z.array(z.string()), ip: z.array(z.string()) }),
  serial: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  keyType: z.string(),
  signatureAlgorithm: z.string(),
  fingerprint: z.string(),
  isCA: z.boolean(),
  selfSigned: z.boolean(),
  aiaCaIssuers: z.array(z.string()),
}) satisfies z.ZodType<CertSummary>;

/** Where an entry came from: an admin's import, or an ACME CA (agent/acme renews it). */
export const CERT_ENTRY_SOURCES = ['imported', 'acme'] as const;
export type CertEntrySource = (typeof CERT_ENTRY_SOURCES)[number];

export const CertMeta = z.object({
  version: z.literal(1),
  kind: z.enum(CERT_KINDS),
  importedAt: z.string(),
  /** Absent in entries written before ACME: imported. */
  source: z.enum(CERT_ENTRY_SOURCES).optional(),
  /** The leaf (certificate) or the first CA (bundle). */
  summary: Summary,
  /** Every certificate in chain.pem, in file order. */
  chain: z.array(Summary).min(1),
});

export type CertMeta = z.infer<typeof CertMeta>;
