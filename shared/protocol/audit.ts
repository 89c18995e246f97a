/**
 * The agent's history as an admin reads it: the audit log (who changed what, when, with which
 * revision), the configuration of each recent revision (so a Console shows what a revision
 * changed, as a diff with the one before) and a rollback to one of them, itself a new, audited
 * revision. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { AgentConfig } from '../model/config.ts';
import { ExpectRevision, IsoDate, method, Revision } from './common.ts';
import { RevisionResult } from './config.ts';

/** Most entries one answer carries; older ones come with `before`. */
export const MAX_AUDIT_ENTRIES = 1_000;

export const AuditListParams = z
  .object({
    /** How many entries, newest first (default 200). */
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_AUDIT_ENTRIES)
      .default(200)
      .describe(`How many entries, newest first (default 200, at most ${MAX_AUDIT_ENTRIES}).`),
    /** Only entries older than this `seq` (the last one of the previous page). */
    before: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Only entries older than this `seq`: pass the last entry of the previous page.'),
  })
  .strict();

export const AuditEntryWire = z
  .object({
    /** Its place in the log; pages are asked for by it. */
    seq: z.number().int().min(0).describe('Its place in the log; pages are asked for by it.'),
    /** When it happened. */
    time: IsoDate.describe('When it happened.'),
    /** What was done: `pool.upsert`, `realServer.drain`, `config.rollback`, `cert.remove` … */
    action: z
      .string()
      .describe('What was done: `pool.upsert`, `realServer.drain`, `config.rollback`, `cert.remove` …'),
    /** Who: the credential's non-secret id and the session's peer (`local` for the file and the CLI). */
    actor: z
      .object({
        tokenId: z
          .string()
          .describe("A non-secret id of the credential (never the token), or 'config-file'."),
        peer: z.string().describe("The session's peer address, or `local`."),
      })
      .describe('Who: a non-secret id of the credential and where the session came from.'),
    /** false: refused; `error` says why and nothing changed. */
    ok: z.boolean().describe('false: refused; `error` says why and nothing changed.'),
    /** The revision the change produced. */
    revision: Revision.optional().describe('The revision the change produced.'),
    /** What changed, in names (services added/changed/removed, the certificate …). */
    detail: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('What changed, in names: services added, changed and removed, the certificate …'),
    /** Why it was refused. */
    error: z.string().optional().describe('Why it was refused.'),
  })
  .strip();

export const AuditListResult = z
  .object({
    /** Newest first. */
    entries: z.array(AuditEntryWire).describe('Newest first.'),
    /** Older entries exist: ask again with `before` = the last `seq`. */
    more: z.boolean().describe('Older entries exist: ask again with `before` = the last `seq`.'),
  })
  .strict();

export const ConfigRevisionParams = z
  .object({
    /** A revision the agent still keeps (the last 200). */
    revision: Revision.describe('A revision the agent still keeps (the last 200).'),
  })
  .strict();

export const ConfigRevisionResult = z
  .object({
    revision: Revision,
    /** The configuration as that revision ran it. */
    config: AgentConfig.describe('The configuration as that revision ran it.'),
  })
  .strict();

export const ConfigRollbackParams = z
  .object({
    /** The revision whose configuration runs again, as a new revision. */
    revision: Revision.describe('The revision whose configuration runs again, as a new revision.'),
    /** Apply only if the running revision is still this one. */
    expectRevision: ExpectRevision,
  })
  .strict();

export const AUDIT_METHODS = {
  'audit.list': method({
    description:
      "The agent's audit log, newest first: who (a non-secret credential id and peer), when, what, the revision it produced, or why it was refused.",
    params: AuditListParams,
    result: AuditListResult,
    errors: [],
  }),
  'config.revision': method({
    description:
      'The configuration of a recent revision (the agent keeps the last 200), to show what it changed or roll back to it.',
    params: ConfigRevisionParams,
    result: ConfigRevisionResult,
    errors: ['NOT_FOUND'],
  }),
  'config.rollback': method({
    description:
      "Runs a recent revision's configuration again as a new revision, audited as `config.rollback` with the revision it went back to. Certificates are not rolled back: one the old configuration names must still be in the store.",
    params: ConfigRollbackParams,
    result: RevisionResult,
    errors: ['NOT_FOUND', 'CONFLICT', 'INVALID_CONFIG'],
  }),
};
