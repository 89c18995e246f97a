/**
 * One agent: who it is (name, site, connection, revision), what it runs, and the form to add
 * or change a virtual service. The configuration and the health snapshot fail separately:
 * without health the services still show, only their live state is missing.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import type { AgentView } from '../../../shared/ipc/fleet.ts';
import { useApi } from '../../api/api-context.tsx';
import { agentQueries, healthQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { AgentState } from '../fleet/agent-state.tsx';
import { healthByKey } from './live-health.ts';
import { VirtualServiceCard } from './virtual-service-card.tsx';
import { type Applied, VirtualServiceForm } from './virtual-service-form.tsx';

/** The open form: the service edited (undefined = a new one); `opening` remounts it fresh. */
interface Editing {
  name: string | undefined;
  opening: number;
}

export function AgentDetails({ agentId, agent }: { agentId: string; agent: AgentView | undefined }) {
  const api = useApi();
  const config = useQuery(agentQueries.config(api, agentId));
  const health = useQuery(healthQueries.snapshot(api));
  const [editing, setEditing] = useState<Editing>();
  const [applied, setApplied] = useState<Applied>();
  // Focus goes back where the admin opened the form from, so the keyboard does not restart at the top.
  const opener = useRef<HTMLElement | null>(null);

  const live = useMemo(() => healthByKey(health.data, agentId), [health.data, agentId]);
  const services = config.data?.config.virtualServices ?? [];

  const open = (name: string | undefined) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setApplied(undefined);
    setEditing((held) => ({ name, opening: (held?.opening ?? 0) + 1 }));
  };
  const close = () => {
    setEditing(undefined);
    const target = opener.current;
    if (target?.isConnected) setTimeout(() => target.focus());
  };

  return (
    <section className="agent-details" aria-labelledby={`agent-${agentId}-title`}>
      <header className="agent-summary">
        <h3 id={`agent-${agentId}-title`}>{agent?.name ?? agentId}</h3>
        <dl>
          <dt>Site</dt>
          <dd>{agent ? agent.site || '(no site)' : '—'}</dd>
          <dt>State</dt>
          <dd>{agent ? <AgentState state={agent.state} /> : 'not in the fleet list'}</dd>
          <dt>Revision</dt>
          <dd>{config.data ? config.data.revision : '—'}</dd>
        </dl>
      </header>

      <div className="actions">
        <button type="button" disabled={!config.data} onClick={() => open(undefined)}>
          New virtual service
        </button>
      </div>

      {/* Only while it is what runs: a later revision (from anyone) makes it history. */}
      {applied && !(config.data && config.data.revision > applied.revision) && (
        <p role="status" className="applied">
          Applied — revision {applied.revision}{' '}
          <span className="muted">
            ({applied.created ? 'created' : 'updated'} {applied.name})
          </span>
        </p>
      )}

      {editing && config.data && (
        <VirtualServiceForm
          key={editing.opening}
          agentId={agentId}
          config={config.data}
          editing={editing.name}
          onApplied={(result) => {
            close();
            setApplied(result);
          }}
          onCancel={close}
        />
      )}

      {config.isPending && <Loading what="configuration" />}
      {config.error && (
        <ErrorMessage
          title="Could not load the configuration"
          error={config.error}
          onRetry={() => void config.refetch()}
        />
      )}
      {health.error && <ErrorMessage title="Live health unavailable" error={health.error} />}
      {config.data && services.length === 0 && (
        <p className="empty">This agent runs no virtual service yet.</p>
      )}
      {config.data &&
        services.map((service) => (
          <VirtualServiceCard
            key={service.name}
            agentId={agentId}
            service={service}
            revision={config.data.revision}
            health={live}
            onEdit={() => open(service.name)}
          />
        ))}
    </section>
  );
}
