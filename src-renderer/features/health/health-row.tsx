/**
 * One real server (`pool/server`): where it is, the services that use its pool, its state and
 * why it is down, the last hour, and drain/enable — one action for every service using the pool.
 * The answer's revision goes straight into the cached view (reduceRealServerEnabled) instead
 * of refetching the whole fleet; a refusal (revision conflict, agent offline) stays on the row.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { memo } from 'react';
import { unwrap } from '../../../shared/ipc/errors.ts';
import type { HealthView } from '../../../shared/ipc/health.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { reduceRealServerEnabled } from '../../api/reducers.ts';
import { errorText } from '../../components/error-message.tsx';
import { ago } from '../../components/time.ts';
import type { HealthRow as Row } from './health-rows.ts';
import { DrainingConnections } from './draining-connections.tsx';
import { Sparkline } from './sparkline.tsx';

export interface RowActions {
  /** Rows chosen for a bulk drain or enable, by row id. */
  selected: ReadonlySet<string>;
  onSelect: (row: Row, selected: boolean) => void;
  /** Drain or enable this back end on every agent of its site (or the fleet), after a confirmation. */
  onEverywhere: (row: Row) => void;
}

/**
 * `rowIndex`: 1-based place in the whole table, the header being row 1, so a screen reader
 * says "row 812 of 50,001".
 */
export const HealthRow = memo(function HealthRow({
  row,
  rowIndex,
  selected = false,
  onSelect,
  onEverywhere,
}: {
  row: Row;
  rowIndex: number;
  selected?: boolean;
  onSelect?: RowActions['onSelect'] | undefined;
  onEverywhere?: RowActions['onEverywhere'] | undefined;
}) {
  const api = useApi();
  const client = useQueryClient();
  const { server } = row;
  const toggle = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.setRealServerEnabled({
          agentId: row.agentId,
          pool: row.pool,
          server: server.name,
          enabled: !server.enabled,
          expectRevision: row.revision ?? 0,
        }),
      ),
    onSuccess: ({ revision }) =>
      client.setQueryData<HealthView>(queryKeys.healthSnapshot(), (view) =>
        reduceRealServerEnabled(view, {
          agentId: row.agentId,
          key: server.key,
          enabled: !server.enabled,
          revision,
        }),
      ),
  });
  const stale = row.agentState !== 'online';
  const health = server.health;

  return (
    <div
      className={`health-row state-${row.state}`}
      role="row"
      aria-rowindex={rowIndex}
      aria-label={`${row.agentName} ${server.key}`}
    >
      <span role="cell" className="cell-select">
        {onSelect && (
          <input
            type="checkbox"
            checked={selected}
            aria-label={`Select ${server.key} on ${row.agentName}`}
            onChange={(e) => onSelect(row, e.target.checked)}
          />
        )}
      </span>
      <span role="cell" className="cell-state">
        <span className={`badge state-${row.state}`}>{row.state}</span>
        {!server.enabled && <span className="badge">drained</span>}
        {!server.enabled && !stale && <DrainingConnections agentId={row.agentId} serverKey={server.key} />}
      </span>
      <span role="cell" className="cell-name">
        <strong>{server.name}</strong> <span className="muted">in pool {row.pool}</span>
        <div className="muted">
          {server.address}:{server.port} · {usedByText(row.usedBy)}
        </div>
      </span>
      <span role="cell" className="cell-agent">
        {row.agentName}
        <div className="muted">
          {row.site || '(no site)'}
          {stale && ' · agent not connected, last known state'}
        </div>
      </span>
      <span role="cell" className="cell-reason">
        {health?.reason && row.state !== 'up' ? health.reason : ''}
        {health && <div className="muted">since {ago(health.since)}</div>}
      </span>
      <span role="cell" className="cell-history">
        <Sparkline agentId={row.agentId} serverKey={server.key} />
      </span>
      <span role="cell" className="cell-actions">
        <button
          type="button"
          disabled={toggle.isPending || row.revision === undefined}
          onClick={() => toggle.mutate()}
          aria-label={`${server.enabled ? 'Drain' : 'Enable'} ${server.key} on ${row.agentName}`}
        >
          {server.enabled ? 'Drain' : 'Enable'}
        </button>
        {onEverywhere && (
          <button
            type="button"
            onClick={() => onEverywhere(row)}
            aria-label={`${server.enabled ? 'Drain' : 'Enable'} ${server.address}:${server.port} everywhere`}
          >
            Everywhere…
          </button>
        )}
        {toggle.error && (
          <div role="alert" className="error">
            {errorText(toggle.error)}
          </div>
        )}
      </span>
    </div>
  );
});

function usedByText(services: readonly string[]): string {
  if (services.length === 0) return 'no service uses this pool';
  return `used by ${services.join(', ')}`;
}
