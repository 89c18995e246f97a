/**
 * Delete one stored copy of a certificate: the store entry on one agent. Asked once more,
 * naming the entry, the certificate and the agent with its site, because the same certificate
 * usually sits on several agents and only this copy goes. An entry a service still uses is
 * refused by the agent (IN_USE): the refusal names those services and what to do.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { CertPlacement } from '../../../shared/ipc/certs.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { usedByOf } from '../../../shared/ipc/in-use.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';

/** "entry “www” on lb1 (site amsterdam)": where the copy is, in the admin's words. */
export function placementText(p: Pick<CertPlacement, 'entry' | 'agentName' | 'site'>): string {
  return `entry “${p.entry}” on ${p.agentName} (${p.site ? `site ${p.site}` : 'no site'})`;
}

/** One copy: the store entry and the agent (with its site) holding it. */
export type CertCopy = Pick<CertPlacement, 'agentId' | 'agentName' | 'site' | 'entry'>;

export function CertDelete({ placement, subject }: { placement: CertCopy; subject: string }) {
  const api = useApi();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const where = placementText(placement);
  const remove = useMutation({
    mutationFn: async () =>
      unwrap(await api.removeCertificate({ agentId: placement.agentId, name: placement.entry })),
    onSettled: () => setConfirming(false),
    onSuccess: () => void client.invalidateQueries({ queryKey: queryKeys.certs }),
  });
  const usedBy = usedByOf(remove.error);

  return (
    <span className="cert-delete">
      <ConfirmAction
        confirming={confirming}
        setConfirming={setConfirming}
        button={remove.isSuccess ? 'Deleted' : 'Delete'}
        buttonLabel={`Delete ${subject}, ${where}`}
        buttonDisabled={remove.isSuccess}
        question={`Delete certificate ${subject}, ${where}? Other copies stay.`}
        questionLabel={`Delete ${subject} from ${where}?`}
        yes={`Yes, delete it from ${placement.agentName}`}
        pendingYes="Deleting…"
        pending={remove.isPending}
        onOpen={() => remove.reset()}
        onYes={() => remove.mutate()}
      />
      {usedBy !== undefined && (
        <span role="alert" className="error">
          Not deleted: {usedBy.length ? `used by ${usedBy.join(', ')}` : 'a virtual service uses it'} on{' '}
          {placement.agentName}. Bind those services to another certificate first.
        </span>
      )}
      {remove.error != null && usedBy === undefined && (
        <ErrorMessage title={`Could not delete ${where}`} error={remove.error} />
      )}
    </span>
  );
}
