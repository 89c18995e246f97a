/**
 * Before "replace everywhere": the names the certificate being replaced answers that the new
 * one does not (shared/ipc/cert-name-coverage.ts), read from the agents that store it — every
 * copy is the same certificate, so the first listing that has it says its names. Asked before
 * any agent is changed, so a refused replace changes nothing.
 */
import { X509Certificate } from 'node:crypto';
import { summarize } from '../../shared/certs/summary.ts';
import { namesNotCovered, type CertNames } from '../../shared/ipc/cert-name-coverage.ts';
import { normalizeFingerprint } from '../../shared/protocol/fingerprint.ts';
import type { PushFleet } from './push.ts';
import type { PushPayload } from './types.ts';

/** The leaf's names: the first certificate of the payload (a CA bundle's first CA has few). */
export function payloadNames(payload: PushPayload): CertNames {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(payload.chainPem);
  if (!first) return { dns: [], ip: [] };
  return summarize(new X509Certificate(first[0])).sans;
}

/**
 * The old certificate's names the payload's leaf lacks; empty when it covers them all or no
 * agent that answered stores the old one (then there is nothing to replace either).
 */
export async function namesLostByReplace(
  fleet: PushFleet,
  agentIds: readonly string[],
  payload: PushPayload,
  fingerprint: string,
): Promise<string[]> {
  const wanted = normalizeFingerprint(fingerprint);
  const listings = await fleet.fanOut(agentIds, (client) => client.request('cert.list'));
  for (const listing of listings) {
    if (!listing.ok) continue;
    const old = listing.result.certificates.find((e) => normalizeFingerprint(e.fingerprint) === wanted);
    if (old) return namesNotCovered(old.sans, payloadNames(payload));
  }
  return [];
}
