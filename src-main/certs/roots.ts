/**
 * Trust anchors: the roots this machine trusts, plus any the caller adds (a company CA, a test
 * root). A chain that reaches one is complete and trusted, and its root is never downloaded.
 */
import { X509Certificate } from 'node:crypto';
import { getCACertificates, rootCertificates } from 'node:tls';
import { parseCertificateInput } from '../../shared/certs/parse.ts';

let systemRoots: X509Certificate[] | undefined;

/**
 * Node's bundled Mozilla store and the operating system's store. The OS store matters here:
 * Exchange and Lync certificates often come from a company CA (AD CS) whose root is trusted
 * on the admins' machines but in no public store. Parsed once per thread (~700 certificates).
 */
export function loadSystemRoots(): X509Certificate[] {
  if (!systemRoots) {
    const pems = new Set<string>(rootCertificates);
    for (const type of ['system', 'extra'] as const) {
      try {
        for (const pem of getCACertificates(type)) pems.add(pem);
      } catch {
        // An unreadable OS store leaves the bundled roots; chains to public CAs still complete.
      }
    }
    const byFingerprint = new Map<string, X509Certificate>();
    for (const pem of pems) {
      try {
        const cert = new X509Certificate(pem);
        byFingerprint.set(cert.fingerprint256, cert);
      } catch {
        // One odd entry in an OS store must not hide the others.
      }
    }
    systemRoots = [...byFingerprint.values()];
  }
  return systemRoots;
}

/** Certificates from PEM text or PEM/DER/P7B bytes; throws CertError when one is not readable. */
export function parseTrustedRoots(inputs: readonly (string | Uint8Array)[]): X509Certificate[] {
  return inputs.flatMap((input) => parseCertificateInput(input).certificates.map((c) => c.cert));
}
