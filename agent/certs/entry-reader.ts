/**
 * Reading one store entry, synchronously: the TLS engine builds secure contexts in a
 * synchronous apply step, and the async store uses the same code so both see entries the
 * same way.
 *
 * A replace swaps whole directories (see store.ts), so a reader in another object or process
 * can, rarely, read key.pem of the old entry and chain.pem of the new one. Every read is
 * therefore checked — the key must fit the leaf, meta.json must describe it — and retried.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { ObjectName } from '../../shared/model/config.ts';
import { CertMeta } from './meta.ts';
import { CertStoreError } from './store-errors.ts';

export interface StoredEntry {
  meta: CertMeta;
  /** PKCS#8 PEM; undefined for a CA bundle. */
  key: string | undefined;
  chain: string;
}

export const DIR_MODE = 0o700;

export function checkName(name: string): string {
  const result = ObjectName.safeParse(name);
  if (!result.success) {
    throw new CertStoreError(
      'INVALID_NAME',
      `"${name}" is not a valid certificate name: ${result.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

export function notFound(name: string): CertStoreError {
  return new CertStoreError(
    'CERT_NOT_FOUND',
    `there is no certificate named "${name}" in the store — import it first (portico-agent cert import --name ${name} …)`,
  );
}

export function damaged(name: string, detail: string, cause?: unknown): CertStoreError {
  return new CertStoreError(
    'STORE_DAMAGED',
    `the stored certificate "${name}" is damaged: ${detail} — import it again`,
    { cause },
  );
}

export function caBundleHasNoKey(name: string): CertStoreError {
  return new CertStoreError(
    'NOT_A_SERVER_CERTIFICATE',
    `"${name}" is a CA bundle: it has no private key, so it can verify real servers (reencrypt.ca) but not serve TLS — import a certificate with its key under another name`,
  );
}

/** Reads and checks entry `name` of the store directory `certsDir`. */
export function readEntry(certsDir: string, name: string): StoredEntry {
  const valid = checkName(name);
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return readOnce(certsDir, valid);
    } catch (error) {
      // Not found and invalid names do not get better by retrying; a torn read does.
      if (!(error instanceof CertStoreError) || error.code !== 'STORE_DAMAGED') throw error;
      last = error;
    }
  }
  throw last;
}

/** meta.json alone (list() needs nothing else). */
export function readMeta(certsDir: string, name: string): CertMeta {
  return parseMeta(name, readText(entryDirectory(certsDir, name), name, 'meta.json'));
}

function readOnce(certsDir: string, name: string): StoredEntry {
  const dir = entryDirectory(certsDir, name);
  const meta = parseMeta(name, readText(dir, name, 'meta.json'));
  const chain = readText(dir, name, 'chain.pem');
  const key = meta.kind === 'certificate' ? readText(dir, name, 'key.pem') : undefined;
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(chain);
  } catch (error) {
    throw damaged(name, 'chain.pem holds no readable certificate', error);
  }
  if (leaf.fingerprint256 !== meta.summary.fingerprint)
    throw damaged(name, 'chain.pem and meta.json describe different certificates');
  if (key !== undefined) {
    let fits: boolean;
    try {
      fits = leaf.checkPrivateKey(createPrivateKey(key));
    } catch (error) {
      throw damaged(name, 'key.pem is not a readable private key', error);
    }
    if (!fits) throw damaged(name, 'key.pem does not belong to the certificate in chain.pem');
  }
  return { meta, key, chain };
}

/**
 * The entry's directory — or, in the instant a replace has moved the old one aside and not
 * yet moved the new one in, the old one: it is still complete.
 */
function entryDirectory(certsDir: string, name: string): string {
  const dir = join(certsDir, name);
  if (existsSync(dir)) return dir;
  const aside = readdirSync(certsDir).find((entry) => RETIRED.exec(entry)?.[1] === name);
  if (!aside) throw notFound(name);
  return join(certsDir, aside);
}

const RETIRED = /^\.retired-(.+)-[0-9a-f]{12}$/;

function readText(dir: string, name: string, file: string): string {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // The directory vanished under us (a replace finished): damaged for now, the retry sees the new one.
    throw damaged(name, `${file} is missing`, error);
  }
}

function parseMeta(name: string, text: string): CertMeta {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw damaged(name, 'meta.json is not JSON', error);
  }
  const parsed = CertMeta.safeParse(data);
  if (!parsed.success)
    throw damaged(name, `meta.json is not valid (${parsed.error.issues[0]?.message ?? 'unknown'})`);
  return parsed.data;
}

/**
 * Creates the store directory (0700) and finishes what a crash interrupted: an entry moved
 * aside for a replace whose new version never arrived is put back; staging and removed
 * leftovers are deleted — once they are a minute old, so an import running in another
 * process (the CLI beside the agent) is not disturbed.
 */
export function prepareStoreDirectory(certsDir: string): void {
  mkdirSync(certsDir, { recursive: true, mode: DIR_MODE });
  chmodSync(certsDir, DIR_MODE);
  const now = Date.now();
  for (const entry of readdirSync(certsDir)) {
    const path = join(certsDir, entry);
    const retired = RETIRED.exec(entry)?.[1];
    if (retired && !existsSync(join(certsDir, retired))) {
      renameSync(path, join(certsDir, retired));
    } else if (/^\.(retired|staging|removed)-/.test(entry) && now - statSync(path).mtimeMs > STALE_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

const STALE_MS = 60_000;
