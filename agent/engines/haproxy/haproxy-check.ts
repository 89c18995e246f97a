/** `haproxy -c -f <file>`: HAProxy's own verdict on a rendered config, before it runs. */
import { execFile } from 'node:child_process';
import type { ConfigProblem } from '../../../shared/model/validate.ts';
import { problemsFrom } from './haproxy-problems.ts';

export function checkConfigFile(
  binary: string,
  file: string,
  origins: readonly string[],
): Promise<ConfigProblem[]> {
  return new Promise((resolve) => {
    execFile(binary, ['-c', '-f', file], { timeout: 30_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve([]);
      const problems = problemsFrom(`${stdout}\n${stderr}`, origins);
      resolve(
        problems.length > 0
          ? problems
          : [
              {
                path: '',
                message: `haproxy -c failed: ${(stderr || stdout || (err as Error).message).trim().slice(-500)}`,
              },
            ],
      );
    });
  });
}
