/**
 * The bench's throw-away PKI, made with the openssl command line (test/support/pki.ts) and
 * written into the run's temp dir, which is removed at the end of the run:
 *
 * - "Portico bench CA" (ECDSA P-256 root) issues the two listener certificates, RSA 2048 and
 *   ECDSA P-256, both for `localhost` and 127.0.0.1. Clients do not verify them (load tools).
 * - "Portico bench internal CA" issues the back end's certificate (ECDSA P-256, for
 *   backend.bench.local and 127.0.0.1); the proxies verify the back end against it when they
 *   re-encrypt.
 *
 * Chains are the leaf alone (each is issued by a root), so every server sends the same bytes.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TestPki } from '../../test/support/pki.ts';
import { BACKEND_TLS_NAME, LOOPBACK, TLS_SERVER_NAME, type BenchPki } from '../peers/types.ts';

/** Longer than the 30 days below which the agent's certificate store warns on import. */
const LEAF_DAYS = 90;

export function makeBenchPki(dir: string): BenchPki {
  mkdirSync(dir, { recursive: true });
  const pki = new TestPki();
  try {
    const publicCa = pki.root('Portico bench CA', 'ec');
    const internalCa = pki.root('Portico bench internal CA', 'ec');
    const sans = [TLS_SERVER_NAME, LOOPBACK];
    const rsa = pki.issue(publicCa, { cn: TLS_SERVER_NAME, sans, keyType: 'rsa', days: LEAF_DAYS });
    const ecdsa = pki.issue(publicCa, { cn: TLS_SERVER_NAME, sans, keyType: 'ec', days: LEAF_DAYS });
    const backend = pki.issue(internalCa, {
      cn: BACKEND_TLS_NAME,
      sans: [BACKEND_TLS_NAME, LOOPBACK],
      keyType: 'ec',
      days: LEAF_DAYS,
    });
    const file = (name: string, text: string, mode = 0o644): string => {
      const p = path.join(dir, name);
      writeFileSync(p, text, { mode });
      chmodSync(p, mode);
      return p;
    };
    const listener = (name: string, issued: { key: string; chain: string }) => ({
      key: file(`${name}.key`, issued.key, 0o600),
      chain: file(`${name}.crt`, issued.chain),
      // HAProxy's `crt`: the chain and its key in one file.
      combined: file(`${name}.pem`, issued.chain + issued.key, 0o600),
    });
    return {
      dir,
      rsa: listener('rsa', rsa),
      ecdsa: listener('ecdsa', ecdsa),
      backend: { key: file('backend.key', backend.key, 0o600), chain: file('backend.crt', backend.chain) },
      internalCa: file('internal-ca.crt', internalCa.cert),
    };
  } finally {
    // TestPki works in a temp dir of its own: nothing of it outlives this call.
    pki.cleanup();
  }
}
