/**
 * HA pairs as targets of a template (issue 17): choosing a pair previews on both members and
 * applies to both as one transaction (applyTemplateToPair: both members or neither). A pair is
 * offered only while both members can be read here. An agent ticked alone that is a member of a
 * pair not chosen is warned about: applying to one member makes the pair drift.
 */
import { useQuery } from '@tanstack/react-query';
import type { PairView } from '../../../shared/ipc/ha.ts';
import { useApi } from '../../api/api-context.tsx';
import { haQueries } from '../../api/queries.ts';
import { toggled } from '../../components/toggled.ts';

/** The two agents of a pair both of whose members this Console reads; undefined otherwise. */
export function pairAgentIds(pair: PairView): [string, string] | undefined {
  const [a, b] = pair.members;
  return a.agentId && b.agentId && a.ha && b.ha ? [a.agentId, b.agentId] : undefined;
}

export function PairPicker({
  selected,
  onChange,
  agentsAlone,
}: {
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  /** Agents ticked on their own. */
  agentsAlone: ReadonlySet<string>;
}) {
  const api = useApi();
  const pairs = useQuery(haQueries.pairs(api));
  const list = pairs.data?.pairs ?? [];
  if (list.length === 0) return null;
  const toggle = (name: string, on: boolean) => onChange(toggled(selected, name, on));
  const alone = list.filter(
    (p) => !selected.has(p.name) && p.members.some((m) => m.agentId && agentsAlone.has(m.agentId)),
  );
  return (
    <fieldset className="tpl-site">
      <legend>HA pairs: both members or neither</legend>
      {list.map((pair) => {
        const ids = pairAgentIds(pair);
        const checked = selected.has(pair.name);
        return (
          <label key={pair.name} className="tpl-agent">
            <input
              type="checkbox"
              checked={checked}
              disabled={!ids && !checked}
              onChange={(e) => toggle(pair.name, e.target.checked)}
            />
            Pair {pair.name} ({pair.members.map((m) => m.name).join(' and ')})
            {!ids && <span className="muted"> — a member cannot be read here</span>}
          </label>
        );
      })}
      {alone.map((p) => (
        <p key={p.name} role="status" className="tpl-warning">
          {p.members
            .filter((m) => m.agentId && agentsAlone.has(m.agentId))
            .map((m) => m.name)
            .join(' and ')}{' '}
          {p.members.filter((m) => m.agentId && agentsAlone.has(m.agentId)).length > 1
            ? 'are members'
            : 'is a member'}{' '}
          of pair {p.name}: applying to members one by one can leave the pair drifting. Choose the pair to
          change both or neither.
        </p>
      ))}
    </fieldset>
  );
}
