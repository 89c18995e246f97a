/**
 * Words for certificates from ACME CAs: the directory presets as the request form offers them,
 * why a certificate is near the top of the fleet table, and an agent's ACME failure as the
 * CA's problem in a sentence. Pure, so the table tests can hold them to examples.
 */
import { ACME_DIRECTORIES, type Attention } from '../../../shared/ipc/acme.ts';
import type { IpcError } from '../../../shared/ipc/errors.ts';

export type DirectoryChoice = keyof typeof ACME_DIRECTORIES | 'custom';

/** What the form offers, production first: staging is for trying, custom for a private CA. */
export const DIRECTORY_CHOICES: readonly { value: DirectoryChoice; label: string; hint: string }[] = [
  {
    value: 'letsencrypt',
    label: 'Let’s Encrypt',
    hint: 'Trusted by browsers; rate-limited, so try staging first.',
  },
  {
    value: 'letsencrypt-staging',
    label: 'Let’s Encrypt staging',
    hint: 'Same checks, certificates no browser trusts: for trying a setup out.',
  },
  { value: 'custom', label: 'Another ACME CA', hint: 'Its directory URL (https), e.g. a private CA.' },
];

/** The agent's `directoryUrl`: a preset's name (the agent knows its URL) or the URL typed. */
export function directoryOf(choice: DirectoryChoice, customUrl: string): string {
  return choice === 'custom' ? customUrl.trim() : choice;
}

/** The problem with a custom directory URL, or undefined. */
export function directoryProblem(url: string): string | undefined {
  if (!url) return 'Give the ACME directory URL of the CA.';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL: give the directory's https URL, e.g. https://ca.example.com/directory.`;
  }
  if (parsed.protocol !== 'https:') return 'The directory must be an https URL (ACME runs over TLS only).';
  return undefined;
}

/** "www.example.com example.com, mail.example.com" → the names in order, once each, lower case. */
export function splitDomains(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\s]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/** Why a certificate is where it is in the fleet table, in words (colour only repeats it). */
export const ATTENTION_TEXT: Record<Attention, string> = {
  expired: 'Expired',
  'renewal-failing': 'Renewal failing',
  'expires-7d': 'Expires within 7 days',
  'expires-30d': 'Expires within 30 days',
  ok: 'OK',
};

/**
 * An agent's failed request or renewal in words: the agent's ACME_ERROR message already names
 * the domain and the CA's reason ("www.example.com: the CA could not connect to this agent on
 * port 80 …"), and is shown alone: no method in front (src-main/fleet/rpc-errors.ts), no error
 * code after it (the code is AGENT_ERROR, which tells an admin nothing the words do not).
 */
export function acmeFailureText(error: IpcError): string {
  return error.message;
}
