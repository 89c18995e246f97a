/**
 * The one form of a certificate fingerprint: SHA-256 over the DER as colon-separated upper-case
 * hex, `AB:CD:…`, exactly as Node's `X509Certificate.fingerprint256` writes it. The agent's
 * identity (agent.json, agent.info, the mDNS TXT record), the pin the Console stores, the one read
 * off a TLS socket and the certificate store's entries all use it, so they compare as plain
 * strings. What an admin types or pastes (any case, colons or not, spaces as some tools print
 * them) goes through normalizeFingerprint first. Runtime-neutral: zod only.
 */
import { z } from 'zod';

const CANONICAL = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;
const BARE_HEX = /^[0-9A-F]{64}$/;

/** Is `text` a fingerprint in the one form (`AB:CD:…`, upper case)? */
export function isFingerprint(text: unknown): text is string {
  return typeof text === 'string' && CANONICAL.test(text);
}

/**
 * The one form of a SHA-256 fingerprint given in any case, with or without colons, with spaces
 * anywhere; undefined when it is not 32 bytes of hex.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const upper = text.replace(/\s+/g, '').toUpperCase();
  if (CANONICAL.test(upper)) return upper;
  if (BARE_HEX.test(upper)) return upper.match(/../g)!.join(':');
  return undefined;
}

/** A fingerprint from outside (a channel, a TXT record, a command line), read into the one form. */
export const Fingerprint = z
  .string()
  .refine(
    (text) => normalizeFingerprint(text) !== undefined,
    'a SHA-256 fingerprint: 32 hex pairs, colons optional',
  )
  .transform((text) => normalizeFingerprint(text)!);
