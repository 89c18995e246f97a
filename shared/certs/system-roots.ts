/**
 * The roots this machine trusts: Node's bundled Mozilla store and the operating system's
 * store. The OS store matters: Exchange and Lync certificates often come from a company CA
 * (AD CS) whose root is trusted on the machines of that company but in no public store. The
 * Console anchors chains on them; the agent asks them whether a chain that stops at an
 * intermediate ends at a root clients have (chain-verdict.ts). Parsed once per thread
 * (~150 to 700 certificates).
 */
import { X509Certificate } from 'node:crypto';
import { getCACertificates, rootCertificates } from 'node:tls';

let systemRoots: X509Certificate[] | undefined;

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
