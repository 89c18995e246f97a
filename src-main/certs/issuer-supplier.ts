/**
 * The issuer supplier completeChain calls when the chain stops short: the library first
 * (offline, instant), then the missing certificate's AIA caIssuers URLs. The dropped files and
 * the trust anchors are already in the chain builder's input, so they come first and last on
 * their own. Every AIA URL tried is remembered with its outcome, so the result can say exactly
 * why an issuer is still missing.
 */
import type { X509Certificate } from 'node:crypto';
import { issuedBy, type ChainCandidate, type IssuerSupplier } from '../../shared/certs/chain.ts';
import { certName } from '../../shared/certs/summary.ts';
import { AiaError, downloadCertificates, type AiaFetchOptions } from './aia.ts';
import type { CertLibrary } from './library.ts';
import type { AiaAttempt } from './types.ts';

export interface SupplierOptions {
  library?: CertLibrary | undefined;
  /** false: AIA URLs are listed as not tried. */
  aia: false | (AiaFetchOptions & { maxHops?: number });
}

export interface TrackingSupplier {
  supply: IssuerSupplier;
  /** The AIA URLs of the certificate with this fingerprint, each with its outcome. */
  attemptsFor(fingerprint: string, urls: readonly string[]): AiaAttempt[];
  /** Every download made, in order. */
  downloads: AiaAttempt[];
  /** Where each downloaded certificate came from (fingerprint → URL). */
  origins: Map<string, string>;
}

export const DEFAULT_MAX_HOPS = 4;
/**
 * URLs tried per certificate: real ones name one or two. Each failure can cost a whole
 * timeout, so a file listing dozens must not hold an import for minutes.
 */
export const MAX_URLS_PER_CERTIFICATE = 4;

/**
 * `known`: the input certificates by fingerprint — the supplier needs the X509 form of the
 * certificate whose issuer is missing to check candidates' signatures, and completeChain
 * hands it only a summary.
 */
export function createIssuerSupplier(
  known: ReadonlyMap<string, X509Certificate>,
  options: SupplierOptions,
): TrackingSupplier {
  const certs = new Map(known);
  const attempts = new Map<string, AiaAttempt[]>();
  const downloads: AiaAttempt[] = [];
  const origins = new Map<string, string>();
  const answers = new Map<string, Promise<X509Certificate[]>>();
  let hops = 0;

  const record = (child: X509Certificate, attempt: AiaAttempt) => {
    const list = attempts.get(child.fingerprint256) ?? [];
    list.push(attempt);
    attempts.set(child.fingerprint256, list);
  };

  const supply: IssuerSupplier = async (missing) => {
    const child = certs.get(missing.subject.fingerprint);
    if (!child) return [];
    const fromLibrary = (await options.library?.issuersOf(child)) ?? [];
    if (fromLibrary.length > 0) return fromLibrary.map((cert) => remember(cert, 'library'));
    if (options.aia === false) return [];

    const maxHops = options.aia.maxHops ?? DEFAULT_MAX_HOPS;
    for (const [index, url] of missing.aiaCaIssuers.entries()) {
      if (index >= MAX_URLS_PER_CERTIFICATE) {
        record(child, {
          url,
          ok: false,
          error: `not tried: only the first ${MAX_URLS_PER_CERTIFICATE} URLs of a certificate are tried`,
        });
        continue;
      }
      if (hops >= maxHops) {
        record(child, {
          url,
          ok: false,
          error: `not tried: the limit of ${maxHops} download${maxHops === 1 ? '' : 's'} per chain was reached`,
        });
        continue;
      }
      // The same URL twice in one chain (a loop, or two certificates naming it) is fetched once.
      let answer = answers.get(url);
      const fresh = !answer;
      if (!answer) answers.set(url, (answer = downloadCertificates(url, options.aia)));
      const outcome = (attempt: AiaAttempt) => {
        record(child, attempt);
        if (fresh) downloads.push(attempt);
      };
      let issuers: X509Certificate[];
      try {
        issuers = (await answer).filter((cert) => issuedBy(child, cert));
      } catch (error) {
        outcome({ url, ok: false, error: error instanceof AiaError ? error.message : String(error) });
        continue;
      }
      if (issuers.length === 0) {
        const served = (await answer).map(certName).join(', ');
        outcome({
          url,
          ok: false,
          error: `the certificate served there (${served}) did not issue ${certName(child)}`,
        });
        continue;
      }
      hops++;
      outcome({ url, ok: true });
      for (const cert of issuers) origins.set(cert.fingerprint256, url);
      return issuers.map((cert) => remember(cert, 'aia'));
    }
    return [];
  };

  function remember(cert: X509Certificate, source: 'library' | 'aia'): ChainCandidate {
    certs.set(cert.fingerprint256, cert);
    return { cert, source };
  }

  return {
    supply,
    attemptsFor(fingerprint, urls) {
      const tried = attempts.get(fingerprint) ?? [];
      if (options.aia === false)
        return urls.map((url) => ({ url, ok: false, error: 'not tried: AIA downloads are off' }));
      return urls.map(
        (url) => tried.findLast((a) => a.url === url) ?? { url, ok: false, error: 'not tried' },
      );
    },
    downloads,
    origins,
  };
}
