/**
 * The confirmation of a bulk drain or enable, then its outcome per agent. It says how many real
 * servers on which agents and sites, before anything is sent; servers already in the asked state
 * are counted apart and left alone. After the answer, each agent that failed is named with its
 * reason, and the health view is read again.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import type { ServersEnabledOutcome } from '../../../shared/ipc/servers-enabled.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { splitByState, targetsOf, whereText, type Scope } from './bulk-targets.ts';
import type { HealthRow } from './health-rows.ts';

export interface BulkAsk {
  rows: HealthRow[];
  enabled: boolean;
  /** Set for "everywhere": the admin may widen a site to the fleet, or narrow it back. */
  scope?: Scope;
  /** What the admin started from, said in the heading ("10.0.0.1:443", "4 selected rows"). */
  what: string;
}

export function BulkConfirm({
  ask,
  agentNames,
  onScope,
  onClose,
}: {
  ask: BulkAsk;
  agentNames: ReadonlyMap<string, string>;
  onScope?: (scope: Scope) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const client = useQueryClient();
  const headingId = useId();
  const verb = ask.enabled ? 'Enable' : 'Drain';
  const { change, already } = splitByState(ask.rows, ask.enabled);
  const run = useMutation({
    mutationFn: async (): Promise<FanOutResult<ServersEnabledOutcome>> =>
      unwrap(await api.setServersEnabled({ targets: targetsOf(change), enabled: ask.enabled })),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.health }),
  });
  const failed = run.data?.results.filter((r) => !r.ok) ?? [];
  const done = run.data?.results.filter((r) => r.ok) ?? [];

  return (
    <section className="bulk-confirm" role="region" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {verb} {ask.what}
      </h3>
      {ask.scope && onScope && !run.data && (
        <fieldset className="bulk-scope">
          <legend>Where</legend>
          {(['site', 'fleet'] as const).map((s) => (
            <label key={s}>
              <input
                type="radio"
                name={`${headingId}-scope`}
                checked={ask.scope === s}
                onChange={() => onScope(s)}
              />
              {s === 'site' ? 'Its site' : 'The whole fleet'}
            </label>
          ))}
        </fieldset>
      )}
      {!run.data && (
        <>
          <p role="status">
            {change.length === 0
              ? `Nothing to do: ${whereText(already)}, all already ${ask.enabled ? 'enabled' : 'drained'}.`
              : `${verb} ${whereText(change)}?`}
            {change.length > 0 &&
              already.length > 0 &&
              ` (${already.length} already ${ask.enabled ? 'enabled' : 'drained'}, left as they are.)`}
            {change.length > 0 && !ask.enabled && ' New connections stop; open ones finish.'}
          </p>
          <div className="actions">
            {change.length > 0 && (
              <button type="button" disabled={run.isPending} onClick={() => run.mutate()}>
                {run.isPending
                  ? `${verb === 'Drain' ? 'Draining' : 'Enabling'}…`
                  : `Yes, ${verb.toLowerCase()} ${change.length}`}
              </button>
            )}
            <button type="button" onClick={onClose}>
              {change.length > 0 ? 'Cancel' : 'Close'}
            </button>
          </div>
        </>
      )}
      {run.error && <ErrorMessage title={`Could not ${verb.toLowerCase()}`} error={run.error} />}
      {run.data && (
        <>
          <p role="status">
            {done.length > 0
              ? `${ask.enabled ? 'Enabled' : 'Drained'} ${done.reduce((n, r) => n + (r.ok ? r.result.changed.length : 0), 0)} on ${done.map((r) => agentNames.get(r.agentId) ?? r.agentId).join(', ')}.`
              : 'Nothing changed.'}
          </p>
          {failed.length > 0 && (
            <ul role="alert" className="error" aria-label="Agents that failed">
              {failed.map((r) =>
                r.ok ? null : (
                  <li key={r.agentId}>
                    {agentNames.get(r.agentId) ?? r.agentId}: {r.error.message}
                  </li>
                ),
              )}
            </ul>
          )}
          <button type="button" onClick={onClose}>
            Done
          </button>
        </>
      )}
    </section>
  );
}
