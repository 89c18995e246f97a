/** The fingerprint an address presents, read before pairing (nothing is sent): UNREACHABLE otherwise. */
import type { ProbedFingerprint } from '../../shared/ipc/pairing-probe.ts';
import { fetchFingerprint } from '../fleet/index.ts';
import { mapErrors } from './errors.ts';

export function probeFingerprint({
  address,
  port,
}: {
  address: string;
  port: number;
}): Promise<ProbedFingerprint> {
  return mapErrors(async () => ({ fingerprint: await fetchFingerprint(address, port) }));
}
