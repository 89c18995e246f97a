/**
 * Where certificates are used across the fleet, and the renewal action: replace one stored
 * certificate with the inspected one on every agent, keeping entry names, so the virtual
 * services using it reload with the new one. Asked for once more before it runs: it changes
 * production TLS on many agents.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { CertificateUsage, CertInspection, ReplaceOutcome } from '../../../shared/ipc/certs.ts';
import { namesNotCovered, namesNotCoveredMessage } from '../../../shared/ipc/cert-name-coverage.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { certQueries, fleetQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { useScreenVisible } from '../../components/screen-visibility.tsx';
import { Loading } from '../../components/loading.tsx';
import { nameOf } from './cert-text.ts';
import { expiryText } from './expiry.ts';
import { OperationProgressList } from './operation-progress.tsx';
import { UsageTable } from './usage-table.tsx';

interface Replacing {
  usage: CertificateUsage;
  operationId?: string;
}

export function UsagePanel({ inspection }: { inspection: CertInspection | undefined }) {
  const api = useApi();
  const client = useQueryClient();
  const usage = useQuery({ ...certQueries.usage(api), enabled: useScreenVisible() });
  const fleet = useQuery(fleetQueries.agents(api));
  const names = useMemo(
    () => new Map(fleet.data?.sites.flatMap((s) => s.agents.map((a) => [a.id, a.name] as const)) ?? []),
    [fleet.data],
  );
  const agentName = (agentId: string) => names.get(agentId) ?? agentId;
  const [replacing, setReplacing] = useState<Replacing>();

  const replace = useMutation({
    mutationFn: async (params: {
      inspectionId: string;
      fingerprint: string;
      operationId: string;
      allowUncoveredNames?: boolean;
    }) => unwrap(await api.replaceCertificate(params)),
    onSuccess: (result) => {
      if (result.results.some((r) => r.ok))
        void client.invalidateQueries({ queryKey: queryKeys.certsUsage() });
    },
  });

  const leaf = inspection?.chain[0]?.summary;
  const replaceWith =
    inspection?.pushable && leaf
      ? { fingerprint: leaf.fingerprint, label: `the inspected ${nameOf(leaf.subject)}` }
      : undefined;

  // Names of the replaced certificate the inspected one lacks (the core refuses them unconfirmed).
  const lost = replacing && leaf ? namesNotCovered(replacing.usage.sans, leaf.sans) : [];

  const confirm = () => {
    if (!replacing || !inspection) return;
    const operationId = crypto.randomUUID();
    setReplacing({ ...replacing, operationId });
    replace.mutate({
      inspectionId: inspection.inspectionId,
      fingerprint: replacing.usage.fingerprint,
      operationId,
      // The confirmation below named the names the new certificate lacks: the admin accepted it.
      ...(lost.length > 0 ? { allowUncoveredNames: true } : {}),
    });
  };

  return (
    <section className="usage-panel" aria-labelledby="usage-title">
      <h3 id="usage-title">Certificates across the fleet</h3>
      {usage.isPending && <Loading what="certificates" />}
      {usage.error && (
        <ErrorMessage
          title="Could not list certificates"
          error={usage.error}
          onRetry={() => void usage.refetch()}
        />
      )}
      {usage.data && usage.data.unreachable.length > 0 && (
        <div className="unreachable" role="note" aria-label="Agents not asked">
          <strong>Not included (the list may miss their certificates):</strong>
          <ul>
            {usage.data.unreachable.map((u) => (
              <li key={u.agentId}>
                {agentName(u.agentId)}: {u.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {usage.data && usage.data.certificates.length === 0 && (
        <p className="empty">No certificates are stored on the agents that answered.</p>
      )}
      {usage.data && usage.data.certificates.length > 0 && (
        <UsageTable
          certificates={usage.data.certificates}
          replaceWith={replaceWith}
          busy={replace.isPending}
          onReplace={(u) => {
            replace.reset();
            setReplacing({ usage: u });
          }}
        />
      )}

      {replacing && leaf && replacing.operationId === undefined && (
        <div className="panel" role="group" aria-label="Confirm replacement">
          <p>
            Replace <strong>{nameOf(replacing.usage.subject)}</strong> ({expiryText(replacing.usage.notAfter)}
            ) with the inspected <strong>{nameOf(leaf.subject)}</strong> ({expiryText(leaf.notAfter)}) on
            every agent that stores it? Entry names stay; the virtual services using them reload.
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
        <section className="replace-results" aria-label={`Replacing ${nameOf(replacing.usage.subject)}`}>
          <h4>Replacing {nameOf(replacing.usage.subject)}</h4>
          {replace.error && <ErrorMessage title="Replace failed" error={replace.error} />}
          <OperationProgressList<ReplaceOutcome>
            operationId={replacing.operationId}
            label="Replace"
            agentIds={[...new Set(replacing.usage.placements.map((p) => p.agentId))]}
            agentName={agentName}
            result={replace.data}
            renderOk={(r) => <ReplaceResult outcome={r} />}
          />
        </section>
      )}
    </section>
  );
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
