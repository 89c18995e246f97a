/**
 * Listener TLS (offload): secure contexts built from the certificate store, one per named
 * certificate, chosen per handshake by SNI — exact name, then wildcard (the earlier certificate
 * of the list where names overlap), then the default certificate (tls.defaultCertificate, or
 * the first), which also answers clients that send no SNI. A listener keeps one SniSelector for its life; a reload (or a
 * renewed certificate) swaps the contexts inside it, so new handshakes see the new
 * certificate while no listener restarts and no connection drops.
 */
import { X509Certificate } from 'node:crypto';
import type { ServerOptions as HttpsOptions } from 'node:https';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { defaultCertificateOf, type ListenerTls } from '../../shared/model/config.ts';

/** Where the engine gets key material; the agent's certificate store implements it. */
export interface CertificateSource {
  /** Private key and chain (leaf first) as PEM. Throws when the name is not in the store. */
  load(name: string): { key: string; chain: string };
  /** CA certificates as PEM, for verifying real servers. */
  loadCa(name: string): string;
}

/**
 * Mozilla's server-side profiles. TLS 1.3 suites are not configurable here and are always on;
 * `modern` additionally raises the minimum to TLS 1.3.
 */
const CIPHERS: Record<ListenerTls['cipherProfile'], string> = {
  modern: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
  intermediate: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'DHE-RSA-AES128-GCM-SHA256',
    'DHE-RSA-AES256-GCM-SHA384',
  ].join(':'),
  legacy: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
    'ECDHE-RSA-AES128-SHA256',
    'ECDHE-RSA-AES128-SHA',
    'ECDHE-RSA-AES256-SHA',
    'AES128-GCM-SHA256',
    'AES256-GCM-SHA384',
    'AES128-SHA256',
    'AES128-SHA',
    'AES256-SHA',
  ].join(':'),
};

interface Entry {
  context: SecureContext;
  names: string[];
}

export interface ListenerTlsContext {
  /**
   * Options for https.createServer / setSecureContext: the default certificate, and the
   * SNICallback when there is more than one certificate to choose from (sniChooses).
   */
  options: HttpsOptions;
  selector: SniSelector;
}

export class SniSelector {
  private exact = new Map<string, SecureContext>();
  private wildcard = new Map<string, SecureContext>();
  private fallback: SecureContext | undefined;

  /** `fallback`: the default certificate's context (the first entry's when none is given). */
  update(entries: readonly Entry[], fallback = entries[0]?.context): void {
    const exact = new Map<string, SecureContext>();
    const wildcard = new Map<string, SecureContext>();
    for (const e of entries) {
      for (const n of e.names) {
        const name = n.toLowerCase();
        const map = name.startsWith('*.') ? wildcard : exact;
        if (!map.has(name)) map.set(name.startsWith('*.') ? name.slice(2) : name, e.context);
      }
    }
    this.exact = exact;
    this.wildcard = wildcard;
    this.fallback = fallback;
  }

  /** Takes over another selector's certificates (commit step of a reload). */
  adopt(other: SniSelector): void {
    this.exact = other.exact;
    this.wildcard = other.wildcard;
    this.fallback = other.fallback;
  }

  select(servername: string): SecureContext | undefined {
    const name = servername.toLowerCase();
    const hit = this.exact.get(name);
    if (hit) return hit;
    const dot = name.indexOf('.');
    return (dot > 0 && this.wildcard.get(name.slice(dot + 1))) || this.fallback;
  }

  readonly callback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void => {
    cb(null, this.select(servername));
  };
}

/** Builds (or, given `selector`, refreshes) the TLS settings of one https listener. */
export function tlsOptionsFor(
  tls: ListenerTls,
  certs: CertificateSource | undefined,
  selector = new SniSelector(),
): ListenerTlsContext {
  if (!certs) throw new Error('tls.certificates: this agent has no certificate store');
  const minVersion = tls.cipherProfile === 'modern' ? 'TLSv1.3' : tls.minVersion;
  const base: SecureContextOptions = {
    minVersion,
    ciphers: CIPHERS[tls.cipherProfile],
    honorCipherOrder: true,
  };
  const entries: (Entry & { name: string; key: string; cert: string })[] = tls.certificates.map((name) => {
    let material: { key: string; chain: string };
    try {
      material = certs.load(name);
    } catch (err) {
      throw new Error(`tls.certificates: "${name}" cannot be used: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const leaf = new X509Certificate(material.chain);
    return {
      name,
      key: material.key,
      cert: material.chain,
      context: createSecureContext({ ...base, key: material.key, cert: material.chain }),
      names: namesOf(leaf),
    };
  });
  // The model checks that the default is one of the certificates; the first is its default.
  const wanted = defaultCertificateOf(tls);
  const fallback = entries.find((e) => e.name === wanted) ?? entries[0]!;
  selector.update(entries, fallback.context);
  return {
    selector,
    options: {
      ...base,
      // What a client without SNI gets: Node calls no SNICallback for it.
      key: fallback.key,
      cert: fallback.cert,
      ...(sniChooses(tls) ? { SNICallback: selector.callback } : {}),
    },
  };
}

/**
 * Whether handshakes choose a certificate by SNI. With one certificate there is nothing to
 * choose, and Node pauses every handshake that has an SNICallback to run it (a C++ → JS → C++
 * round trip and a context switch per connection), so the listener has none; a reload to more
 * certificates makes a new listener (HttpListener.settingsKey).
 */
export function sniChooses(tls: ListenerTls): boolean {
  return tls.certificates.length > 1;
}

/**
 * The CA bundle a re-encrypting pool verifies its servers against (reencrypt.ca), refused when
 * one of its certificates cannot vouch for another: a server certificate (CA:FALSE, or no
 * basicConstraints) named as a CA would make every server's certificate fail to verify, each
 * probe saying so, instead of one refusal naming the entry. A self-signed server certificate
 * anchors itself (Exchange's own), as the store's import allows. Both engines call this.
 */
export function loadCaBundle(certs: CertificateSource, name: string): string {
  const pem = certs.loadCa(name);
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`reencrypt.ca: "${name}" holds no certificate`);
  for (const block of blocks) {
    const cert = new X509Certificate(block);
    const selfSigned = cert.checkIssued(cert) && cert.verify(cert.publicKey);
    if (cert.ca || selfSigned) continue;
    const who = namesOf(cert)[0] ?? cert.subject.replaceAll('\n', ', ');
    throw new Error(
      `reencrypt.ca: "${name}" is not a CA certificate: it holds ${who}, a server certificate (not a CA) that cannot vouch for the real servers' certificates — name the CA bundle of the CA that issued them (push that CA's certificate, without a key)`,
    );
  }
  return pem;
}

/** DNS names of a certificate: its SANs, or its CN when it has none. */
export function namesOf(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (san) {
    return san
      .split(', ')
      .filter((p) => p.startsWith('DNS:'))
      .map((p) => p.slice(4));
  }
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject);
  return cn ? [cn[1]!] : [];
}
