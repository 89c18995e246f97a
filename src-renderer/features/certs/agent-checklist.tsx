/**
 * The agents a certificate goes to (push, request): every paired agent with its site and state,
 * only the online ones can be ticked, since an offline agent could not store the certificate.
 * One home for the choice so both panels list, tick and name agents alike.
 */
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import type { AgentView } from '../../../shared/ipc/fleet.ts';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries } from '../../api/queries.ts';
import { AgentStateBadge } from '../../components/agent-state-badge.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { toggled } from '../../components/toggled.ts';

const isOnline = (a: AgentView) => a.state.kind === 'online';

/** The fleet's agents, which are ticked, and of those the online ones (`chosen`, in fleet order). */
export function useAgentChoice() {
  const api = useApi();
  const fleet = useQuery(fleetQueries.agents(api));
  const agents = useMemo(() => fleet.data?.sites.flatMap((s) => s.agents) ?? [], [fleet.data]);
  const names = useMemo(() => new Map(agents.map((a) => [a.id, a.name])), [agents]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const chosen = agents.filter((a) => isOnline(a) && selected.has(a.id)).map((a) => a.id);
  /** An agent's name for progress lines; its id when the fleet no longer lists it. */
  const nameOf = (agentId: string) => names.get(agentId) ?? agentId;
  return { fleet, agents, names, nameOf, selected, setSelected, chosen };
}

export type AgentChoice = ReturnType<typeof useAgentChoice>;

export function AgentChecklist({
  choice,
  aria,
  problem,
}: {
  choice: AgentChoice;
  /** ARIA naming the fieldset's problem, when it has one. */
  aria: object;
  /** The problem with the choice, shown under it. */
  problem: ReactNode;
}) {
  const { fleet, agents, selected, setSelected } = choice;
  const toggle = (agentId: string, on: boolean) => setSelected((held) => toggled(held, agentId, on));
  return (
    <fieldset className="push-agents" {...aria}>
      <legend>Agents</legend>
      {fleet.isPending && <Loading what="agents" />}
      {fleet.error && (
        <ErrorMessage
          title="Could not list agents"
          error={fleet.error}
          onRetry={() => void fleet.refetch()}
        />
      )}
      {fleet.data && agents.length === 0 && <p className="empty">No agents paired yet.</p>}
      {agents.map((a) => (
        <label key={a.id} className={`push-agent${isOnline(a) ? '' : ' unavailable'}`}>
          <input
            type="checkbox"
            checked={isOnline(a) && selected.has(a.id)}
            disabled={!isOnline(a)}
            onChange={(e) => toggle(a.id, e.target.checked)}
          />
          {a.name} <span className="muted">{a.site || '(no site)'}</span>{' '}
          <AgentStateBadge kind={a.state.kind} />
        </label>
      ))}
      {problem}
    </fieldset>
  );
}
