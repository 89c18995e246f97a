/**
 * The sentences the Console adds to shared/certs' messages: only what depends on where the
 * Console looked for an issuer (library, AIA). Everything else is worded in shared/certs so the
 * agent and the Console say the same thing.
 */
import type { AiaAttempt } from './types.ts';

/** Where the Console looks for a missing issuer, for chain-verdict.ts' CHAIN_INCOMPLETE message. */
export const CONSOLE_SEARCHED = "in the files, the Console's library, or at the AIA URL";

/** How an admin of the app adds the issuer, or pushes without it. */
export const CONSOLE_INCOMPLETE_HOW = {
  add: 'drop the intermediate certificate file beside the PFX',
  override: 'push anyway after confirming',
};

export const consoleMessages = {
  /**
   * The issuer of the last certificate was found nowhere: not in the files, the library or the
   * trusted roots, and AIA gave nothing — with each URL and why. What to do differs: a leaf
   * needs its intermediate sent along; a CA's issuer is usually a root, which clients must
   * trust themselves (sending it does not help them).
   */
  issuerNotFound: (
    cert: string,
    issuer: string,
    attempts: readonly AiaAttempt[],
    options: { aiaOff: boolean; subjectIsCa: boolean },
  ) => {
    const where = `the issuer of ${cert} (${issuer}) was found neither in the files given, the certificate library nor the roots this machine trusts`;
    let aia: string;
    if (attempts.length === 0) aia = 'and the certificate names no URL to download it from';
    else if (options.aiaOff)
      aia = `and downloading is off (it can be downloaded from ${attempts.map((a) => a.url).join(', ')})`;
    else
      aia = `and downloading it failed: ${attempts.map((a) => `${a.url} (${a.error ?? 'no issuer'})`).join('; ')}`;
    const todo = options.subjectIsCa
      ? `if ${issuer} is a root, every client must trust it (a company CA must be deployed to them); add it to the files to check the whole chain`
      : `add the intermediate certificate, or clients that do not have it will fail with "unable to get local issuer certificate"`;
    return `${where}, ${aia} — ${todo}`;
  },
};
