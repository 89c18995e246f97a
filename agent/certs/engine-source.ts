/**
 * The store as the TLS engine sees it (agent/engine/tls.ts CertificateSource): synchronous
 * key + chain and CA reads, checked for consistency on every read, so a renewal imported
 * while the agent runs is picked up by the next reload without a restart.
 */
import { join } from 'node:path';
import type { CertificateSource } from '../engine/tls.ts';
import { caBundleHasNoKey, prepareStoreDirectory, readEntry } from './entry-reader.ts';

export function openCertStore(dataDir: string): CertificateSource {
  const certsDir = join(dataDir, 'certs');
  prepareStoreDirectory(certsDir);
  return {
    load(name: string) {
      const entry = readEntry(certsDir, name);
      if (entry.key === undefined) throw caBundleHasNoKey(name);
      return { key: entry.key, chain: entry.chain };
    },
    loadCa(name: string) {
      return readEntry(certsDir, name).chain;
    },
  };
}
