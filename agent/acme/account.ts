/**
 * This agent's account with an ACME CA: one per directory URL, in
 * `<data-dir>/acme/accounts/<hash>/`: `key.pem` (the account key, ECDSA P-256, 0600) and
 * `account.json` (directory, account URL, contact). Created on the first order from that
 * directory (agreeing to the CA's terms, whose URL is kept); the contact is updated when a
 * request names another address.
 */
import { createHash, generateKeyPair } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { Client } from 'acme-client';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import type { AcmeLibrary } from './acme-library.ts';

const generate = promisify(generateKeyPair);

interface AccountFile {
  directoryUrl: string;
  url: string;
  email: string;
  termsOfService?: string;
  createdAt: string;
}

/** Tuning of the library's own polling: every second at first, up to every 10 s, about 2 minutes. */
const POLLING = { backoffAttempts: 16, backoffMin: 1_000, backoffMax: 10_000 };

export async function openAccount(
  acme: AcmeLibrary,
  dataDir: string,
  directoryUrl: string,
  email: string,
  log: Logger,
): Promise<Client> {
  const dir = join(
    dataDir,
    'acme',
    'accounts',
    createHash('sha256').update(directoryUrl).digest('hex').slice(0, 16),
  );
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, 'key.pem');
  let accountKey = await readOptional(keyFile);
  if (accountKey === undefined) {
    const { privateKey } = await generate('ec', { namedCurve: 'P-256' });
    accountKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFileAtomic(keyFile, accountKey, 0o600);
  }
  const stored = await readAccount(join(dir, 'account.json'));
  const known = stored?.directoryUrl === directoryUrl ? stored : undefined;
  const client = new acme.Client({
    directoryUrl,
    accountKey,
    ...(known ? { accountUrl: known.url } : {}),
    ...POLLING,
  });
  if (known && known.email === email) return client;
  const contact = [`mailto:${email}`];
  if (known) await client.updateAccount({ contact });
  else await client.createAccount({ termsOfServiceAgreed: true, contact });
  const termsOfService = known?.termsOfService ?? (await client.getTermsOfServiceUrl().catch(() => null));
  const account: AccountFile = {
    directoryUrl,
    url: client.getAccountUrl(),
    email,
    ...(termsOfService ? { termsOfService } : {}),
    createdAt: known?.createdAt ?? new Date().toISOString(),
  };
  await writeFileAtomic(join(dir, 'account.json'), `${JSON.stringify(account, null, 2)}\n`, 0o600);
  log.info(
    { directoryUrl, account: account.url, termsOfService },
    known ? 'ACME account contact updated' : 'ACME account created',
  );
  return client;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readAccount(file: string): Promise<AccountFile | undefined> {
  const text = await readOptional(file);
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text) as Partial<AccountFile>;
    if (
      typeof data.directoryUrl === 'string' &&
      typeof data.url === 'string' &&
      typeof data.email === 'string'
    )
      return data as AccountFile;
  } catch {
    // A damaged file: the account is found again by its key (the CA returns the existing one).
  }
  return undefined;
}
