/** Builds the JSON summary (summary-types.ts) of a certificate. Node-only. */
import type { KeyObject, X509Certificate } from 'node:crypto';
import { certDetails, displayName } from './cert-details.ts';
import type { CertSummary } from './summary-types.ts';

const CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};

/** `RSA 2048`, `EC P-256`, `Ed25519`: how admins and CAs name key types. */
export function keyTypeOf(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA ${details.modulusLength ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS ${details.modulusLength ?? '?'}`;
    case 'dsa':
      return `DSA ${details.modulusLength ?? '?'}`;
    case 'ec':
      return `EC ${CURVES[details.namedCurve ?? ''] ?? details.namedCurve ?? '?'}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

/**
 * Self-signed = names itself as issuer and its own key verifies its signature. A name match
 * alone is not enough: a re-keyed root can share the name of the one that signed it.
 */
export function isSelfSigned(cert: X509Certificate): boolean {
  const d = certDetails(cert);
  if (d.subject.key !== d.issuer.key) return false;
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

const summaries = new WeakMap<X509Certificate, CertSummary>();

export function summarize(cert: X509Certificate): CertSummary {
  const cached = summaries.get(cert);
  if (cached) return cached;
  const d = certDetails(cert);
  const summary: CertSummary = {
    subject: d.subject.cn === undefined ? { dn: d.subject.dn } : { cn: d.subject.cn, dn: d.subject.dn },
    issuer: d.issuer.cn === undefined ? { dn: d.issuer.dn } : { cn: d.issuer.cn, dn: d.issuer.dn },
    sans: { dns: [...d.sans.dns], ip: [...d.sans.ip] },
    serial: cert.serialNumber.toUpperCase(),
    notBefore: cert.validFromDate.toISOString(),
    notAfter: cert.validToDate.toISOString(),
    keyType: keyTypeOf(cert.publicKey),
    signatureAlgorithm: cert.signatureAlgorithm ?? cert.signatureAlgorithmOid ?? 'unknown',
    fingerprint: cert.fingerprint256.toUpperCase(),
    isCA: cert.ca,
    selfSigned: isSelfSigned(cert),
    aiaCaIssuers: [...d.aiaCaIssuers],
  };
  summaries.set(cert, summary);
  return summary;
}

/** How a certificate is named in messages: `CN=www.example.com`, or its DN without a CN. */
export function certName(cert: X509Certificate): string {
  return displayName(certDetails(cert).subject);
}
