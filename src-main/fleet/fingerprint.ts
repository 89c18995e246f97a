/**
 * Agent fingerprints: SHA-256 over the identity certificate's DER as colon-separated upper-case
 * hex, exactly as `X509Certificate.fingerprint256` writes it, so that a pinned value, the TXT
 * record's and the one read off a TLS socket compare as plain strings.
 */
import type { TLSSocket } from 'node:tls';

const COLON_FORM = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;
const BARE_HEX = /^[0-9A-F]{64}$/;

/**
 * The canonical form of a fingerprint an admin typed or pasted (any case, with or without
 * colons, spaces allowed), or undefined when it is not a SHA-256 fingerprint.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const upper = text.trim().toUpperCase().replace(/\s+/g, '');
  if (COLON_FORM.test(upper)) return upper;
  if (BARE_HEX.test(upper)) return upper.match(/../g)!.join(':');
  return undefined;
}

export function isFingerprint(text: string): boolean {
  return COLON_FORM.test(text);
}

/** The peer's certificate fingerprint, or undefined if it presented none. */
export function peerFingerprint(socket: TLSSocket): string | undefined {
  return socket.getPeerX509Certificate()?.fingerprint256;
}
