/**
 * What an inspection found: the chain leaf → root as cards with where each link came from,
 * what is missing when it is incomplete (and which downloads were tried), the key, the
 * certificates and file parts that were not used, then the errors and warnings.
 */
import type { CertInspection } from '../../../shared/ipc/certs.ts';
import { CertCard, type ChainRole } from './cert-card.tsx';
import { nameOf, sourceText } from './cert-text.ts';
import { plural } from './expiry.ts';
import { IssueList } from './issue-list.tsx';

const FORMAT_NAMES: Record<NonNullable<CertInspection['files'][number]['format']>, string> = {
  pkcs12: 'PFX/PKCS#12',
  pkcs7: 'P7B/PKCS#7',
  pem: 'PEM',
  der: 'DER',
  mixed: 'mixed PEM',
};

function roleOf(index: number, length: number, complete: boolean, selfSigned: boolean): ChainRole {
  if (index === 0) return 'Leaf';
  return index === length - 1 && (complete || selfSigned) ? 'Root' : 'Intermediate';
}

export function ChainView({ inspection }: { inspection: CertInspection }) {
  const { chain, missing, key } = inspection;
  return (
    <section className="chain-view" aria-labelledby="chain-title">
      <h3 id="chain-title">Inspected certificate</h3>
      <p className="chain-status">
        {chain.length === 0
          ? 'No certificate was found.'
          : inspection.complete
            ? inspection.trusted
              ? 'The chain is complete and ends at a root this machine trusts.'
              : 'The chain is complete, but its root is not one this machine trusts.'
            : 'The chain is incomplete.'}
      </p>

      <IssueList errors={inspection.errors} warnings={inspection.warnings} />

      {chain.length > 0 && (
        <ol className="chain" aria-label="Chain, leaf first">
          {chain.map((link, i) => (
            <li key={link.summary.fingerprint}>
              <CertCard
                cert={link}
                role={roleOf(i, chain.length, inspection.complete, link.summary.selfSigned)}
              />
            </li>
          ))}
          {missing && (
            <li className="chain-missing">
              <article className="cert-card missing" aria-label="Missing issuer">
                <h4>
                  <span className="badge">Missing</span> {nameOf(missing.issuer)}
                </h4>
                <p>
                  The issuer of {nameOf(missing.subject)} — “{missing.issuer.dn}” — was not found in the
                  files, the Console&apos;s library or this machine&apos;s roots.
                </p>
                {missing.aia.length === 0 ? (
                  <p className="muted">The certificate names no AIA URL to download it from.</p>
                ) : (
                  <ul aria-label="AIA downloads tried">
                    {missing.aia.map((a) => (
                      <li key={a.url}>
                        Tried AIA URL <span className="url">{a.url}</span>:{' '}
                        {a.ok ? 'downloaded, but it was not the issuer' : (a.error ?? 'failed')}
                      </li>
                    ))}
                  </ul>
                )}
              </article>
            </li>
          )}
        </ol>
      )}

      <h4>Private key</h4>
      {key ? (
        <p className={key.matchesLeaf ? 'key-ok' : 'key-bad'}>
          {key.keyType}
          {key.file ? ` from ${key.file}` : ''}:{' '}
          {key.matchesLeaf ? 'matches the leaf certificate.' : 'does NOT match the leaf certificate.'}
        </p>
      ) : (
        <p className="key-bad">No private key was given.</p>
      )}

      {inspection.unused.length > 0 && (
        <>
          <h4>Not part of the chain</h4>
          <ul className="unused" aria-label="Certificates not used">
            {inspection.unused.map((c) => (
              <li key={c.summary.fingerprint}>
                {nameOf(c.summary.subject)} <span className="muted">({sourceText(c.source, c.origin)})</span>
              </li>
            ))}
          </ul>
        </>
      )}

      <h4>Files</h4>
      <ul className="inspected-files" aria-label="Files read">
        {inspection.files.map((f, i) => (
          <li key={`${f.name}-${i}`}>
            <strong>{f.name}</strong>: {f.format ? FORMAT_NAMES[f.format] : 'not readable'},{' '}
            {plural(f.certificates, 'certificate')}, {plural(f.keys, 'key')}
            {f.ignored.length > 0 && <span className="ignored"> — ignored: {f.ignored.join('; ')}</span>}
          </li>
        ))}
      </ul>
      {inspection.learned.length > 0 && (
        <p className="muted">
          The Console&apos;s library learned {plural(inspection.learned.length, 'intermediate certificate')}{' '}
          from this chain.
        </p>
      )}
    </section>
  );
}
