/**
 * The Console's certificate library: intermediates (and roots) it has seen before, so a PFX
 * exported without its chain completes offline the second time. One DER file per certificate,
 * named by its SHA-256 fingerprint, in a directory the caller chooses.
 *
 * Nothing here is trusted: a library certificate is only used when its key verifies the
 * signature of the certificate it is offered for, exactly like one downloaded from AIA.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issuedBy } from '../../shared/certs/chain.ts';

const ENTRY = /^[0-9a-f]{64}\.der$/;
/** A certificate is 1–3 KiB; anything far larger in there is not one of ours. */
const MAX_ENTRY_BYTES = 64 * 1024;

/** `AB:CD:…` (Node, summaries) → `abcd…` (file names). */
export function fingerprintKey(fingerprint: string): string {
  return fingerprint.replaceAll(':', '').toLowerCase();
}

export class CertLibrary {
  readonly dir: string;
  #entries: Promise<Map<string, X509Certificate>> | undefined;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Every readable entry. Read once per instance; `add` keeps it current. */
  async all(): Promise<X509Certificate[]> {
    return [...(await this.#load()).values()];
  }

  /** Entries that issued `child`: the same name check and signature check the chain builder does. */
  async issuersOf(child: X509Certificate): Promise<X509Certificate[]> {
    return (await this.all()).filter((candidate) => issuedBy(child, candidate));
  }

  async has(fingerprint: string): Promise<boolean> {
    return (await this.#load()).has(fingerprintKey(fingerprint));
  }

  /** Stores the certificates not stored yet; returns their fingerprints (Node's `AB:CD:…` form). */
  async add(certs: readonly X509Certificate[]): Promise<string[]> {
    const entries = await this.#load();
    const added: string[] = [];
    for (const cert of certs) {
      const key = fingerprintKey(cert.fingerprint256);
      if (entries.has(key)) continue;
      await mkdir(this.dir, { recursive: true });
      // Write then rename: two Consoles (or two workers) learning the same certificate at once
      // each rename a complete file over the other's identical one, never a half-written one.
      const temp = join(this.dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(temp, cert.raw);
        await rename(temp, join(this.dir, `${key}.der`));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      entries.set(key, cert);
      added.push(cert.fingerprint256);
    }
    return added;
  }

  #load(): Promise<Map<string, X509Certificate>> {
    this.#entries ??= readEntries(this.dir);
    return this.#entries;
  }
}

async function readEntries(dir: string): Promise<Map<string, X509Certificate>> {
  const entries = new Map<string, X509Certificate>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return entries;
    throw error;
  }
  for (const name of names.filter((n) => ENTRY.test(n))) {
    try {
      const der = await readFile(join(dir, name));
      if (der.length > MAX_ENTRY_BYTES) continue;
      const cert = new X509Certificate(der);
      const key = fingerprintKey(cert.fingerprint256);
      // A file whose content does not match its name was edited or damaged: ignore it rather
      // than trust a name that lies.
      if (`${key}.der` === name) entries.set(key, cert);
    } catch {
      // An unreadable entry only costs a download; it must not stop an import.
    }
  }
  return entries;
}
