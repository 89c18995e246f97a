/**
 * One agent: who it is (name, site, connection, engine, revision), its pools (real servers with
 * live health, traffic and drain/enable) and its virtual services (the pools they send to, their
 * traffic), and the forms that create or change a pool or a service. The configuration, the
 * health snapshot and the status fail separately: without health or figures the pools still
 * show, only their live state is missing.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import type { AgentView } from '../../../shared/ipc/fleet.ts';
import type { ObjectKind } from '../../../shared/model/config-diff.ts';
import { poolsOf } from '../../../shared/model/config.ts';
import { useApi } from '../../api/api-context.tsx';
import { agentQueries, healthQueries, STATUS_REFRESH_MS } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { errorText } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { useScreenVisible } from '../../components/screen-visibility.tsx';
import { AgentState } from '../fleet/agent-state.tsx';
import { healthByKey } from './live-health.ts';
import { liveStatus } from './live-status.ts';
import { PoolCard } from './pool-card.tsx';
import { PoolForm } from './pool-form.tsx';
import { ServiceCard } from './service-card.tsx';
import { ServiceForm } from './service-form.tsx';
import type { Applied } from './use-object-form.ts';

/** The open form: what it edits (no name = a new one); `opening` remounts it fresh. */
interface Editing {
  kind: ObjectKind;
  name: string | undefined;
  opening: number;
}

const NOUN: Record<ObjectKind, string> = { pool: 'pool', virtualService: 'virtual service' };

export function AgentDetails({ agentId, agent }: { agentId: string; agent: AgentView | undefined }) {
  const api = useApi();
  const config = useQuery(agentQueries.config(api, agentId));
  const health = useQuery(healthQueries.snapshot(api));
  // Read while shown only: a hidden Agent screen (kept mounted) asks the agent for nothing.
  const visible = useScreenVisible();
  const status = useQuery({
    ...agentQueries.status(api, agentId),
    enabled: visible,
    refetchInterval: visible ? STATUS_REFRESH_MS : false,
  });
  const [editing, setEditing] = useState<Editing>();
  const [applied, setApplied] = useState<Applied>();
  // Focus goes back where the admin opened the form from, so the keyboard does not restart at the top.
  const opener = useRef<HTMLElement | null>(null);

  const live = useMemo(() => healthByKey(health.data, agentId), [health.data, agentId]);
  const traffic = useMemo(() => liveStatus(status.data), [status.data]);
  const pools = config.data?.config.pools ?? [];
  const services = config.data?.config.virtualServices ?? [];
  const usedBy = useMemo(() => {
    const byPool = new Map<string, string[]>();
    for (const vs of services) {
      for (const pool of poolsOf(vs)) byPool.set(pool, [...(byPool.get(pool) ?? []), vs.name]);
    }
    return byPool;
  }, [services]);

  const open = (kind: ObjectKind, name: string | undefined) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setApplied(undefined);
    setEditing((held) => ({ kind, name, opening: (held?.opening ?? 0) + 1 }));
  };
  const close = () => {
    setEditing(undefined);
    const target = opener.current;
    if (target?.isConnected) setTimeout(() => target.focus());
  };
  const done = (result: Applied) => {
    close();
    setApplied(result);
  };
  const formProps = config.data && {
    agentId,
    config: config.data,
    onApplied: done,
    onCancel: close,
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
          <dt>Engine</dt>
          <dd>{agent?.engine ? `${agent.engine.kind} (${agent.engine.version})` : '—'}</dd>
          <dt>Revision</dt>
          <dd>{config.data ? config.data.revision : '—'}</dd>
        </dl>
        {/* Figures are a nice-to-have beside the configuration: their absence is said, not alarmed. */}
        {status.error && <p className="muted">Traffic figures unavailable: {errorText(status.error)}</p>}
      </header>

      <div className="actions">
        <button type="button" disabled={!config.data} onClick={() => open('pool', undefined)}>
          New pool
        </button>
        <button type="button" disabled={!config.data} onClick={() => open('virtualService', undefined)}>
          New virtual service
        </button>
      </div>

      {/* Only while it is what runs: a later revision (from anyone) makes it history. */}
      {applied && !(config.data && config.data.revision > applied.revision) && (
        <p role="status" className="applied">
          Applied — revision {applied.revision}{' '}
          <span className="muted">
            ({applied.action} {NOUN[applied.kind]} {applied.name})
          </span>
        </p>
      )}

      {editing && formProps && editing.kind === 'pool' && (
        <PoolForm key={editing.opening} editing={editing.name} {...formProps} />
      )}
      {editing && formProps && editing.kind === 'virtualService' && (
        <ServiceForm key={editing.opening} editing={editing.name} {...formProps} />
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

      {config.data && (
        <>
          <section aria-labelledby={`agent-${agentId}-pools`}>
            <h4 id={`agent-${agentId}-pools`}>Pools</h4>
            {pools.length === 0 && (
              <p className="empty">No pool yet: a pool holds the real servers services send to.</p>
            )}
            {pools.map((pool) => (
              <PoolCard
                key={pool.name}
                agentId={agentId}
                pool={pool}
                usedBy={usedBy.get(pool.name) ?? []}
                revision={config.data.revision}
                health={live}
                traffic={traffic.members}
                onEdit={() => open('pool', pool.name)}
                onRemoved={setApplied}
              />
            ))}
          </section>
          <section aria-labelledby={`agent-${agentId}-services`}>
            <h4 id={`agent-${agentId}-services`}>Virtual services</h4>
            {services.length === 0 && <p className="empty">This agent runs no virtual service yet.</p>}
            {services.map((service) => (
              <ServiceCard
                key={service.name}
                agentId={agentId}
                service={service}
                revision={config.data.revision}
                traffic={traffic.services.get(service.name)}
                agentLabel={`${agent?.name ?? agentId} (${agent?.site ? `site ${agent.site}` : 'no site'})`}
                onEdit={() => open('virtualService', service.name)}
                onRemoved={setApplied}
              />
            ))}
          </section>
        </>
      )}
    </section>
  );
}
