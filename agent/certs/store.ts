/**
 * The agent's certificate store: `<dataDir>/certs/<name>/` with key.pem (0600), chain.pem
 * (leaf first, then intermediates; or the CAs of a bundle) and meta.json, directories 0700.
 *
 * An entry is replaced as a whole: the new one is written and fsynced in a staging
 * directory, the old one is renamed aside, the new one renamed into place. A crash leaves
 * either the old entry or the new one — never a new key beside an old chain. The one window
 * where neither name exists (between the two renames) is repaired on the next open by
 * renaming the old entry back.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ObjectName } from '../../shared/model/config.ts';
import type { CertIssue, CertName, CertSummary } from '../../shared/certs/summary-types.ts';
import { syncDirectory, writeFileAtomic } from '../fs/atomic-write.ts';
import {
  caBundleHasNoKey,
  checkName,
  DIR_MODE,
  notFound,
  prepareStoreDirectory,
  readEntry,
  readMeta,
} from './entry-reader.ts';
import type { CertEntrySource, CertKind, CertMeta } from './meta.ts';
import type { CertImportInput, CertImportOptions, PreparedImport } from './prepare-import.ts';
import { prepareImportInWorker } from './prepare-in-worker.ts';
import { CertStoreError } from './store-errors.ts';

export type { CertImportInput, CertImportOptions } from './prepare-import.ts';

export interface CertImportResult {
  name: string;
  kind: CertKind;
  /** An entry of that name existed and was replaced (a renewal). */
  replaced: boolean;
  /** The leaf (certificate) or the first CA (bundle). */
  summary: CertSummary;
  /** Everything written to chain.pem, in order. */
  chain: CertSummary[];
  /** Worth telling the admin, not worth refusing: expires soon, self-signed, reordered, forced. */
  warnings: CertIssue[];
  /** Input certificates not written, and why (the root is not sent to clients; unrelated ones are dropped). */
  notStored: { summary: CertSummary; reason: 'root' | 'unrelated' }[];
}

export interface CertListEntry {
  name: string;
  kind: CertKind;
  subject: CertName;
  issuer: CertName;
  sans: { dns: string[]; ip: string[] };
  notAfter: string;
  keyType: string;
  fingerprint: string;
  importedAt: string;
  /** Certificates in chain.pem. */
  certificates: number;
  /** An admin's import, or issued by an ACME CA. */
  source: CertEntrySource;
  /** Virtual services using it, from the caller's usedBy(). */
  usedBy: string[];
  /** Set when the entry on disk cannot be read; the other fields are then empty. */
  problem?: string;
}

export interface LoadedCertificate {
  /** PKCS#8 PEM. */
  key: string;
  /** Leaf first, then intermediates. */
  chain: string;
  summary: CertSummary;
}

const KEY_MODE = 0o600;
const FILE_MODE = 0o600;

export class CertStore {
  /** `<dataDir>/certs`. */
  readonly dir: string;
  /** Store operations, one at a time (see exclusive()). */
  private readonly queue = createQueue();
  /**
   * Imports, one at a time in call order: when two replace the same name, the later call's
   * material stays (as when parsing ran on the caller's thread), and a burst of imports keeps
   * at most one worker thread busy.
   */
  private readonly imports = createQueue();
  private recovered = false;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'certs');
  }

  /** Imports (or replaces: a renewal) the entry `name`. Throws CertError when the input is refused. */
  async import(
    name: string,
    input: CertImportInput,
    options: CertImportOptions & { source?: CertEntrySource } = {},
  ): Promise<CertImportResult> {
    const valid = checkName(name);
    const { source = 'imported', ...checks } = options;
    return this.imports(async () => {
      // Parse and check before touching the disk: a refused import changes nothing. In a worker
      // thread: decrypting a PFX is seconds of CPU at worst, and this thread serves traffic.
      const prepared = await prepareImportInWorker(input, checks);
      return this.write(valid, prepared, checks, source);
    });
  }

  /** Writes a prepared entry in place of `valid` (see the top of this file). */
  private write(
    valid: string,
    prepared: PreparedImport,
    options: CertImportOptions,
    source: CertEntrySource,
  ): Promise<CertImportResult> {
    return this.exclusive(async () => {
      const target = join(this.dir, valid);
      const staging = join(this.dir, `.staging-${valid}-${randomBytes(6).toString('hex')}`);
      await mkdir(staging, { mode: DIR_MODE });
      try {
        await chmod(staging, DIR_MODE);
        if (prepared.keyPem !== undefined)
          await writeFileAtomic(join(staging, 'key.pem'), prepared.keyPem, KEY_MODE);
        await writeFileAtomic(join(staging, 'chain.pem'), prepared.chainPem, FILE_MODE);
        const meta: CertMeta = {
          version: 1,
          kind: prepared.kind,
          importedAt: (options.now ?? new Date()).toISOString(),
          source,
          summary: prepared.summaries[0] as CertSummary,
          chain: prepared.summaries,
        };
        await writeFileAtomic(join(staging, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`, FILE_MODE);
        const replaced = await exists(target);
        const retired = join(this.dir, `.retired-${valid}-${randomBytes(6).toString('hex')}`);
        if (replaced) await rename(target, retired);
        await rename(staging, target);
        await syncDirectory(this.dir);
        if (replaced) await rm(retired, { recursive: true, force: true });
        return {
          name: valid,
          kind: prepared.kind,
          replaced,
          summary: meta.summary,
          chain: prepared.summaries,
          warnings: prepared.warnings,
          notStored: prepared.notStored,
        };
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        throw error;
      }
    });
  }

  /** Every entry, sorted by name. `usedBy` tells which virtual services use a name. */
  async list(usedBy: (name: string) => string[] = () => []): Promise<CertListEntry[]> {
    return this.exclusive(async () => {
      const names = (await readdir(this.dir, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory() && ObjectName.safeParse(entry.name).success)
        .map((entry) => entry.name)
        .sort();
      const out: CertListEntry[] = [];
      for (const name of names) {
        try {
          const meta = readMeta(this.dir, name);
          out.push({
            name,
            kind: meta.kind,
            subject: meta.summary.subject,
            issuer: meta.summary.issuer,
            sans: meta.summary.sans,
            notAfter: meta.summary.notAfter,
            keyType: meta.summary.keyType,
            fingerprint: meta.summary.fingerprint,
            importedAt: meta.importedAt,
            certificates: meta.chain.length,
            source: meta.source ?? 'imported',
            usedBy: usedBy(name),
          });
        } catch (error) {
          const kind: CertKind = (await exists(join(this.dir, name, 'key.pem')))
            ? 'certificate'
            : 'ca-bundle';
          out.push({
            name,
            kind,
            subject: { dn: '' },
            issuer: { dn: '' },
            sans: { dns: [], ip: [] },
            notAfter: '',
            keyType: '',
            fingerprint: '',
            importedAt: '',
            certificates: 0,
            source: 'imported',
            usedBy: usedBy(name),
            problem: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return out;
    });
  }

  /** Removes an entry; refused while virtual services use it (the caller passes their names). */
  async remove(name: string, usedBy: readonly string[]): Promise<void> {
    const valid = checkName(name);
    return this.exclusive(async () => {
      const target = join(this.dir, valid);
      if (!(await exists(target))) throw notFound(valid);
      if (usedBy.length > 0) {
        const list = usedBy.join(', ');
        throw new CertStoreError(
          'CERT_IN_USE',
          `certificate "${valid}" is used by virtual service${usedBy.length === 1 ? '' : 's'} ${list} — remove it from their tls.certificates / reencrypt.ca (or delete those services) first`,
        );
      }
      // Rename first so the name disappears at once, then delete at leisure.
      const doomed = join(this.dir, `.removed-${valid}-${randomBytes(6).toString('hex')}`);
      await rename(target, doomed);
      await syncDirectory(this.dir);
      await rm(doomed, { recursive: true, force: true });
    });
  }

  /** Key and chain for a TLS server context. */
  async load(name: string): Promise<LoadedCertificate> {
    const valid = checkName(name);
    return this.exclusive(async () => {
      const entry = readEntry(this.dir, valid);
      if (entry.key === undefined) throw caBundleHasNoKey(valid);
      return { key: entry.key, chain: entry.chain, summary: entry.meta.summary };
    });
  }

  /** PEM CA certificates to verify real servers with. A certificate entry serves its own chain. */
  async loadCa(name: string): Promise<string> {
    const valid = checkName(name);
    return this.exclusive(async () => readEntry(this.dir, valid).chain);
  }

  async has(name: string): Promise<boolean> {
    const valid = checkName(name);
    return this.exclusive(() => exists(join(this.dir, valid, 'meta.json')));
  }

  /**
   * One operation at a time within this process, after the store directory exists and any
   * interrupted replace has been rolled back.
   */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = async () => {
      if (!this.recovered) {
        await this.prepareDirectory();
        this.recovered = true;
      }
      return operation();
    };
    return this.queue(run);
  }

  private async prepareDirectory(): Promise<void> {
    prepareStoreDirectory(this.dir);
  }
}

/** Runs operations one after another in call order, whatever the outcome of each. */
function createQueue(): <T>(operation: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (operation) => {
    const next = tail.then(operation, operation);
    tail = next.catch(() => undefined);
    return next;
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
