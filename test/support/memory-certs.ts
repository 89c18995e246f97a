/** An in-memory certificate store for engine tests: the engine only needs load() and loadCa(). */
import type { CertificateSource } from '../../agent/engine/tls.ts';

export class MemoryCerts implements CertificateSource {
  readonly certs = new Map<string, { key: string; chain: string }>();
  readonly cas = new Map<string, string>();
  load(name: string) {
    const c = this.certs.get(name);
    if (!c) throw new Error(`no certificate named "${name}"`);
    return c;
  }
  loadCa(name: string) {
    const c = this.cas.get(name);
    if (!c) throw new Error(`no CA bundle named "${name}"`);
    return c;
  }
}
