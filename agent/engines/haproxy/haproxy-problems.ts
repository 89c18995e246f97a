/**
 * What HAProxy says about a config, as the agent's problems (CONVENTIONS #16): `haproxy -c`
 * before anything runs, and the master's ALERT lines when a reload is refused. Each problem
 * is reported at the config object its line was rendered from (`virtualServices[2]`), with
 * HAProxy's own words.
 */
import type { ConfigProblem } from '../../../shared/model/validate.ts';

/** The opening HAProxy puts on every log line: `[ALERT]    (1234) : `. */
const PREFIX = /^\[(ALERT|WARNING|NOTICE)\]\s+\(\d+\)\s*:\s*/;
/** Lines that only sum up the ones before them. */
const SUMMARY =
  /^(?:config : )?(?:Error\(s\) found in configuration file|Fatal errors found in configuration|Fatal errors found|\[[^\]]*haproxy\.main\(\)\] Some protocols failed to start their listeners! Exiting|Loading failure!)/;

/**
 * ALERT lines of HAProxy's output as problems. A line naming `[<file>:<n>]` is reported at
 * `origins[n - 1]`; the lines HAProxy adds under an alert (the config line and a caret) are
 * left out, the alert itself says what is wrong.
 */
export function problemsFrom(output: string, origins: readonly string[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const line of output.split('\n')) {
    const m = PREFIX.exec(line);
    if (!m || m[1] !== 'ALERT') continue;
    let message = line.slice(m[0].length).trim();
    if (SUMMARY.test(message)) continue;
    message = message.replace(/^config\s*:\s*/, '');
    const at = /\[([^\]:]+):(\d+)\]/.exec(message);
    const path = at ? (origins[Number(at[2]) - 1] ?? '') : '';
    message = message.replace(/^parsing \[[^\]]+\]\s*:?\s*/, '');
    problems.push({ path, message: `HAProxy: ${message}` });
  }
  if (problems.length === 0 && /ALERT/.test(output)) {
    problems.push({ path: '', message: `HAProxy refused the configuration: ${output.trim().slice(-500)}` });
  }
  return problems;
}
