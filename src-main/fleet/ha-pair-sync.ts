/**
 * Whether the two members of an HA pair run the same configuration: the pure comparison behind
 * `portico ha status` and the check before every pair transaction. Runs anywhere.
 */
import type { AgentConfig } from '../../shared/model/config.ts';
import { diffConfigs, type ObjectRef } from '../../shared/model/config-diff.ts';
import { deepEqual } from '../../shared/model/deep-equal.ts';

export interface MemberConfig {
  agentId: string;
  revision: number;
  config: AgentConfig;
}

export type PairSync =
  /** The same configuration at the same revision. */
  | { kind: 'in-sync'; revision: number }
  /**
   * The same configuration, revisions apart: an apply that one member refused was rolled back
   * on the other (each change, rollback included, counts on the member that made it).
   */
  | { kind: 'revisions-differ'; revisions: Record<string, number> }
  /** Different configurations: `ahead` has the higher revision (undefined when equal). */
  | { kind: 'drift'; ahead: string | undefined; behind: string | undefined; differs: ObjectRef[] };

/**
 * Without `$schema` (an editor's hint) and `revision` (each member counts its own changes, a
 * rollback included): neither is a difference between the members' configurations.
 */
function comparable(config: AgentConfig): AgentConfig {
  const { $schema: _schema, revision: _revision, ...rest } = config;
  return rest as AgentConfig;
}

export function comparePair(a: MemberConfig, b: MemberConfig): PairSync {
  if (deepEqual(comparable(a.config), comparable(b.config))) {
    return a.revision === b.revision
      ? { kind: 'in-sync', revision: a.revision }
      : { kind: 'revisions-differ', revisions: { [a.agentId]: a.revision, [b.agentId]: b.revision } };
  }
  const differs = diffConfigs(a.config, b.config).map(({ kind, name }) => ({ kind, name }));
  const [ahead, behind] =
    a.revision === b.revision ? [undefined, undefined] : a.revision > b.revision ? [a, b] : [b, a];
  return { kind: 'drift', ahead: ahead?.agentId, behind: behind?.agentId, differs };
}
