/**
 * The alert list: what needs attention (active, not acknowledged) first, each with when it was
 * raised and a button to acknowledge it; "Show all" adds the acknowledged and the resolved ones
 * (kept a day). Refetched when an `alerts` event says the list changed (at most once a second).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Alert } from '../../../shared/ipc/alerts.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { alertQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { ago } from '../../components/time.ts';

/** Rows shown before "Show all": the newest need attention first. */
const FIRST = 6;

export function AlertsPanel() {
  const api = useApi();
  const client = useQueryClient();
  const list = useQuery(alertQueries.list(api));
  const [all, setAll] = useState(false);
  const acknowledge = useMutation({
    mutationFn: async (ids?: string[]) => unwrap(await api.acknowledgeAlerts(ids ? { ids } : {})),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.alerts }),
  });
  const alerts = list.data?.alerts ?? [];
  const active = alerts.filter((a) => a.resolvedAt === undefined);
  const needing = active.filter((a) => a.acknowledgedAt === undefined);
  const shown = all ? alerts.slice(0, 200) : needing.slice(0, FIRST);

  return (
    <section aria-labelledby="alerts-title" className="alerts-panel">
      <header className="alerts-header">
        <h3 id="alerts-title">Alerts</h3>
        {list.data && (
          <span role="status" className={needing.length > 0 ? 'alerts-count needing' : 'alerts-count'}>
            {needing.length === 0
              ? 'nothing needs attention'
              : `${needing.length} need${needing.length === 1 ? 's' : ''} attention`}
            {active.length > needing.length && `, ${active.length - needing.length} acknowledged`}
          </span>
        )}
        {needing.length > 0 && (
          <button
            type="button"
            disabled={acknowledge.isPending}
            onClick={() => acknowledge.mutate(undefined)}
          >
            Acknowledge all
          </button>
        )}
        {alerts.length > 0 && (
          <button type="button" aria-expanded={all} onClick={() => setAll(!all)}>
            {all ? 'Show only new alerts' : `Show all ${alerts.length}`}
          </button>
        )}
      </header>
      {list.error && (
        <ErrorMessage title="Could not load alerts" error={list.error} onRetry={() => void list.refetch()} />
      )}
      {acknowledge.error && <ErrorMessage title="Could not acknowledge" error={acknowledge.error} />}
      {shown.length > 0 && (
        <ul className="alert-list" aria-label={all ? 'All alerts' : 'Alerts needing attention'}>
          {shown.map((a) => (
            <AlertRow key={a.id} alert={a} onAcknowledge={() => acknowledge.mutate([a.id])} />
          ))}
        </ul>
      )}
      {!all && needing.length > FIRST && (
        <p className="muted">{needing.length - FIRST} more need attention: show all to see them.</p>
      )}
    </section>
  );
}

function AlertRow({ alert, onAcknowledge }: { alert: Alert; onAcknowledge: () => void }) {
  const state = alert.resolvedAt ? 'resolved' : alert.acknowledgedAt ? 'acknowledged' : alert.severity;
  const time = new Date(alert.raisedAt);
  return (
    <li className={`alert-row severity-${alert.severity} alert-${state}`}>
      <span className={`badge alert-badge-${state}`}>{state}</span>
      <span className="alert-message">{alert.message}</span>
      <span className="alert-time">
        <time dateTime={alert.raisedAt} title={time.toLocaleString()}>
          {time.toLocaleTimeString()}
        </time>{' '}
        <span className="muted">
          ({ago(alert.raisedAt)}
          {alert.count > 1 ? `, ${alert.count} times` : ''})
        </span>
        {alert.resolvedAt && <span className="muted"> · resolved {ago(alert.resolvedAt)}</span>}
      </span>
      {state === alert.severity && (
        <button type="button" onClick={onAcknowledge} aria-label={`Acknowledge: ${alert.message}`}>
          Acknowledge
        </button>
      )}
    </li>
  );
}
