/** Runs the openssl CLI in a corpus directory (test support). */
import { execFileSync, spawnSync } from 'node:child_process';

export function openssl(dir: string, ...args: string[]): Buffer {
  return execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** stdout and stderr together: `pkcs12 -info` writes its report to stderr. */
export function opensslReport(dir: string, ...args: string[]): string {
  const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr}`);
  return `${run.stdout}${run.stderr}`;
}
