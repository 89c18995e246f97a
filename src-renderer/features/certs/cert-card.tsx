/** One certificate of the chain: who it is, who issued it, when it ends, where it came from. */
import type { InspectedCertView } from '../../../shared/ipc/certs.ts';
import { nameOf, shortFingerprint, sourceText } from './cert-text.ts';
import { expiryLevel, expiryText, formatDate, notYetValid } from './expiry.ts';

export type ChainRole = 'Leaf' | 'Intermediate' | 'Root' | 'Unused';

export function CertCard({ cert, role }: { cert: InspectedCertView; role: ChainRole }) {
  const s = cert.summary;
  const level = expiryLevel(s.notAfter);
  const early = notYetValid(s.notBefore);
  const sans = [...s.sans.dns, ...s.sans.ip];
  return (
    <article className={`cert-card expiry-${level}`} aria-label={`${role}: ${nameOf(s.subject)}`}>
      <h4>
        <span className="badge">{role}</span> {nameOf(s.subject)}
      </h4>
      <dl>
        <dt>Subject</dt>
        <dd>{s.subject.dn}</dd>
        <dt>Issuer</dt>
        <dd>{s.selfSigned ? 'itself (self-signed)' : s.issuer.dn}</dd>
        <dt>Valid</dt>
        <dd>
          {formatDate(s.notBefore)} – {formatDate(s.notAfter)}{' '}
          <span className={`expiry expiry-${level}`}>({expiryText(s.notAfter)})</span>
          {early && <span className="expiry expiry-expired"> not valid yet</span>}
        </dd>
        {role === 'Leaf' && (
          <>
            <dt>Names (SANs)</dt>
            <dd>{sans.length > 0 ? sans.join(', ') : <span className="muted">none</span>}</dd>
          </>
        )}
        <dt>Key</dt>
        <dd>{s.keyType}</dd>
        <dt>Fingerprint</dt>
        <dd>
          <span className="fingerprint" title={s.fingerprint}>
            {shortFingerprint(s.fingerprint)}
          </span>
        </dd>
        <dt>Source</dt>
        <dd className="cert-source">{sourceText(cert.source, cert.origin)}</dd>
      </dl>
    </article>
  );
}
