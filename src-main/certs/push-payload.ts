/**
 * What `cert.import` gets: the key and the chain as PEM. The root stays out unless asked for:
 * clients use their own copy of a root, so sending it costs bytes in every handshake and
 * changes nothing (the agent drops it too).
 */
import type { ChainResult } from '../../shared/certs/chain.ts';
import type { ParsedCertificate } from '../../shared/certs/parse.ts';
import type { PushPayload } from './types.ts';

export function pushPayload(keyPem: string, built: ChainResult, includeRoot: boolean): PushPayload {
  const last = built.chain[built.chain.length - 1];
  const endsInRoot =
    built.chain.length > 1 && last !== undefined && (last.summary.selfSigned || built.trusted);
  const links = endsInRoot && !includeRoot ? built.chain.slice(0, -1) : built.chain;
  return {
    keyPem,
    chainPem: links.map((link) => link.cert.toString()).join(''),
    includesRoot: endsInRoot && includeRoot,
  };
}

/**
 * What `cert.import` gets for a CA bundle: every CA certificate given, in the order given, roots
 * included (a re-encrypting pool trusts exactly these), and no key.
 */
export function caBundlePayload(certificates: readonly ParsedCertificate[]): PushPayload {
  return { chainPem: certificates.map((c) => c.cert.toString()).join(''), includesRoot: false };
}

/** A payload of CA certificates only: imported without a key, never bound to a service. */
export function isCaBundle(payload: PushPayload): boolean {
  return payload.keyPem === undefined;
}

/** The PEM texts `cert.import` takes for this payload: the key first when there is one. */
export function importPem(payload: PushPayload): string[] {
  return payload.keyPem === undefined ? [payload.chainPem] : [payload.keyPem, payload.chainPem];
}
