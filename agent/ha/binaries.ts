/**
 * The programs a pair needs: keepalived (Debian puts it in /usr/sbin, which an unprivileged
 * service user's PATH may lack, so the usual places are tried after PATH), curl for the
 * engine check, and setpriv (util-linux) to tie keepalived's life to the agent's.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function find(name: string): Promise<string | undefined> {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface HaBinaries {
  keepalived: string;
  /** e.g. `2.2.7`. */
  version: string;
  curl: string;
  /** undefined: keepalived outlives a killed agent until the engine check fails. */
  setpriv: string | undefined;
}

export async function findBinaries(env = process.env): Promise<HaBinaries> {
  const keepalived = env.PORTICO_KEEPALIVED ?? (await find('keepalived'));
  if (!keepalived)
    throw new Error(
      'an HA pair needs keepalived: install it (Debian: apt-get install keepalived) or set PORTICO_KEEPALIVED',
    );
  const curl = await find('curl');
  if (!curl)
    throw new Error('an HA pair needs curl for its engine check: install it (Debian: apt-get install curl)');
  return { keepalived, version: await keepalivedVersion(keepalived), curl, setpriv: await find('setpriv') };
}

/** `2.2.7` from `keepalived --version` (printed on stderr). */
export async function keepalivedVersion(binary: string): Promise<string> {
  const { stdout, stderr } = await run(binary, ['--version'], { timeout: 10_000 });
  const m = /Keepalived v(\d+\.\d+(?:\.\d+)?)/.exec(stderr + stdout);
  if (!m) throw new Error(`${binary} --version did not print a keepalived version`);
  return m[1]!;
}
