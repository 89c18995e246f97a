/**
 * The certificate store's material for the names a config uses, read once per check or apply
 * (the store checks each entry on every read, so a renewal is picked up by the next apply), with
 * problems worded as the built-in engine words them.
 */
import { X509Certificate } from 'node:crypto';
import type { AgentConfig } from '../../../shared/model/config.ts';
import type { ConfigProblem } from '../../../shared/model/validate.ts';
import { loadCaBundle, namesOf, type CertificateSource } from '../../engine/tls.ts';
import type { Material } from './render-tls.ts';

export function readMaterial(
  config: AgentConfig,
  certs: CertificateSource | undefined,
): { material: Material; problems: ConfigProblem[] } {
  const material = {
    certs: new Map<string, { pem: string; names: string[] }>(),
    cas: new Map<string, string>(),
  };
  const problems: ConfigProblem[] = [];
  config.pools.forEach((pool, i) => {
    const r = pool.reencrypt;
    if (r?.verify !== 'ca' || material.cas.has(r.ca)) return;
    try {
      if (!certs) throw new Error(`"${r.ca}": this agent has no certificate store`);
      material.cas.set(r.ca, loadCaBundle(certs, r.ca));
    } catch (err) {
      problems.push({ path: `pools[${i}].reencrypt`, message: (err as Error).message });
    }
  });
  config.virtualServices.forEach((vs, i) => {
    if (!vs.enabled || vs.protocol !== 'https') return;
    for (const name of vs.tls.certificates) {
      if (material.certs.has(name)) continue;
      try {
        if (!certs) throw new Error('this agent has no certificate store');
        const { key, chain } = certs.load(name);
        const names = namesOf(new X509Certificate(chain));
        // HAProxy reads one PEM holding the key and the chain.
        material.certs.set(name, { pem: `${key.trim()}\n${chain.trim()}\n`, names });
      } catch (err) {
        problems.push({
          path: `virtualServices[${i}].tls`,
          message: `tls.certificates: "${name}" cannot be used: ${(err as Error).message}`,
        });
      }
    }
  });
  return { material, problems };
}
