/**
 * Which HAProxy the agent drives and its version. Debian installs it in /usr/sbin, which an
 * unprivileged service user's PATH may not hold, so the usual places are tried after PATH.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The oldest HAProxy whose keywords the renderer uses (normalize-uri, http-after-response). */
export const MINIMUM = [2, 6] as const;

export async function findHaproxy(explicit = process.env.PORTICO_HAPROXY): Promise<string> {
  if (explicit) return explicit;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'haproxy');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    'the haproxy engine needs HAProxy 2.6 or later: install it (Debian: apt-get install haproxy) or set PORTICO_HAPROXY to its path',
  );
}

/** `2.6.12-1+deb12u4` from `haproxy -v`; refuses a version older than MINIMUM. */
export async function haproxyVersion(binary: string): Promise<string> {
  const { stdout } = await run(binary, ['-v'], { timeout: 10_000 });
  const m = /HAProxy version (\d+)\.(\d+)(\S*)/.exec(stdout);
  if (!m) throw new Error(`${binary} -v did not print a HAProxy version: ${stdout.slice(0, 200)}`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
    throw new Error(
      `HAProxy ${m[1]}.${m[2]} is too old for the haproxy engine: it needs ${MINIMUM.join('.')} or later`,
    );
  }
  return `${m[1]}.${m[2]}${m[3]}`;
}
