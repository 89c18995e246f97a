/**
 * Every sentence an admin reads about a certificate, in one place so the parser, the chain
 * validator, the agent and the Console word the same problem the same way. Each says what is
 * wrong and what to do about it. Runtime-neutral.
 */

/** `2020-01-02 00:00 UTC`: unambiguous across locales, precise enough for expiry. */
export function formatDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `600,000`: iteration counts read better with separators, the same in every locale. */
const count = (n: number) => n.toLocaleString('en-US');

/** The export settings every message about iteration counts points to. */
const REEXPORT =
  'export it again with the default settings (the Windows export wizard or Export-PfxCertificate; "openssl pkcs12 -export" or "openssl pkcs8 -topk8" without -iter or -scrypt options)';

export const messages = {
  wrongPassword: (what: string) =>
    `the password does not open this ${what} — check it; an empty password is different from none`,
  passwordRequired: (what: string) =>
    `this ${what} is protected by a password and none was given — give the password it was exported with`,
  notACertificateFile: (detail: string) =>
    `this is not a certificate file (${detail}) — use a PFX/P12, PEM, CRT/CER (DER or Base-64) or P7B file`,
  notPkcs12: (detail: string) =>
    `this is not a PFX/P12 file (${detail}) — export the certificate again as "Personal Information Exchange (.pfx)" with its private key, or import PEM/CRT files instead`,
  damaged: (what: string, detail: string) =>
    `this ${what} is damaged or truncated (${detail}) — copy or export it again`,
  noPrivateKey: (what: string) =>
    `${what} holds no private key — export the certificate again including its private key ("Yes, export the private key"), or add the key file`,
  noCertificate: () =>
    'only a private key was given — add the certificate (and its intermediates) that belong to it',
  keyMismatch: (cert: string) =>
    `the private key does not belong to the certificate ${cert} — use the key that was generated with this certificate's request, or the certificate that was issued for this key`,
  chainLinkInvalid: (n: number, cert: string, issuer: string) =>
    `chain link ${n} (${cert}) is not signed by ${issuer} — that issuer certificate has the right name but another key (a re-keyed or wrong intermediate); get the intermediate your CA issued with this certificate`,
  expired: (cert: string, when: string) =>
    `certificate ${cert} expired on ${formatDate(when)} — renew it and import the new one`,
  notYetValid: (cert: string, when: string) =>
    `certificate ${cert} is not valid before ${formatDate(when)} — check the clock of this machine, or wait until then`,
  expiresSoon: (cert: string, when: string, days: number) =>
    `certificate ${cert} expires on ${formatDate(when)} (in ${days} day${days === 1 ? '' : 's'}) — renew it soon`,
  selfSignedLeaf: (cert: string) =>
    `certificate ${cert} is self-signed — browsers and clients will not trust it unless it is installed on every client; use a certificate from a CA for public services`,
  notACa: (cert: string, child: string, why: string) =>
    `intermediate ${cert} has no CA rights (${why}) so it cannot vouch for ${child} — this is probably not the right intermediate; get the CA certificate that issued ${child}`,
  notACaInBundle: (cert: string, why: string) =>
    `certificate ${cert} in this CA bundle is not a CA (${why}) and not self-signed, so it cannot anchor verification of a real server — add the CA that issued the real server's certificate instead`,
  nameMissing: (name: string, cert: string, sans: string[]) =>
    `${name} is not among the names of certificate ${cert} (${sans.length ? sans.join(', ') : 'it has no subject alternative names'}) — clients connecting as ${name} will reject it; use a certificate that lists it`,
  unsupportedAlgorithm: (what: string) => `unsupported algorithm: ${what}`,
  iterationCountTooHigh: (part: string, iterations: number, max: number) =>
    `this file's ${part} asks for ${count(iterations)} key-derivation iterations, more than the ${count(max)} accepted (Windows, OpenSSL and Java write 2,000 to 100,000) — ${REEXPORT}`,
  kdfWorkTooHigh: (max: number) =>
    `opening this file takes more than ${count(max)} key-derivation iterations in all (it holds many separately encrypted parts) — ${REEXPORT}, one key with its chain`,
  scryptCostTooHigh: (cost: number, max: number) =>
    `this key's scrypt parameters ask for ${count(cost)} (N × r × p), more than the ${count(max)} accepted (OpenSSL writes 131,072) — ${REEXPORT}`,
  issuerMissing: (cert: string, issuer: string, urls: string[]) =>
    `the issuer of ${cert} (${issuer}) is not included — add the intermediate certificate${urls.length ? ` (it can be downloaded from ${urls.join(', ')})` : ''}, or clients that do not have it will fail with "unable to get local issuer certificate"`,
  chainIncomplete: (
    cert: string,
    issuer: string,
    searched: string,
    urls: string[],
    how: { add: string; override: string },
  ) =>
    `the chain stops at ${cert}: its issuer ${issuer} was found nowhere (${searched}) — clients that do not have it will fail with "unable to get local issuer certificate"; ${how.add}${urls.length ? ` (it can be downloaded from ${urls.join(', ')})` : ''}, or ${how.override}`,
  chainReordered: () =>
    'the certificates were not in leaf → intermediate → root order; they were put in the right order',
};
