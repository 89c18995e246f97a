/**
 * `<data-dir>/acme/renewals.json`: every certificate the agent renews itself — its names, CA,
 * key type, the dates of the certificate now stored, when the next attempt runs, failures in a
 * row and the last error — so a restart picks the schedule up where it was. Written atomically
 * (0600) after every change; validated on read, as a file an admin can edit.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write.ts';

export const RenewalRecord = z.object({
  name: z.string(),
  domains: z.array(z.string()).min(1),
  directoryUrl: z.string(),
  email: z.string(),
  /** A CA bundle in the store that verifies a private ACME server. */
  directoryCa: z.string().optional(),
  keyType: z.enum(['ec-p256', 'rsa-2048']),
  /** The certificate stored now. */
  issuedAt: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  fingerprint: z.string(),
  nextRenewalAt: z.string(),
  failures: z.number().int().min(0),
  lastError: z
    .object({
      at: z.string(),
      message: z.string(),
      domain: z.string().optional(),
      type: z.string().optional(),
    })
    .optional(),
});
export type RenewalRecord = z.infer<typeof RenewalRecord>;

const RenewalsFile = z.object({ version: z.literal(1), certificates: z.array(RenewalRecord) });

export function renewalsPath(dataDir: string): string {
  return join(dataDir, 'acme', 'renewals.json');
}

/**
 * The records on disk; none when there is no file. A file that does not parse is moved aside
 * (`renewals.json.unreadable-<time>`) and reported, so the agent runs and the admin can look.
 */
export async function readRenewals(
  dataDir: string,
  onProblem: (message: string) => void,
): Promise<RenewalRecord[]> {
  const file = renewalsPath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    return RenewalsFile.parse(JSON.parse(text)).certificates;
  } catch (error) {
    const aside = `${file}.unreadable-${Date.now()}`;
    await rename(file, aside);
    onProblem(
      `${file} is not valid (${(error as Error).message.slice(0, 200)}); moved to ${aside}: the certificates it named are not renewed until requested again`,
    );
    return [];
  }
}

export async function writeRenewals(dataDir: string, records: readonly RenewalRecord[]): Promise<void> {
  const data = { version: 1, certificates: [...records].sort((a, b) => a.name.localeCompare(b.name)) };
  await writeFileAtomic(renewalsPath(dataDir), `${JSON.stringify(data, null, 2)}\n`, 0o600);
}

export type RenewalView = Pick<
  RenewalRecord,
  'directoryUrl' | 'domains' | 'nextRenewalAt' | 'issuedAt' | 'failures' | 'lastError'
>;

/**
 * What the command line shows beside a store listing, read-only: nothing when the file is
 * missing or does not parse (the agent reports that itself).
 */
export async function peekRenewals(dataDir: string): Promise<Map<string, RenewalView>> {
  try {
    const records = RenewalsFile.parse(
      JSON.parse(await readFile(renewalsPath(dataDir), 'utf8')),
    ).certificates;
    return new Map(
      records.map((r) => [
        r.name,
        {
          directoryUrl: r.directoryUrl,
          domains: r.domains,
          nextRenewalAt: r.nextRenewalAt,
          issuedAt: r.issuedAt,
          failures: r.failures,
          ...(r.lastError ? { lastError: r.lastError } : {}),
        },
      ]),
    );
  } catch {
    return new Map();
  }
}
