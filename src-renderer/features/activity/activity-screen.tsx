/**
 * Activity: what was changed on one agent or across the fleet, from each agent's audit log —
 * when, on which agent, by whom (a credential's id and where the session came from, never a
 * token), what, the revision it produced or why it was refused. A change opens to its diff with
 * the revision before it and offers "roll back to revision N".
 */
import { useQuery } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import type { ActivityEntry } from '../../../shared/ipc/activity.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { activityKeys } from './activity-keys.ts';
import { actionText, actorText, timeText } from './activity-text.ts';
import { RevisionChanges } from './revision-changes.tsx';
import { RollbackButton } from './rollback-button.tsx';
import './activity.css';

const entryId = (e: ActivityEntry) => `${e.agentId}:${e.seq}`;

export function ActivityScreen({
  agentId,
  onAgent,
}: {
  /** One agent's activity; undefined: the fleet's. */
  agentId?: string | undefined;
  onAgent: (agentId: string | undefined) => void;
}) {
  const api = useApi();
  const fleet = useQuery(fleetQueries.agents(api));
  const activity = useQuery({
    queryKey: activityKeys.list(agentId),
    queryFn: async () => unwrap(await api.listActivity(agentId ? { agentId } : {})),
  });
  const [open, setOpen] = useState<string>();
  const agents = useMemo(() => fleet.data?.sites.flatMap((s) => s.agents) ?? [], [fleet.data]);

  return (
    <section aria-labelledby="activity-title" className="activity-screen">
      <header className="screen-header">
        <h2 id="activity-title">Activity</h2>
        <span className="muted">
          Who changed what, when, on each agent; open a change to see it and roll back.
        </span>
      </header>
      <div className="filters">
        <label>
          Agent
          <select value={agentId ?? ''} onChange={(e) => onAgent(e.target.value || undefined)}>
            <option value="">All agents</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.site || 'no site'})
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void activity.refetch()} disabled={activity.isFetching}>
          Refresh
        </button>
      </div>
      {activity.isPending && <Loading what="activity" />}
      {activity.error && (
        <ErrorMessage
          title="Could not read the activity"
          error={activity.error}
          onRetry={() => void activity.refetch()}
        />
      )}
      {activity.data?.unreachable.map((u) => (
        <p key={u.agentId} className="muted" role="status">
          {u.agentName} could not be asked ({u.reason}): its activity is missing here.
        </p>
      ))}
      {activity.data && activity.data.entries.length === 0 && (
        <p className="empty">Nothing was changed yet.</p>
      )}
      {activity.data && activity.data.entries.length > 0 && (
        <table className="agents activity-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Agent</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Revision</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {activity.data.entries.map((e) => {
              const id = entryId(e);
              const expandable = e.ok && e.revision !== undefined;
              const isOpen = open === id;
              return (
                <Fragment key={id}>
                  <tr
                    className={e.ok ? '' : 'activity-refused'}
                    aria-label={`${actionText(e)} on ${e.agentName}`}
                  >
                    <td>{timeText(e.time)}</td>
                    <td>
                      {e.agentName} <span className="muted">{e.site || '(no site)'}</span>
                    </td>
                    <td>{actorText(e.actor)}</td>
                    <td>
                      {actionText(e)}
                      {!e.ok && (
                        <div className="error-inline">
                          <strong>Refused:</strong> {e.error ?? 'no reason recorded'}
                        </div>
                      )}
                    </td>
                    <td>{e.revision ?? '—'}</td>
                    <td>
                      {expandable && (
                        <button
                          type="button"
                          aria-expanded={isOpen}
                          aria-label={`${isOpen ? 'Hide' : 'Show'} revision ${e.revision} on ${e.agentName}`}
                          onClick={() => setOpen(isOpen ? undefined : id)}
                        >
                          {isOpen ? 'Hide' : 'Show'} revision {e.revision}
                        </button>
                      )}
                    </td>
                  </tr>
                  {isOpen && e.revision !== undefined && (
                    <tr className="activity-details">
                      <td colSpan={6}>
                        <RevisionChanges agentId={e.agentId} revision={e.revision} />
                        <RollbackButton
                          agentId={e.agentId}
                          agentName={e.agentName}
                          site={e.site}
                          revision={e.revision}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
