/**
 * TLS on both sides, as files HAProxy reads: per https service a crt-list naming one PEM per
 * certificate (key + chain, 0600) with its DNS names as SNI filters — chosen as the built-in
 * engine's SniSelector chooses (exact name, then wildcard, the earlier certificate where names
 * overlap, then the default: tls.defaultCertificate or the first) — and per re-encrypting pool the CA bundle real servers must chain to. File names
 * carry a hash of their content: a renewed certificate is a new file, and the running HAProxy
 * keeps reading the one it started with until the reload that names the new one.
 */
import { join } from 'node:path';
import { defaultCertificateOf, type HttpsService, type ListenerTls } from '../../../shared/model/config.ts';
import type { SideFile } from './cfg-writer.ts';
import { contentHash } from './names.ts';
import { quote } from './quote.ts';

/** What the certificate store holds for the names a config uses, read once per apply. */
export interface Material {
  /** Listener certificates by store name: key and chain (leaf first) as one PEM, and its DNS names. */
  certs: ReadonlyMap<string, { pem: string; names: readonly string[] }>;
  /** CA bundles by store name (PEM). */
  cas: ReadonlyMap<string, string>;
}

/**
 * The built-in engine's cipher lists (agent/engine/tls.ts, Mozilla's server-side profiles), for
 * TLS 1.2 and below; TLS 1.3 suites are OpenSSL's defaults in both engines.
 */
export const CIPHERS: Record<ListenerTls['cipherProfile'], string> = {
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

/**
 * The filter of a line whose certificate answers no name of its own (every one is an earlier
 * certificate's): a reserved name no client sends (RFC 6761 .invalid), since a line without a
 * filter would answer the certificate's names.
 */
const NO_NAME = 'no-name.portico.invalid';

/** A DNS name HAProxy can take as an SNI filter word (no spaces, quotes or brackets). */
const SNI_WORD = /^(?:\*\.)?[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

export class TlsFiles {
  readonly files: SideFile[] = [];
  /** Certificate name → the PEM file the config names (for `set ssl cert`). */
  readonly certPaths = new Map<string, string>();
  private readonly dir: string;
  private readonly material: Material;

  constructor(dir: string, material: Material) {
    this.dir = dir;
    this.material = material;
  }

  /** The PEM of one store certificate (key + chain), written once however many services use it. */
  certFile(name: string): string {
    const known = this.certPaths.get(name);
    if (known) return known;
    const cert = this.material.certs.get(name);
    if (!cert) throw new Error(`certificate "${name}" was not read from the store`);
    const path = join(this.dir, 'files', `cert-${name}-${contentHash(cert.pem)}.pem`);
    this.files.push({ path, content: cert.pem, secret: true });
    this.certPaths.set(name, path);
    return path;
  }

  /** The `bind` options of an https service: its crt-list, minimum version and ciphers. */
  bindOptions(vs: HttpsService): string {
    const content = `${this.crtList(vs.tls).join('\n')}\n`;
    const list = join(this.dir, 'files', `crt-list-${vs.name}-${contentHash(content)}.txt`);
    this.files.push({ path: list, content, secret: false });
    const min = vs.tls.cipherProfile === 'modern' ? 'TLSv1.3' : vs.tls.minVersion;
    return `ssl crt-list ${quote(list)} ssl-min-ver ${min} ciphers ${CIPHERS[vs.tls.cipherProfile]}`;
  }

  /**
   * The crt-list lines, as the built-in engine's SniSelector chooses: each name answered by the
   * earliest certificate of the list that has it, and the default (tls.defaultCertificate, or
   * the first) for no SNI or an unknown name. HAProxy's default is the first line, so the
   * default goes first; it keeps only the names no earlier certificate claims. A first line
   * without filter is found by its own names (HAProxy reads them from the certificate).
   */
  private crtList(tls: ListenerTls): string[] {
    const wanted = defaultCertificateOf(tls);
    const claimed = new Set<string>();
    const lines = new Map<string, string>();
    for (const name of tls.certificates) {
      const own = (this.material.certs.get(name)?.names ?? []).filter((n) => SNI_WORD.test(n));
      const answers = own.filter((n) => !claimed.has(n.toLowerCase()));
      for (const n of answers) claimed.add(n.toLowerCase());
      const path = this.certFile(name);
      if (name === wanted && answers.length === own.length) lines.set(name, path);
      else lines.set(name, [path, ...(answers.length > 0 ? answers : [NO_NAME])].join(' '));
    }
    return [lines.get(wanted)!, ...tls.certificates.filter((n) => n !== wanted).map((n) => lines.get(n)!)];
  }

  /** The CA bundle a re-encrypting pool verifies its servers against. */
  caFile(name: string): string {
    const pem = this.material.cas.get(name);
    if (pem === undefined) throw new Error(`CA bundle "${name}" was not read from the store`);
    const path = join(this.dir, 'files', `ca-${name}-${contentHash(pem)}.pem`);
    if (!this.files.some((f) => f.path === path)) this.files.push({ path, content: pem, secret: false });
    return path;
  }
}
