/**
 * The one fleet certificate table: a row per stored copy (an entry on an agent), in the core's
 * attention order (expired, renewal failing, within 7 days, within 30 days, then the rest),
 * with what the admin does about that copy on its row: renew it now (ACME), replace the
 * certificate everywhere with the inspected one, or delete this copy. Urgency is said in words;
 * the colour only repeats it.
 */
import type { FleetCertificate } from '../../../shared/ipc/acme.ts';
import { ATTENTION_TEXT } from './acme-text.ts';
import { CertDelete } from './cert-delete.tsx';
import { nameOf, shortFingerprint } from './cert-text.ts';
import { expiryText, formatDate } from './expiry.ts';

/** "www on lb-paris-1": the entry and the agent holding it (the actions' names and the progress use it). */
export const copyLabel = (c: Pick<FleetCertificate, 'name' | 'agentName'>): string =>
  `${c.name} on ${c.agentName}`;

interface Props {
  /** In the order to show: the core sorts by attention, then the earliest expiry. */
  certificates: FleetCertificate[];
  /** Set when an inspected certificate may replace others: offered on every other certificate's rows. */
  replaceWith?: { fingerprint: string; label: string } | undefined;
  onReplace: (copy: FleetCertificate) => void;
  onRenew: (copy: FleetCertificate) => void;
  /** A renewal or a replacement is running: the other actions wait for it. */
  busy: boolean;
}

export function FleetTable({ certificates, replaceWith, onReplace, onRenew, busy }: Props) {
  return (
    <table className="agents cert-fleet">
      <caption className="muted">
        One row per stored copy, most urgent first: expired, renewal failing, within 7 days, within 30 days.
      </caption>
      <thead>
        <tr>
          <th scope="col">Entry</th>
          <th scope="col">Agent</th>
          <th scope="col">Source</th>
          <th scope="col">Expires</th>
          <th scope="col">Renewal</th>
          <th scope="col">Used by</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {certificates.map((c) => {
          const label = copyLabel(c);
          const subject = nameOf(c.subject);
          return (
            // The row's name adds the certificate's subject: the admin looks a copy up by either.
            <tr
              key={`${c.agentId}/${c.name}`}
              aria-label={`${label} (${subject})`}
              className={`attention-${c.attention}`}
            >
              <th scope="row">
                {c.name}
                <br />
                <span className="muted">{subject}</span>
                <br />
                <span className="muted">{[...c.sans.dns, ...c.sans.ip].join(', ') || 'no names (SANs)'}</span>
                <br />
                <span className="fingerprint" title={c.fingerprint}>
                  {shortFingerprint(c.fingerprint)}
                </span>
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
              <td>{c.usedBy.length > 0 ? c.usedBy.join(', ') : <span className="muted">not used</span>}</td>
              <td>
                <div className="row-actions">
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
                    !replaceWith && <span className="muted">Replace by hand</span>
                  )}
                  {replaceWith &&
                    (c.fingerprint === replaceWith.fingerprint ? (
                      <span className="muted">This is the inspected certificate.</span>
                    ) : (
                      <button
                        type="button"
                        disabled={busy}
                        aria-label={`Replace ${subject} with ${replaceWith.label}: ${label} and every other copy`}
                        onClick={() => onReplace(c)}
                      >
                        Replace with inspected certificate
                      </button>
                    ))}
                  <CertDelete
                    placement={{ agentId: c.agentId, agentName: c.agentName, site: c.site, entry: c.name }}
                    subject={subject}
                  />
                </div>
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
