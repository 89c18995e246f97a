/**
 * What one revision changed, read when asked: each pool and virtual service added, replaced
 * (field by field, before → after) or removed, in the same sentences as a template preview.
 */
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { changeSummary, fieldChanges } from '../../../shared/templates/change-text.ts';
import { activityKeys } from './activity-keys.ts';

export function RevisionChanges({ agentId, revision }: { agentId: string; revision: number }) {
  const api = useApi();
  const diff = useQuery({
    queryKey: activityKeys.changes(agentId, revision),
    queryFn: async () => unwrap(await api.revisionChanges({ agentId, revision })),
    staleTime: Infinity,
  });
  if (diff.isPending) return <Loading what={`the changes of revision ${revision}`} />;
  if (diff.error) return <ErrorMessage title="Could not read the changes" error={diff.error} />;
  const { changes, previousMissing } = diff.data;
  if (previousMissing || !changes)
    return (
      <p className="muted">
        Revision {revision - 1} is no longer kept on this agent, so what {revision} changed cannot be shown; a
        rollback to {revision} still works.
      </p>
    );
  if (changes.length === 0) return <p className="muted">No pool or virtual service changed.</p>;
  return (
    <ul className="activity-diff" aria-label={`Changes of revision ${revision}`}>
      {changes.map((c) => (
        <li key={`${c.kind}:${c.name}`} className={`tpl-change tpl-change-${c.op}`}>
          <span className="badge">{c.op}</span> {changeSummary(c)}
          {c.op === 'replace' && (
            <ul className="tpl-fields">
              {fieldChanges(c).map((f) => (
                <li key={f.path}>
                  <code>{f.path}</code>: {f.before} → {f.after}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
