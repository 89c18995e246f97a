/**
 * Pairing by address asks first: the Console connects without sending anything, reads the
 * fingerprint the agent presents and shows it, and pins it only once the admin confirms it (then
 * pairs expecting exactly it, so an agent swapped in between is refused). Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { Host, Port } from '../model/config.ts';
import { DEFAULT_AGENT_PORT } from '../protocol/transport.ts';
import { channel } from './channel.ts';

export const ProbeFingerprintParams = z
  .object({ address: Host, port: Port.default(DEFAULT_AGENT_PORT) })
  .strict();

export interface ProbedFingerprint {
  /** SHA-256 of the certificate presented at address:port, `AB:CD:…`. */
  fingerprint: string;
}

export const PAIRING_PROBE_CHANNELS = {
  /** The fingerprint an address presents, read without sending the token. */
  probeFingerprint: channel<ProbedFingerprint>()(ProbeFingerprintParams),
};
