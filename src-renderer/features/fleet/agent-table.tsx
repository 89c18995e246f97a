/**
 * The agents of one site, one row each: connection, versions (the agent's, its engine's kind
 * and version), and what it runs (pools, virtual services, real servers, down).
 *
 * Every site gets its own table, and they line up (issue 16): the columns are defined once
 * here, as the headers and as a colgroup whose widths (agent-table.css) hold with a fixed
 * table layout, whatever each site's names and versions are.
 */
import type { AgentView } from '../../../shared/ipc/fleet.ts';
import { AgentActions } from './agent-actions.tsx';
import { AgentState } from './agent-state.tsx';
import type { AgentCounts } from './fleet-counts.ts';
import './agent-table.css';

/** The columns, in order: `id` names the width in agent-table.css; `hidden` headers are for screen readers. */
const COLUMNS = [
  { id: 'agent', label: 'Agent' },
  { id: 'state', label: 'State' },
  { id: 'version', label: 'Version' },
  { id: 'engine', label: 'Engine' },
  { id: 'pools', label: 'Pools' },
  { id: 'services', label: 'Virtual services' },
  { id: 'servers', label: 'Real servers' },
  { id: 'down', label: 'Down' },
  { id: 'actions', label: 'Actions', hidden: true },
] as const;

interface Props {
  agents: AgentView[];
  counts: Map<string, AgentCounts>;
  versions: Map<string, string>;
  onOpenAgent?: (agentId: string) => void;
}

export function AgentTable({ agents, counts, versions, onOpenAgent }: Props) {
  return (
    <table className="agents agent-table">
      <colgroup>
        {COLUMNS.map((c) => (
          <col key={c.id} className={`col-${c.id}`} />
        ))}
      </colgroup>
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.id} scope="col">
              {'hidden' in c ? <span className="visually-hidden">{c.label}</span> : c.label}
            </th>
          ))}
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
