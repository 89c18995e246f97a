/**
 * Expiry and renewal across the fleet: every certificate entry of every agent with its source
 * (imported, or from an ACME CA), expiry and renewal state (next renewal, failures, the last
 * error in the CA's words), what needs attention first (the core's order: expired, renewal
 * failing, within 7 days, within 30 days). An ACME certificate can be renewed now, with the
 * agent's steps shown as it goes.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { AcmeOutcome, FleetCertificate } from '../../../shared/ipc/acme.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { fleetQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { useScreenVisible } from '../../components/screen-visibility.tsx';
import { acmeFailureText, ATTENTION_TEXT } from './acme-text.ts';
import { nameOf } from './cert-text.ts';
import { expiryText, formatDate } from './expiry.ts';
import { fleetCertificatesQuery } from './fleet-certificates-query.ts';
import { OperationProgressList } from './operation-progress.tsx';
import { AcmeResult } from './request-panel.tsx';

interface Renewing {
  certificate: FleetCertificate;
  operationId: string;
}

export function RenewalPanel() {
  const api = useApi();
  const client = useQueryClient();
  const view = useQuery({ ...fleetCertificatesQuery(api), enabled: useScreenVisible() });
  const fleet = useQuery(fleetQueries.agents(api));
  const names = useMemo(
    () => new Map(fleet.data?.sites.flatMap((s) => s.agents.map((a) => [a.id, a.name] as const)) ?? []),
    [fleet.data],
  );
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

  const start = (certificate: FleetCertificate) => {
    const next = { certificate, operationId: crypto.randomUUID() };
    setRenewing(next);
    renew.mutate(next);
  };

  return (
    <section className="renewal-panel" aria-labelledby="renewal-title">
      <h3 id="renewal-title">Expiry and renewal</h3>
      {view.isPending && <Loading what="certificates" />}
      {view.error && (
        <ErrorMessage
          title="Could not list certificates"
          error={view.error}
          onRetry={() => void view.refetch()}
        />
      )}
      {view.data && view.data.unreachable.length > 0 && (
        <div className="unreachable" role="note" aria-label="Agents not asked for renewals">
          <strong>Not included (their certificates may expire unseen):</strong>
          <ul>
            {view.data.unreachable.map((u) => (
              <li key={u.agentId}>
                {names.get(u.agentId) ?? u.agentId}: {u.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {view.data && view.data.certificates.length === 0 && (
        <p className="empty">Nothing expires or renews: the agents that answered store no certificate.</p>
      )}
      {view.data && view.data.certificates.length > 0 && (
        <RenewalTable certificates={view.data.certificates} busy={renew.isPending} onRenew={start} />
      )}
      {renewing && (
        <section
          className="replace-results"
          aria-label={`Renewing ${renewing.certificate.name} on ${renewing.certificate.agentName}`}
        >
          <h4>
            Renewing “{renewing.certificate.name}” on {renewing.certificate.agentName}
          </h4>
          {renew.error && <ErrorMessage title="Renewal failed" error={renew.error} />}
          <OperationProgressList<AcmeOutcome>
            operationId={renewing.operationId}
            label="Renew"
            agentIds={[renewing.certificate.agentId]}
            agentName={(agentId) => names.get(agentId) ?? agentId}
            result={renew.data}
            renderOk={(r) => <AcmeResult outcome={r} />}
            errorText={acmeFailureText}
          />
        </section>
      )}
    </section>
  );
}

interface TableProps {
  /** In the order to show: the core sorts by attention, then the earliest expiry. */
  certificates: FleetCertificate[];
  busy: boolean;
  onRenew: (certificate: FleetCertificate) => void;
}

export function RenewalTable({ certificates, busy, onRenew }: TableProps) {
  return (
    <table className="agents cert-renewals">
      <caption className="muted">
        Most urgent first: expired, renewal failing, within 7 days, within 30 days.
      </caption>
      <thead>
        <tr>
          <th scope="col">Entry</th>
          <th scope="col">Agent</th>
          <th scope="col">Source</th>
          <th scope="col">Expires</th>
          <th scope="col">Renewal</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {certificates.map((c) => {
          const label = `${c.name} on ${c.agentName}`;
          return (
            <tr key={`${c.agentId}/${c.name}`} aria-label={label} className={`attention-${c.attention}`}>
              <th scope="row">
                {c.name}
                <br />
                <span className="muted">{nameOf(c.subject)}</span>
              </th>
              <td>
                {c.agentName} <span className="muted">{c.site || '(no site)'}</span>
              </td>
              <td>{c.source === 'acme' ? 'ACME' : 'Imported'}</td>
              <td className={`expiry attention attention-${c.attention}`}>
                {formatDate(c.notAfter)}
                <br />
                {c.attention !== 'ok' && <strong>{ATTENTION_TEXT[c.attention]}: </strong>}
                {expiryText(c.notAfter)}
              </td>
              <td className={c.renewal && c.renewal.failures > 0 ? 'renewal-failing' : undefined}>
                <RenewalState certificate={c} />
              </td>
              <td>
                {c.source === 'acme' ? (
                  <button
                    type="button"
                    disabled={busy || c.renewal?.renewing === true}
                    aria-label={`Renew now: ${label}`}
                    onClick={() => onRenew(c)}
                  >
                    Renew now
                  </button>
                ) : (
                  <span className="muted">Replace by hand</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function RenewalState({ certificate: c }: { certificate: FleetCertificate }) {
  if (c.source !== 'acme' || !c.renewal) return <span className="muted">Not renewed by the agent</span>;
  const r = c.renewal;
  return (
    <>
      {r.renewing ? 'Renewing now' : `Next renewal ${formatDate(r.nextRenewalAt)}`}
      {r.failures > 0 && (
        <>
          <br />
          <strong>
            {r.failures === 1 ? 'The last attempt failed' : `The last ${r.failures} attempts failed`}
          </strong>
          {r.lastError && <>: {r.lastError.message}</>}
        </>
      )}
    </>
  );
}
