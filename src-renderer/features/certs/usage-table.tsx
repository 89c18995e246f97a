/**
 * Every certificate stored on any agent, soonest expiry first (the core sorts it), with where
 * each copy is and what uses it: the renewal list. A certificate expiring within 30 days or
 * expired is highlighted in words and colour, not colour alone.
 */
import type { CertificateUsage } from '../../../shared/ipc/certs.ts';
import { CertDelete } from './cert-delete.tsx';
import { nameOf, shortFingerprint } from './cert-text.ts';
import { expiryLevel, expiryText, formatDate } from './expiry.ts';

interface Props {
  certificates: CertificateUsage[];
  /** Set when an inspected certificate may replace others; the action is offered per row. */
  replaceWith?: { fingerprint: string; label: string } | undefined;
  onReplace: (usage: CertificateUsage) => void;
  busy: boolean;
}

export function UsageTable({ certificates, replaceWith, onReplace, busy }: Props) {
  return (
    <table className="agents cert-usage">
      <thead>
        <tr>
          <th scope="col">Certificate</th>
          <th scope="col">Names (SANs)</th>
          <th scope="col">Issuer</th>
          <th scope="col">Expires</th>
          <th scope="col">Stored on</th>
          {replaceWith && <th scope="col">Action</th>}
        </tr>
      </thead>
      <tbody>
        {certificates.map((c) => {
          const level = expiryLevel(c.notAfter);
          const subject = nameOf(c.subject);
          return (
            <tr key={c.fingerprint} aria-label={subject} className={`expiry-row-${level}`}>
              <th scope="row">
                {subject}
                <br />
                <span className="fingerprint" title={c.fingerprint}>
                  {shortFingerprint(c.fingerprint)}
                </span>
              </th>
              <td>{[...c.sans.dns, ...c.sans.ip].join(', ') || <span className="muted">none</span>}</td>
              <td>{nameOf(c.issuer)}</td>
              <td className={`expiry expiry-${level}`}>
                {formatDate(c.notAfter)}
                <br />
                {level === 'expired' ? 'Expired: ' : level === 'soon' ? 'Soon: ' : ''}
                {expiryText(c.notAfter)}
              </td>
              <td>
                <ul className="placements">
                  {c.placements.map((p) => (
                    <li key={`${p.agentId}/${p.entry}`}>
                      <strong>{p.agentName}</strong> <span className="muted">{p.site || '(no site)'}</span> ·
                      entry “{p.entry}”{' '}
                      {p.usedBy.length > 0 ? (
                        <>· used by {p.usedBy.join(', ')}</>
                      ) : (
                        <span className="muted">· not used</span>
                      )}{' '}
                      <CertDelete placement={p} subject={subject} />
                    </li>
                  ))}
                </ul>
              </td>
              {replaceWith && (
                <td>
                  {c.fingerprint === replaceWith.fingerprint ? (
                    <span className="muted">This is the inspected certificate.</span>
                  ) : (
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Replace ${subject} with ${replaceWith.label}`}
                      onClick={() => onReplace(c)}
                    >
                      Replace with inspected certificate
                    </button>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
