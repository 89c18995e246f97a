/**
 * Trust anchors: the roots this machine trusts (shared/certs/system-roots.ts, which the agent
 * uses too), plus any the caller adds (a company CA, a test root). A chain that reaches one is
 * complete and trusted, and its root is never downloaded.
 */
import type { X509Certificate } from 'node:crypto';
import { parseCertificateInput } from '../../shared/certs/parse.ts';

/** Certificates from PEM text or PEM/DER/P7B bytes; throws CertError when one is not readable. */
export function parseTrustedRoots(inputs: readonly (string | Uint8Array)[]): X509Certificate[] {
  return inputs.flatMap((input) => parseCertificateInput(input).certificates.map((c) => c.cert));
}
