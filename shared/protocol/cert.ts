/**
 * The agent's certificate store over the wire: import (PFX or PEM), list, remove. Virtual
 * services refer to entries by name (`tls.certificates`, `reencrypt.ca`).
 *
 * CertSummary is shared/certs' type; its wire schema lives here so the Console can check what
 * it receives without importing the (Node-only) parser. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { CertName, CertSummary } from '../certs/summary-types.ts';
import { AcmeRenewalWire } from './acme-renewal.ts';
import { CertIssueWire } from './codes.ts';
import { IsoDate, method, Name, NoParams } from './common.ts';

/** Largest PFX accepted, base64: real ones are a few KiB; this is far more than a long chain needs. */
export const MAX_PFX_BASE64 = 1_000_000;
/** Largest single PEM text. */
export const MAX_PEM_CHARS = 1_000_000;

export const CertNameWire = z
  .object({
    /** The common name, when the name has one. */
    cn: z.string().optional().describe('The common name, when the name has one.'),
    /** RFC 4514 style, most specific first. */
    dn: z.string().describe('RFC 4514 style, most specific first: `CN=www.example.com, O=Example`.'),
  })
  .strict() satisfies z.ZodType<CertName>;

const Sans = z
  .object({
    /** DNS names. */
    dns: z.array(z.string()).describe('DNS names.'),
    /** IP addresses. */
    ip: z.array(z.string()).describe('IP addresses.'),
  })
  .strict()
  .describe('Subject alternative names: the names clients check.');

export const CertSummaryWire = z
  .object({
    /** Subject name. */
    subject: CertNameWire.describe('Subject name.'),
    /** Issuer name. */
    issuer: CertNameWire.describe('Issuer name.'),
    /** Subject alternative names. */
    sans: Sans,
    /** Serial number, upper-case hex. */
    serial: z.string().describe('Serial number, upper-case hex.'),
    /** Start of validity. */
    notBefore: IsoDate.describe('Start of validity.'),
    /** End of validity. */
    notAfter: IsoDate.describe('End of validity.'),
    /** `RSA 2048`, `EC P-256`, `Ed25519` … */
    keyType: z.string().describe('`RSA 2048`, `EC P-256`, `Ed25519` …'),
    /** e.g. `sha256WithRSAEncryption`. */
    signatureAlgorithm: z.string().describe('e.g. `sha256WithRSAEncryption`.'),
    /** SHA-256 over the DER, colon-separated upper-case hex. */
    fingerprint: z.string().describe('SHA-256 over the DER, colon-separated upper-case hex.'),
    /** basicConstraints CA:TRUE. */
    isCA: z.boolean().describe('basicConstraints CA:TRUE.'),
    /** Issued by itself. */
    selfSigned: z.boolean().describe('Issued by itself.'),
    /** AIA caIssuers URLs: where the issuer certificate can be downloaded. */
    aiaCaIssuers: z.array(z.string()).describe('AIA caIssuers URLs: where the issuer can be downloaded.'),
  })
  .strict() satisfies z.ZodType<CertSummary>;

export const CertKindWire = z
  .enum(['certificate', 'ca-bundle'])
  .describe('`certificate`: a key and its chain (TLS offload); `ca-bundle`: CA certificates (re-encrypt).');

export const CertImportParams = z
  .object({
    /** Store entry name; an existing entry is replaced as a whole (a renewal). */
    name: Name.describe('Store entry name; an existing entry is replaced as a whole (a renewal).'),
    /** A PFX/PKCS#12 file, base64. */
    pfx: z.base64().max(MAX_PFX_BASE64).optional().describe('A PFX/PKCS#12 file, base64.'),
    /** Password of the PFX or of an encrypted PEM key. */
    password: z.string().max(1024).optional().describe('Password of the PFX or of an encrypted PEM key.'),
    /** PEM texts: a key plus its certificates, or only CA certificates (a CA bundle). */
    pem: z
      .array(z.string().min(1).max(MAX_PEM_CHARS))
      .min(1)
      .max(32)
      .optional()
      .describe('PEM texts: a key plus its certificates, or only CA certificates (stored as a CA bundle).'),
    /** Store an expired or not-yet-valid certificate anyway (never a wrong key or broken chain). */
    force: z
      .boolean()
      .optional()
      .describe(
        'Store an expired or not-yet-valid certificate anyway (never a wrong key or a broken chain).',
      ),
  })
  .strict()
  .refine((p) => (p.pfx === undefined) !== (p.pem === undefined), {
    message: 'give either pfx or pem, not both and not neither',
    path: ['pfx'],
  });

export const CertImportResult = z
  .object({
    /** The entry written. */
    name: z.string().describe('The entry written.'),
    /** What kind of entry it is. */
    kind: CertKindWire,
    /** An entry of that name existed and was replaced. */
    replaced: z.boolean().describe('An entry of that name existed and was replaced.'),
    /** Virtual services using the entry were reloaded with the new material. */
    reloaded: z
      .array(z.string())
      .describe('Virtual services that use the entry and now serve the new material.'),
    /** The leaf (certificate) or the first CA (bundle). */
    summary: CertSummaryWire.describe('The leaf (certificate) or the first CA (bundle).'),
    /** Everything stored, in order. */
    chain: z.array(CertSummaryWire).describe('Everything stored, in order (leaf first).'),
    /** Worth telling the admin, not worth refusing. */
    warnings: z
      .array(CertIssueWire)
      .describe('Worth telling the admin, not worth refusing: expires soon, reordered …'),
    /** Input certificates not stored, and why. */
    notStored: z
      .array(
        z
          .object({
            /** The certificate. */
            summary: CertSummaryWire.describe('The certificate.'),
            /** root: clients have it already; unrelated: not part of this chain. */
            reason: z
              .enum(['root', 'unrelated'])
              .describe('`root`: clients have it already; `unrelated`: not part of this chain.'),
          })
          .strict(),
      )
      .describe('Input certificates not stored: the root (clients have it) or unrelated ones.'),
  })
  .strict();

export const CertListEntryWire = z
  .object({
    /** Store entry name. */
    name: z.string().describe('Store entry name.'),
    /** Kind of entry. */
    kind: CertKindWire,
    /** Subject of the leaf (or first CA). */
    subject: CertNameWire.describe('Subject of the leaf (or first CA).'),
    /** Issuer of the leaf (or first CA). */
    issuer: CertNameWire.describe('Issuer of the leaf (or first CA).'),
    /** Subject alternative names of the leaf. */
    sans: Sans,
    /** End of validity of the leaf; empty when the entry is damaged. */
    notAfter: z.string().describe('End of validity (ISO 8601); empty when the entry is damaged.'),
    /** Key type of the leaf. */
    keyType: z.string().describe('Key type of the leaf.'),
    /** SHA-256 fingerprint of the leaf. */
    fingerprint: z.string().describe('SHA-256 fingerprint of the leaf.'),
    /** When it was imported (ISO 8601); empty when the entry is damaged. */
    importedAt: z.string().describe('When it was imported (ISO 8601); empty when the entry is damaged.'),
    /** Certificates in the stored chain. */
    certificates: z.number().int().min(0).describe('Certificates in the stored chain.'),
    /** Virtual services that use it. */
    usedBy: z.array(z.string()).describe('Virtual services that use it.'),
    /** Why the entry on disk cannot be read, when it cannot. */
    problem: z.string().optional().describe('Why the entry on disk cannot be read, when it cannot.'),
    /** Imported by an admin, or issued by an ACME CA (and renewed by the agent). */
    source: z
      .enum(['imported', 'acme'])
      .default('imported')
      .describe(
        '`imported` by an admin, or issued by an `acme` CA and renewed by the agent (agents before ACME send none: imported).',
      ),
    /** For `acme`: the renewal the agent keeps — next renewal, failures, last error. */
    acme: AcmeRenewalWire.optional().describe(
      'For `acme`: the renewal the agent keeps — next renewal, failures and the last error.',
    ),
  })
  .strict();

export const CertListResult = z
  .object({
    /** Every entry, sorted by name. */
    certificates: z.array(CertListEntryWire).describe('Every entry, sorted by name.'),
  })
  .strict();

export const CertRemoveParams = z
  .object({
    /** Store entry to remove; refused while virtual services use it. */
    name: Name.describe('Store entry to remove; refused (IN_USE) while virtual services use it.'),
  })
  .strict();

export const CertRemoveResult = z
  .object({
    /** The entry removed. */
    name: z.string().describe('The entry removed.'),
  })
  .strict();

export const CERT_METHODS = {
  'cert.import': method({
    description:
      'Imports a key and its chain (PFX, or PEM texts) or a CA bundle into the store, checked first: key ↔ leaf, chain links, CA rights, dates. Replacing an entry in use reloads the virtual services that use it.',
    params: CertImportParams,
    result: CertImportResult,
    errors: ['CERT_ERROR'],
  }),
  'cert.list': method({
    description: 'Every store entry with its leaf summary and the virtual services using it.',
    params: NoParams,
    result: CertListResult,
    errors: [],
  }),
  'cert.remove': method({
    description: 'Removes a store entry that no virtual service uses.',
    params: CertRemoveParams,
    result: CertRemoveResult,
    errors: ['NOT_FOUND', 'IN_USE'],
  }),
};
