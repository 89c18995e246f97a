/**
 * The activity view: the agents' audit logs as one list (who, when, what, the revision it
 * produced), what a revision changed (a diff with the revision before it, by pool and virtual
 * service), and "roll back to revision N" (itself a new, audited revision on that agent).
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { ConfigChange } from '../model/config-diff.ts';
import type { ResultOf } from '../protocol/methods.ts';
import { AgentId, channel } from './channel.ts';

export type AuditEntryView = ResultOf<'audit.list'>['entries'][number];

/** One audit entry with the agent it comes from. */
export interface ActivityEntry extends AuditEntryView {
  agentId: string;
  agentName: string;
  site: string;
}

export interface ActivityView {
  /** Newest first, across the agents asked. */
  entries: ActivityEntry[];
  /** Agents that could not be asked (offline …): their activity is missing from the list. */
  unreachable: { agentId: string; agentName: string; reason: string }[];
}

export const ListActivityParams = z
  .object({
    /** One agent's activity; omitted: the whole fleet's. */
    agentId: AgentId.optional(),
    /** Entries per agent, newest first. */
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict()
  .default({ limit: 200 });

export interface RevisionChanges {
  agentId: string;
  revision: number;
  /** What the revision changed from the one before it; undefined when that one is not kept. */
  changes?: ConfigChange[];
  /** The revision before it is not kept (the agent keeps the last 200): only the whole configuration is known. */
  previousMissing: boolean;
}

export const RevisionChangesParams = z
  .object({ agentId: AgentId, revision: z.number().int().min(1) })
  .strict();

export const RollbackRevisionParams = z
  .object({
    agentId: AgentId,
    /** The revision whose configuration runs again. */
    revision: z.number().int().min(0),
    /** The revision on screen: a change made meanwhile is a CONFLICT, not overwritten. */
    expectRevision: z.number().int().min(0),
  })
  .strict();

export const ACTIVITY_CHANNELS = {
  /** The audit logs of one agent or of every agent, newest first. */
  listActivity: channel<ActivityView>()(ListActivityParams),
  /** What one revision changed, as a diff with the revision before it. */
  revisionChanges: channel<RevisionChanges>()(RevisionChangesParams),
  /** Run an earlier revision's configuration again, as a new audited revision. */
  rollbackRevision: channel<{ revision: number }>()(RollbackRevisionParams),
};
