/**
 * Remove a pool or a virtual service: asked once more, then sent with the revision on screen.
 * A refusal stays on the card: a pool still in use (IN_USE) is told in words, naming the
 * services to change first; after a conflict the current configuration is fetched so the next
 * try can succeed.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { usedByOf } from '../../../shared/ipc/in-use.ts';
import type { ObjectKind } from '../../../shared/model/config-diff.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { listText } from './describe-pool.ts';
import { isConflict } from './form-problems.ts';
import type { Applied } from './use-object-form.ts';

const NOUN: Record<ObjectKind, string> = { pool: 'pool', virtualService: 'virtual service' };

/** An IN_USE answer as a sentence: which services keep the pool, and what to do about it. */
export function inUseText(pool: string, usedBy: readonly string[]): string {
  if (usedBy.length === 0) return `Pool ${pool} is still in use: change the services that name it first.`;
  const services =
    usedBy.length === 1 ? `virtual service ${usedBy[0]}` : `virtual services ${listText(usedBy)}`;
  return `Pool ${pool} is still used by the ${services}: point ${usedBy.length === 1 ? 'it' : 'them'} at another pool or remove ${usedBy.length === 1 ? 'it' : 'them'} first.`;
}

export function RemoveObject({
  kind,
  name,
  agentId,
  revision,
  where,
  onRemoved,
}: {
  kind: ObjectKind;
  name: string;
  agentId: string;
  /** Where it runs, said in the confirmation: "on lb1 (site east), listening on 0.0.0.0:443". */
  where?: string;
  /** The configuration revision on screen: what the removal expects. */
  revision: number;
  onRemoved: (applied: Applied) => void;
}) {
  const api = useApi();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: async () =>
      unwrap(
        kind === 'pool'
          ? await api.removePool({ agentId, name, expectRevision: revision })
          : await api.removeVirtualService({ agentId, name, expectRevision: revision }),
      ),
    onSuccess: ({ revision: next }) => {
      void client.invalidateQueries({ queryKey: queryKeys.agent(agentId) });
      onRemoved({ kind, name, revision: next, action: 'removed' });
    },
    onError: (error) => {
      setConfirming(false);
      // The revision on screen is stale: fetch the current one so the next click can succeed.
      if (isConflict(error)) void client.invalidateQueries({ queryKey: queryKeys.agent(agentId) });
    },
  });
  const what = `${NOUN[kind]} ${name}`;
  const usedBy = usedByOf(remove.error);

  return (
    <div className="remove-object">
      <ConfirmAction
        confirming={confirming}
        setConfirming={setConfirming}
        button="Remove"
        buttonLabel={`Remove ${what}`}
        question={`Remove ${what}${where ? ` ${where}` : ''}?`}
        questionLabel={`Remove ${what}?`}
        yes={`Yes, remove ${name}`}
        pendingYes="Removing…"
        pending={remove.isPending}
        onOpen={() => remove.reset()}
        onYes={() => remove.mutate()}
      />
      {usedBy !== undefined && (
        <p role="alert" className="error">
          <strong>Not removed: </strong>
          {inUseText(name, usedBy)}
        </p>
      )}
      {remove.error != null && usedBy === undefined && (
        <ErrorMessage title={`Could not remove ${what}`} error={remove.error} />
      )}
    </div>
  );
}
