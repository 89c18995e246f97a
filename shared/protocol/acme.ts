/**
 * Certificates that renew themselves: `cert.request` orders one from an ACME CA (RFC 8555),
 * answering HTTP-01 on the agent's own http and redirect services, stores it like an import
 * and renews it at two thirds of its lifetime; `cert.renew` renews one now. Progress is the
 * `cert` event topic. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { AcmeProblemWire, AcmeRenewalWire } from './acme-renewal.ts';
import { CertSummaryWire } from './cert.ts';
import { IsoDate, method, Name } from './common.ts';

export { AcmeProblemWire, AcmeRenewalWire } from './acme-renewal.ts';

/** Directory names the agent knows by heart; anything else is the directory's https URL. */
export const ACME_DIRECTORIES = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

/**
 * A DNS name HTTP-01 can prove: letters, digits and hyphens in dot-separated labels, at least two
 * labels. No wildcard: only DNS-01 proves those, and the agent answers on its HTTP listeners.
 */
export const AcmeDomain = z
  .string()
  .max(253)
  .regex(
    /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
    'a DNS name such as www.example.com (no wildcard: HTTP-01 cannot prove *.example.com)',
  )
  .transform((d) => d.toLowerCase());

export const AcmeKeyType = z
  .enum(['ec-p256', 'rsa-2048'])
  .describe('Key of the certificate: `ec-p256` (default) or `rsa-2048` for clients without ECDSA.');

export const CertRequestParams = z
  .object({
    /** Store entry name; services name it in `tls.certificates`. */
    name: Name.describe(
      'Store entry name (services name it in `tls.certificates`); an existing entry is replaced.',
    ),
    /** The names the certificate is for; the first is its common name. */
    domains: z
      .array(AcmeDomain)
      .min(1)
      .max(100)
      .refine((d) => new Set(d).size === d.length, 'a domain is named twice')
      .describe(
        'DNS names the certificate is for (the first is its common name). Each must resolve, for the CA, to this agent: it proves them over HTTP-01 on port 80.',
      ),
    /** `letsencrypt`, `letsencrypt-staging` or the https URL of any ACME directory. */
    directoryUrl: z
      .string()
      .min(1)
      .max(2048)
      .describe(
        '`letsencrypt`, `letsencrypt-staging`, or the https URL of any ACME directory (a private CA).',
      ),
    /** Contact address given to the CA with the account. */
    email: z.email().max(254).describe('Contact address the CA keeps with the account (expiry notices).'),
    /** https services to serve it (first in their certificate list), once issued. */
    bind: z
      .array(Name)
      .max(100)
      .optional()
      .describe(
        'https virtual services that serve it once issued (it goes first in their `tls.certificates`).',
      ),
    /** A CA bundle in the store that verifies the ACME server itself (a private ACME CA). */
    directoryCa: Name.optional().describe(
      "A CA bundle in the agent's store that signs the ACME server's own https certificate (a private ACME CA); default: the system's roots.",
    ),
    keyType: AcmeKeyType.optional(),
  })
  .strict();

export const CertRequestResult = z
  .object({
    /** The store entry written. */
    name: z.string().describe('The store entry written.'),
    /** An entry of that name existed and was replaced. */
    replaced: z.boolean().describe('An entry of that name existed and was replaced.'),
    /** The certificate issued. */
    summary: CertSummaryWire.describe('The certificate issued.'),
    /** Virtual services that already used the entry and now serve the new certificate. */
    reloaded: z
      .array(z.string())
      .describe('Virtual services that used the entry and now serve the new certificate.'),
    /** Services `bind` named, now serving it. */
    bound: z.array(z.string()).describe('Services `bind` named, now serving it.'),
    /** The renewal the agent now keeps for it. */
    renewal: AcmeRenewalWire,
    /** Worth telling, not worth failing: expires soon, the services could not load it yet. */
    warnings: z
      .array(z.string())
      .describe('Worth telling, not worth failing: a short lifetime, services that could not load it yet.'),
  })
  .strict();

export const CertRenewParams = z
  .object({
    /** A store entry the agent got from an ACME CA. */
    name: Name.describe('A store entry issued by an ACME CA (`source: acme` in `cert.list`).'),
  })
  .strict();

export const ACME_METHODS = {
  'cert.request': method({
    description:
      'Orders a certificate from an ACME CA (Let’s Encrypt or any RFC 8555 CA), proves each name over HTTP-01 on this agent’s http and redirect services, stores it like an import, optionally binds it, and renews it at two thirds of its lifetime from then on. Answers when it is stored (or with ACME_ERROR naming the domain and the CA’s reason); progress is the `cert` topic.',
    params: CertRequestParams,
    result: CertRequestResult,
    errors: ['ACME_ERROR', 'NOT_FOUND', 'INVALID_CONFIG', 'CERT_ERROR', 'UNAVAILABLE'],
  }),
  'cert.renew': method({
    description:
      'Renews an ACME certificate now (the scheduled renewal does the same). A failure keeps the stored certificate serving and schedules a retry.',
    params: CertRenewParams,
    result: CertRequestResult,
    errors: ['ACME_ERROR', 'NOT_FOUND', 'CERT_ERROR', 'UNAVAILABLE'],
  }),
};

/** Steps of an ACME order and renewal, each published on the `cert` topic and in the audit log. */
export const CERT_STEPS = [
  'ordered',
  'challenge',
  'validated',
  'issued',
  'installed',
  'bound',
  'scheduled',
  'failed',
  'forgotten',
] as const;

export const CertEvent = z
  .object({
    /** The store entry. */
    name: z.string().describe('The store entry.'),
    /** What happened. */
    step: z
      .enum(CERT_STEPS)
      .describe(
        '`ordered` (the CA took the order), `challenge` (answering HTTP-01 for `domain`), `validated` (the CA saw the answer for `domain`), `issued`, `installed` (stored; services using it reloaded), `bound`, `scheduled` (next renewal), `failed` (`problem` says which name and why), `forgotten` (no longer renewed: removed or replaced by an import).',
      ),
    /** The domain the step is about, when it is about one. */
    domain: z.string().optional().describe('The domain the step is about, when it is about one.'),
    /** The step in a sentence. */
    message: z.string().describe('The step in a sentence.'),
    /** When. */
    at: IsoDate.describe('When.'),
    /** With `failed`: which name and why. */
    problem: AcmeProblemWire.optional().describe('With `failed`: which name and why.'),
    /** With `scheduled` and `failed`: when the next attempt runs. */
    nextRenewalAt: IsoDate.optional().describe('With `scheduled` and `failed`: when the next attempt runs.'),
  })
  .strict();
export type CertEvent = z.infer<typeof CertEvent>;
