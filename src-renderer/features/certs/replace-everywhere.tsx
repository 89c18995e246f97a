/**
 * Replace one certificate with the inspected one on every agent that stores it, keeping entry
 * names, so the virtual services using it reload with the new one: the renewal of an imported
 * certificate. Asked for once more before it runs (it changes production TLS on many agents),
 * naming the names the new certificate would lose; then each agent's result as it comes.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { FleetCertificate } from '../../../shared/ipc/acme.ts';
import type { CertInspection, ReplaceOutcome } from '../../../shared/ipc/certs.ts';
import { namesNotCovered, namesNotCoveredMessage } from '../../../shared/ipc/cert-name-coverage.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { nameOf } from './cert-text.ts';
import { expiryText } from './expiry.ts';
import { OperationProgressList } from './operation-progress.tsx';

interface Replacing {
  /** The row the admin chose: its certificate is replaced on every agent holding it. */
  copy: FleetCertificate;
  /** The agents storing that certificate (the fleet table's rows with its fingerprint). */
  agentIds: string[];
  operationId?: string;
}

export interface ReplaceEverywhere {
  /** What the table offers as the replacement, or undefined without a pushable inspection. */
  replaceWith: { fingerprint: string; label: string } | undefined;
  ask: (copy: FleetCertificate, all: FleetCertificate[]) => void;
  busy: boolean;
  /** The confirmation, then the progress: shown under the table. */
  view: ReactNode;
}

export function useReplaceEverywhere(
  inspection: CertInspection | undefined,
  agentName: (agentId: string) => string,
): ReplaceEverywhere {
  const api = useApi();
  const client = useQueryClient();
  const [replacing, setReplacing] = useState<Replacing>();

  const replace = useMutation({
    mutationFn: async (params: {
      inspectionId: string;
      fingerprint: string;
      operationId: string;
      allowUncoveredNames?: boolean;
    }) => unwrap(await api.replaceCertificate(params)),
    onSuccess: (result) => {
      // Every certificate list (this table, the templates' picker, search) shows the new one.
      if (result.results.some((r) => r.ok)) void client.invalidateQueries({ queryKey: queryKeys.certs });
    },
  });

  const leaf = inspection?.chain[0]?.summary;
  const replaceWith =
    inspection?.pushable && leaf
      ? { fingerprint: leaf.fingerprint, label: `the inspected ${nameOf(leaf.subject)}` }
      : undefined;

  // Names of the replaced certificate the inspected one lacks (the core refuses them unconfirmed).
  const lost = replacing && leaf ? namesNotCovered(replacing.copy.sans, leaf.sans) : [];

  const confirm = () => {
    if (!replacing || !inspection) return;
    const operationId = crypto.randomUUID();
    setReplacing({ ...replacing, operationId });
    replace.mutate({
      inspectionId: inspection.inspectionId,
      fingerprint: replacing.copy.fingerprint,
      operationId,
      // The confirmation below named the names the new certificate lacks: the admin accepted it.
      ...(lost.length > 0 ? { allowUncoveredNames: true } : {}),
    });
  };

  const subject = replacing ? nameOf(replacing.copy.subject) : '';
  const view = (
    <>
      {replacing && leaf && replacing.operationId === undefined && (
        <div className="panel" role="group" aria-label="Confirm replacement">
          <p>
            Replace <strong>{subject}</strong> ({expiryText(replacing.copy.notAfter)}) with the inspected{' '}
            <strong>{nameOf(leaf.subject)}</strong> ({expiryText(leaf.notAfter)}) on every agent that stores
            it? Entry names stay; the virtual services using them reload.
          </p>
          {lost.length > 0 && (
            <p className="push-incomplete">
              <strong>Names lost: </strong>
              {namesNotCoveredMessage(lost, 'replace only if no client uses them')}.
            </p>
          )}
          <div className="actions">
            <button type="button" onClick={confirm}>
              Replace everywhere
            </button>
            <button type="button" onClick={() => setReplacing(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {replacing?.operationId && (
        <section className="replace-results" aria-label={`Replacing ${subject}`}>
          <h4>Replacing {subject}</h4>
          {replace.error && <ErrorMessage title="Replace failed" error={replace.error} />}
          <OperationProgressList<ReplaceOutcome>
            operationId={replacing.operationId}
            label="Replace"
            agentIds={replacing.agentIds}
            agentName={agentName}
            result={replace.data}
            renderOk={(r) => <ReplaceResult outcome={r} />}
          />
        </section>
      )}
    </>
  );

  return {
    replaceWith,
    busy: replace.isPending,
    view,
    ask: (copy, all) => {
      replace.reset();
      const agentIds = [
        ...new Set(all.filter((c) => c.fingerprint === copy.fingerprint).map((c) => c.agentId)),
      ];
      setReplacing({ copy, agentIds });
    },
  };
}

function ReplaceResult({ outcome }: { outcome: ReplaceOutcome }) {
  if (outcome.replaced.length === 0) return <p className="muted">No entry here held that certificate.</p>;
  return (
    <ul>
      {outcome.replaced.map((r) => (
        <li key={r.name}>
          Entry “{r.name}” replaced{r.reloaded.length > 0 ? `; reloaded ${r.reloaded.join(', ')}` : ''}.
        </li>
      ))}
    </ul>
  );
}
