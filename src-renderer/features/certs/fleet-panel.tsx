/**
 * Certificates across the fleet: every stored copy of every certificate on every agent (the
 * `fleetCertificates` channel), one table in the core's attention order, with the agents it
 * could not ask named above it. The row actions run here: Renew now (ACME, the agent's steps
 * shown as it goes), Replace everywhere (replace-everywhere.tsx), Delete the copy (cert-delete.tsx).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { AcmeOutcome, FleetCertificate } from '../../../shared/ipc/acme.ts';
import type { CertInspection } from '../../../shared/ipc/certs.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { useScreenVisible } from '../../components/screen-visibility.tsx';
import { acmeFailureText } from './acme-text.ts';
import { fleetCertificatesQuery } from './fleet-certificates-query.ts';
import { copyLabel, FleetTable } from './fleet-table.tsx';
import { OperationProgressList } from './operation-progress.tsx';
import { useReplaceEverywhere } from './replace-everywhere.tsx';
import { AcmeResult } from './request-panel.tsx';

interface Renewing {
  certificate: FleetCertificate;
  operationId: string;
}

export function FleetPanel({ inspection }: { inspection: CertInspection | undefined }) {
  const api = useApi();
  const client = useQueryClient();
  const view = useQuery({ ...fleetCertificatesQuery(api), enabled: useScreenVisible() });
  const fleet = useQuery(fleetQueries.agents(api));
  const names = useMemo(
    () => new Map(fleet.data?.sites.flatMap((s) => s.agents.map((a) => [a.id, a.name] as const)) ?? []),
    [fleet.data],
  );
  const agentName = (agentId: string) => names.get(agentId) ?? agentId;
  const replace = useReplaceEverywhere(inspection, agentName);
  const [renewing, setRenewing] = useState<Renewing>();

  const renew = useMutation({
    mutationFn: async (r: Renewing) =>
      unwrap(
        await api.renewCertificate({
          agentIds: [r.certificate.agentId],
          name: r.certificate.name,
          operationId: r.operationId,
        }),
      ),
    onSettled: () => void client.invalidateQueries({ queryKey: queryKeys.certs }),
  });

  const startRenewal = (certificate: FleetCertificate) => {
    const next = { certificate, operationId: crypto.randomUUID() };
    setRenewing(next);
    renew.mutate(next);
  };

  return (
    <section className="fleet-certs-panel" aria-labelledby="fleet-certs-title">
      <h3 id="fleet-certs-title">Certificates across the fleet</h3>
      {view.isPending && <Loading what="certificates" />}
      {view.error && (
        <ErrorMessage
          title="Could not list certificates"
          error={view.error}
          onRetry={() => void view.refetch()}
        />
      )}
      {view.data && view.data.unreachable.length > 0 && (
        <div className="unreachable" role="note" aria-label="Agents not asked">
          <strong>Not included (their certificates may expire unseen):</strong>
          <ul>
            {view.data.unreachable.map((u) => (
              <li key={u.agentId}>
                {agentName(u.agentId)}: {u.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {view.data && view.data.certificates.length === 0 && (
        <p className="empty">No certificates are stored on the agents that answered.</p>
      )}
      {view.data && view.data.certificates.length > 0 && (
        <FleetTable
          certificates={view.data.certificates}
          replaceWith={replace.replaceWith}
          busy={renew.isPending || replace.busy}
          onRenew={startRenewal}
          onReplace={(copy) => replace.ask(copy, view.data.certificates)}
        />
      )}
      {replace.view}
      {renewing && (
        <section className="replace-results" aria-label={`Renewing ${copyLabel(renewing.certificate)}`}>
          <h4>
            Renewing “{renewing.certificate.name}” on {renewing.certificate.agentName}
          </h4>
          {renew.error && <ErrorMessage title="Renewal failed" error={renew.error} />}
          <OperationProgressList<AcmeOutcome>
            operationId={renewing.operationId}
            label="Renew"
            agentIds={[renewing.certificate.agentId]}
            agentName={agentName}
            result={renew.data}
            renderOk={(r) => <AcmeResult outcome={r} />}
            errorText={acmeFailureText}
          />
        </section>
      )}
    </section>
  );
}
