/**
 * The Agent screen: pick a paired agent, see its pools (with live health) and virtual services,
 * add or change either, drain or enable a real server (`pool/server`). The selected agent is the shell's state
 * (agentId/onSelectAgent), so other screens can open this one on a given agent.
 */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries } from '../../api/queries.ts';
import { findAgent } from '../../api/site-groups.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { AgentDetails } from './agent-details.tsx';
import { AgentPicker } from './agent-picker.tsx';
import './agent.css';

export function AgentScreen({
  agentId,
  onSelectAgent,
}: {
  agentId: string | undefined;
  onSelectAgent: (id: string) => void;
}) {
  const api = useApi();
  const fleet = useQuery(fleetQueries.agents(api));
  const agent = agentId && fleet.data ? findAgent(fleet.data.sites, agentId) : undefined;
  const none = fleet.data?.sites.length === 0;

  return (
    <section aria-labelledby="agent-screen-title" className="agent-screen">
      <header className="screen-header">
        <h2 id="agent-screen-title">Agent</h2>
        <AgentPicker fleet={fleet.data} value={agentId} onChange={onSelectAgent} />
      </header>

      {fleet.isPending && <Loading what="agents" />}
      {fleet.error && (
        <ErrorMessage
          title="Could not list agents"
          error={fleet.error}
          onRetry={() => void fleet.refetch()}
        />
      )}
      {!agentId && none && <p className="empty">No agents paired yet: pair one on the Fleet screen.</p>}
      {!agentId && !none && (
        <p className="empty">Choose an agent to see its pools and virtual services and change them.</p>
      )}
      {/* Keyed: another agent starts with no open form and no confirmation of the previous one. */}
      {agentId && <AgentDetails key={agentId} agentId={agentId} agent={agent} />}
    </section>
  );
}
