/**
 * Remove one certificate entry from one agent's store (`cert.remove`). The agent refuses an
 * entry a virtual service still uses (IN_USE, `details.usedBy`): the Console says which ones.
 * Apart from certs.ts so the certificate pipeline's channels and this one change separately.
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { Name } from '../protocol/common.ts';
import { AgentId, channel } from './channel.ts';

export const RemoveCertificateParams = z
  .object({
    agentId: AgentId,
    /** The store entry's name on that agent (CertPlacement.entry). */
    name: Name,
  })
  .strict();

export interface CertificateRemoved {
  agentId: string;
  /** The entry removed. */
  name: string;
}

export const CERT_REMOVE_CHANNELS = {
  /** Remove a store entry no virtual service uses, on one agent. */
  removeCertificate: channel<CertificateRemoved>()(RemoveCertificateParams),
};
