/**
 * Which ACME directory a request names: a preset (`letsencrypt`, `letsencrypt-staging`) or the
 * https URL of any RFC 8555 CA. ACME runs over https only (RFC 8555 §6.1).
 */
import { ACME_DIRECTORIES } from '../../shared/protocol/acme.ts';
import { AcmeError } from './errors.ts';

export function directoryUrlOf(text: string): string {
  if (Object.hasOwn(ACME_DIRECTORIES, text)) return ACME_DIRECTORIES[text as keyof typeof ACME_DIRECTORIES];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AcmeError(
      'INVALID',
      `"${text}" is neither ${Object.keys(ACME_DIRECTORIES).join(' nor ')} nor the https URL of an ACME directory`,
    );
  }
  if (url.protocol !== 'https:')
    throw new AcmeError('INVALID', `the ACME directory must be an https URL (RFC 8555), not "${text}"`);
  return url.href;
}
