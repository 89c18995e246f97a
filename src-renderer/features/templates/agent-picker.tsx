/**
 * The agents to preview and apply on, grouped by site. Only a connected agent can render a
 * preview, so the others are disabled with their state said; one that drops offline after it
 * was ticked stays ticked (and can be unticked) rather than vanishing from the choice.
 */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries } from '../../api/queries.ts';
import { AgentStateBadge } from '../../components/agent-state-badge.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { toggled } from '../../components/toggled.ts';

export function AgentPicker({
  selected,
  onChange,
}: {
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}) {
  const api = useApi();
  const agents = useQuery(fleetQueries.agents(api));
  const sites = agents.data?.sites ?? [];

  const toggle = (id: string, on: boolean) => onChange(toggled(selected, id, on));
  const online = sites.flatMap((s) => s.agents.filter((a) => a.state.kind === 'online').map((a) => a.id));

  return (
    <div className="tpl-agents">
      {agents.isPending && <Loading what="agents" />}
      {agents.error && (
        <ErrorMessage
          title="Could not list agents"
          error={agents.error}
          onRetry={() => void agents.refetch()}
        />
      )}
      {agents.data && sites.length === 0 && (
        <p className="empty">No agents paired yet: pair one on the Fleet screen.</p>
      )}
      {online.length > 1 && (
        <div className="actions">
          <button type="button" onClick={() => onChange(new Set([...selected, ...online]))}>
            Select all online
          </button>
          <button type="button" onClick={() => onChange(new Set())} disabled={selected.size === 0}>
            Clear
          </button>
        </div>
      )}
      {sites.map((group) => (
        <fieldset key={group.site} className="tpl-site">
          <legend>{group.site || '(no site)'}</legend>
          {group.agents.map((a) => {
            const isOnline = a.state.kind === 'online';
            const checked = selected.has(a.id);
            return (
              <label key={a.id} className="tpl-agent">
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!isOnline && !checked}
                  onChange={(e) => toggle(a.id, e.target.checked)}
                />
                {a.name} <AgentStateBadge kind={a.state.kind} />
              </label>
            );
          })}
        </fieldset>
      ))}
    </div>
  );
}
