/**
 * "Roll back to revision N" on one agent, after a confirmation that says where and what runs
 * then: the old configuration becomes a new revision (audited as a rollback), guarded by the
 * revision running now so a change made meanwhile is refused, not overwritten. Certificates
 * are not rolled back: the confirmation says so.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { agentQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { activityKeys } from './activity-keys.ts';

export function RollbackButton({
  agentId,
  agentName,
  site,
  revision,
}: {
  agentId: string;
  agentName: string;
  site: string;
  revision: number;
}) {
  const api = useApi();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  // What runs now: read when the admin asks, so the rollback names the current revision.
  const current = useQuery({ ...agentQueries.config(api, agentId), enabled: asking });
  const rollback = useMutation({
    mutationFn: async (expectRevision: number) =>
      unwrap(await api.rollbackRevision({ agentId, revision, expectRevision })),
    onSuccess: () => {
      setAsking(false);
      void client.invalidateQueries({ queryKey: activityKeys.all });
      void client.invalidateQueries({ queryKey: queryKeys.agent(agentId) });
      void client.invalidateQueries({ queryKey: queryKeys.health });
    },
  });
  const where = `${agentName} (${site ? `site ${site}` : 'no site'})`;
  const running = current.data?.revision;

  return (
    <div className="rollback">
      {!asking && (
        <button
          type="button"
          onClick={() => {
            rollback.reset();
            setAsking(true);
          }}
        >
          Roll back to revision {revision}
        </button>
      )}
      {asking && (
        <div role="group" aria-label={`Roll back ${agentName} to revision ${revision}?`}>
          <p>
            Roll back {where} to revision {revision}?{' '}
            {running === undefined
              ? 'Reading the revision running now…'
              : running === revision
                ? `Revision ${revision} is what runs now: nothing would change.`
                : `Its configuration runs again as revision ${running + 1}; revision ${running} stays in the history. Certificates in the store are not rolled back.`}
          </p>
          <button
            type="button"
            disabled={running === undefined || running === revision || rollback.isPending}
            onClick={() => running !== undefined && rollback.mutate(running)}
          >
            {rollback.isPending ? 'Rolling back…' : `Yes, roll back ${agentName}`}
          </button>{' '}
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </div>
      )}
      {current.error && asking && (
        <ErrorMessage title="Could not read the running revision" error={current.error} />
      )}
      {rollback.error && <ErrorMessage title="Not rolled back" error={rollback.error} />}
      {rollback.data && (
        <p role="status">
          Rolled back: revision {rollback.data.revision} now runs the configuration of revision {revision}.
        </p>
      )}
    </div>
  );
}
