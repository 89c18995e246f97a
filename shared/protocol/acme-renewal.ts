/**
 * What the agent keeps for a certificate it renews itself, as `cert.list` and the ACME methods
 * show it. Apart from acme.ts so cert.ts can use it without an import cycle. Runtime-neutral.
 */
import { z } from 'zod';
import { IsoDate } from './common.ts';

export const AcmeProblemWire = z
  .object({
    /** The name the CA refused, when the problem is about one. */
    domain: z
      .string()
      .optional()
      .describe('The domain the CA could not validate, when the problem is about one.'),
    /** The problem type, e.g. `urn:ietf:params:acme:error:connection`. */
    type: z
      .string()
      .optional()
      .describe('The RFC 8555 problem type, e.g. `urn:ietf:params:acme:error:connection`.'),
    /** The whole story in words: which name, what the CA tried, what it found. */
    message: z.string().describe('Which name failed and why, in words (the CA’s problem document).'),
  })
  .strict();
export type AcmeProblemWire = z.infer<typeof AcmeProblemWire>;

export const AcmeRenewalWire = z
  .object({
    /** The ACME directory the certificate comes from. */
    directoryUrl: z.string().describe('The ACME directory it comes from.'),
    /** The names it is for. */
    domains: z.array(z.string()).describe('The names it is for.'),
    /** When the agent renews it next: two thirds into its lifetime, or the next retry. */
    nextRenewalAt: IsoDate.describe(
      'When the agent renews it next: two thirds into its lifetime, or the next retry after a failure.',
    ),
    /** When it was last issued. */
    issuedAt: IsoDate.describe('When the certificate now stored was issued.'),
    /** Renewals that failed since the last success. */
    failures: z.number().int().min(0).describe('Attempts that failed since the last success.'),
    /** What the last failed attempt ran into, until an attempt succeeds. */
    lastError: AcmeProblemWire.extend({ at: IsoDate })
      .optional()
      .describe('The last failed attempt, until one succeeds: when, which name and why.'),
    /** An attempt runs now. */
    renewing: z.boolean().describe('An attempt runs now.'),
  })
  .strict();
export type AcmeRenewalWire = z.infer<typeof AcmeRenewalWire>;
