/**
 * keepalived's own config test (`keepalived -t -f FILE`) on a rendered file before it runs, as
 * HAProxy's `-c` is used for haproxy.cfg: what keepalived says is what the admin sees. It also
 * checks the interfaces exist here, which the schema cannot. keepalived exits non-zero for
 * errors and for warnings (e.g. an option it ignores); the renderer writes neither, so both
 * refuse the file.
 */
import { execFile } from 'node:child_process';
import type { ConfigProblem } from '../../shared/model/validate.ts';

export function checkKeepalivedConf(binary: string, file: string): Promise<ConfigProblem[]> {
  return new Promise((resolve) => {
    execFile(binary, ['-t', '-f', file], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (!err) return resolve([]);
      const lines = `${stderr}${stdout}`
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const why = lines.length ? lines : [`keepalived -t failed: ${err.message}`];
      resolve(why.map((message) => ({ path: 'keepalived', message })));
    });
  });
}
