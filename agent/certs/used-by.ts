/**
 * Which virtual services use which store entries: certificates on https services, CA bundles
 * on the pools those services send to (a pool no service uses is named as `pool <name>`).
 * Read from `<dataDir>/config.json` for the command line (the running agent knows its config
 * and passes usedBy itself).
 *
 * Read leniently: no file means nothing is used; a config that fails the full schema still
 * tells us its references. Only unreadable JSON is reported, because then "unused" would be
 * a guess.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type UsedBy = (name: string) => string[];

export class ConfigUnreadable extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConfigUnreadable';
  }
}

/** A usedBy function over the references in one config document (any shape). */
export function usedByFromConfig(config: unknown): UsedBy {
  const uses = new Map<string, Set<string>>();
  const add = (cert: unknown, service: string) => {
    if (typeof cert !== 'string') return;
    let set = uses.get(cert);
    if (!set) uses.set(cert, (set = new Set()));
    set.add(service);
  };
  const list = (key: string) =>
    isRecord(config) && Array.isArray(config[key]) ? (config[key] as unknown[]) : [];
  const poolUsers = new Map<string, string[]>();
  list('virtualServices').forEach((vs: unknown, index: number) => {
    if (!isRecord(vs)) return;
    const service = typeof vs.name === 'string' ? vs.name : `virtualServices[${index}]`;
    if (isRecord(vs.tls) && Array.isArray(vs.tls.certificates))
      for (const cert of vs.tls.certificates) add(cert, service);
    // Version 1 (a file not converted yet): re-encrypt settings sat on the service.
    if (isRecord(vs.reencrypt)) add(vs.reencrypt.ca, service);
    const pools = [
      vs.pool,
      ...(Array.isArray(vs.contentRules)
        ? vs.contentRules.map((r) => (isRecord(r) ? r.pool : undefined))
        : []),
    ];
    for (const pool of pools)
      if (typeof pool === 'string') poolUsers.set(pool, [...(poolUsers.get(pool) ?? []), service]);
  });
  for (const pool of list('pools')) {
    if (!isRecord(pool) || typeof pool.name !== 'string' || !isRecord(pool.reencrypt)) continue;
    const users = poolUsers.get(pool.name) ?? [`pool ${pool.name}`];
    for (const user of users) add(pool.reencrypt.ca, user);
  }
  return (name) => [...(uses.get(name) ?? [])].sort();
}

/** Reads `<dataDir>/config.json`; throws ConfigUnreadable when it exists but is not JSON. */
export async function readUsedBy(dataDir: string): Promise<UsedBy> {
  const file = join(dataDir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return () => [];
    throw new ConfigUnreadable(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return usedByFromConfig(JSON.parse(text));
  } catch (error) {
    throw new ConfigUnreadable(
      `${file} is not valid JSON (${(error as Error).message}), so it is unknown which virtual services use which certificate`,
      { cause: error },
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
