/**
 * Whether a replacement certificate answers every name the old one did: "Replace everywhere"
 * swaps the certificate under every service that serves it, so a name the new one lacks is a
 * name whose clients start getting certificate warnings. The Console core refuses such a replace
 * unless the admin confirmed it (`portico cert push --replace … --yes`, the app's confirmation);
 * one function, runtime-neutral, so the core and the screen say the same names.
 */

/** details.code of the Console's CERT_ERROR refusing a replace that loses names (details.names lists them). */
export const NAMES_NOT_COVERED = 'NAMES_NOT_COVERED';

/** A certificate's names as CertSummary.sans has them. */
export interface CertNames {
  dns: readonly string[];
  ip: readonly string[];
}

/**
 * The old certificate's names that no name of the new one matches, in the old one's order: DNS
 * names compared without case or trailing dot, a wildcard `*.example.com` covering exactly one
 * label (`www.example.com`, not `example.com` nor `a.b.example.com`, as clients match it);
 * IP addresses compared as written (both come from the same parser).
 */
export function namesNotCovered(before: CertNames, after: CertNames): string[] {
  const dns = new Set(after.dns.map(normal));
  const ips = new Set(after.ip);
  const covered = (name: string) => {
    const n = normal(name);
    if (dns.has(n)) return true;
    const dot = n.indexOf('.');
    // The old name may itself be a wildcard: only the same wildcard covers it.
    return !n.startsWith('*.') && dot > 0 && dns.has(`*${n.slice(dot)}`);
  };
  return [...before.dns.filter((n) => !covered(n)), ...before.ip.filter((ip) => !ips.has(ip))];
}

function normal(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The sentence said when names are lost, with the way to go ahead (`how`). */
export function namesNotCoveredMessage(names: readonly string[], how: string): string {
  const list = names.join(', ');
  return `the new certificate does not cover ${names.length === 1 ? 'the name' : 'these names'} of the one it replaces: ${list} — clients that use ${names.length === 1 ? 'it' : 'them'} would get a certificate warning; ${how}`;
}
