/**
 * Every portico-agent process the soak starts goes through here, so that the end of the run,
 * an error or Ctrl-C stops each of them by its PID (startAgentProcess alone does not know
 * about the others).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startAgentProcess,
  type AgentProcess,
  type AgentProcessOptions,
} from '../../test/support/agent-process.ts';

const running = new Set<AgentProcess>();

export async function startAgent(opts: AgentProcessOptions): Promise<AgentProcess> {
  const agent = await startAgentProcess(opts);
  running.add(agent);
  agent.child.once('exit', () => running.delete(agent));
  return agent;
}

/** SIGTERM each agent still running (SIGKILL after the grace time). */
export async function stopAgents(graceMs = 5_000): Promise<void> {
  await Promise.all([...running].map((a) => a.stop(graceMs)));
}

/** From a synchronous exit handler: no waiting possible, so SIGKILL. */
export function killAgentsSync(): void {
  for (const a of running) {
    try {
      process.kill(a.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * The last lines the agent wrote to stderr (a crash's stack), for a report. The first start
 * prints the admin token there: it is cut out, a report never carries it.
 */
export function stderrTail(agent: AgentProcess, chars = 2000): string {
  let s = agent.stderr();
  try {
    const token = readFileSync(join(agent.dataDir, 'token'), 'utf8').trim();
    if (token) s = s.split(token).join('[token]');
  } catch {
    s = s.replace(/^Admin token.*\n.*\n/m, '[token banner]\n');
  }
  // The inspector's own lines (row 6 attaches to it between rows) are not the agent's words.
  s = s
    .split('\n')
    .filter(
      (line) => !/^(Debugger (listening|attached|ending)|For help, see: https:\/\/nodejs\.org)/.test(line),
    )
    .join('\n');
  return s.length > chars ? `…${s.slice(-chars)}` : s;
}
