/**
 * The agents of one site, one row each: connection, versions (the agent's, its engine's kind
 * and version), and what it runs (pools, virtual services, real servers, down).
 */
import type { AgentView } from '../../../shared/ipc/fleet.ts';
import { AgentActions } from './agent-actions.tsx';
import { AgentState } from './agent-state.tsx';
import type { AgentCounts } from './fleet-counts.ts';

interface Props {
  agents: AgentView[];
  counts: Map<string, AgentCounts>;
  versions: Map<string, string>;
  onOpenAgent?: (agentId: string) => void;
}

export function AgentTable({ agents, counts, versions, onOpenAgent }: Props) {
  return (
    <table className="agents">
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">State</th>
          <th scope="col">Version</th>
          <th scope="col">Engine</th>
          <th scope="col">Pools</th>
          <th scope="col">Virtual services</th>
          <th scope="col">Real servers</th>
          <th scope="col">Down</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {agents.map((agent) => {
          const c = counts.get(agent.id);
          return (
            <tr key={agent.id} aria-label={agent.name}>
              <th scope="row">
                {agent.name}
                <div className="muted">
                  {agent.address}:{agent.port}
                </div>
              </th>
              <td>
                <AgentState state={agent.state} />
              </td>
              <td>{agent.version ?? versions.get(agent.id) ?? '—'}</td>
              <td>
                {agent.engine ? (
                  <>
                    {agent.engine.kind}
                    <div className="muted">{agent.engine.version}</div>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>{c?.pools ?? '—'}</td>
              <td>{c?.virtualServices ?? '—'}</td>
              <td>{c?.realServers ?? '—'}</td>
              <td className={c && c.down > 0 ? 'down' : undefined}>{c?.down ?? '—'}</td>
              <td>
                <AgentActions agent={agent} {...(onOpenAgent ? { onOpen: onOpenAgent } : {})} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
