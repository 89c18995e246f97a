/**
 * What the fleet subcommands share: the Console opened as the app opens it (same settings
 * file, same tokens), agents named by id or name, a bounded wait for connections, and one
 * result line per agent with exit status 1 when any agent failed.
 */
import { pino } from 'pino';
import type { AgentOutcome } from '../../shared/ipc/channel.ts';
import { openConsole, type OpenConsole, type OpenConsoleOptions } from '../core/open.ts';
import { certLibraryDir, consoleDir } from '../store/console-dir.ts';
import { CONFIG_DIR_USAGE, EXIT, UsageError, type CliIo } from './command.ts';

/** Options every fleet subcommand takes. */
export const SESSION_OPTIONS = {
  'config-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const SESSION_USAGE = CONFIG_DIR_USAGE;

/** How long to wait for agents to connect before asking them anyway (offline ones then fail). */
const CONNECT_WAIT_MS = 10_000;

export function openSession(
  io: CliIo,
  configDir: string | undefined,
  extra: Partial<OpenConsoleOptions> = {},
): OpenConsole {
  const dir = consoleDir(io.env, configDir, io.cwd);
  // Warnings go to stderr; the result lines on stdout stay clean for scripts.
  const log = pino({ level: io.env.PORTICO_LOG_LEVEL ?? 'error' }, pino.destination(2));
  return openConsole({
    log,
    env: io.env,
    ...extra,
    configDir: dir,
    // The library in the same directory as the settings, however the directory was chosen.
    certs: { libraryDir: certLibraryDir(dir), ...extra.certs },
  });
}

/** `--agents a,b`: ids or names of paired agents; every one must be known. */
export function resolveAgents(session: OpenConsole, list: string | undefined): string[] {
  if (!list) throw new UsageError('name the agents: --agents ID|NAME[,…]');
  const known = session.store.listAgents();
  return [
    ...new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].map((wanted) => {
    const byId = known.find((a) => a.id === wanted);
    const byName = known.filter((a) => a.name === wanted);
    if (byId) return byId.id;
    if (byName.length === 1) return byName[0]!.id;
    throw new UsageError(
      byName.length > 1
        ? `several agents are named "${wanted}": give its id (portico agents)`
        : `no paired agent "${wanted}" (portico agents lists them)`,
    );
  });
}

/** Until every agent is past its first connection attempt, at most CONNECT_WAIT_MS. */
export async function waitForConnections(session: OpenConsole, agentIds: readonly string[]): Promise<void> {
  const deadline = Date.now() + CONNECT_WAIT_MS;
  const settled = () =>
    agentIds.every((id) => {
      const kind = session.fleet.agent(id)?.state.kind;
      return kind !== undefined && kind !== 'connecting' && kind !== 'stopped';
    });
  while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** An agent's name as the admin gave it (its id when it is not paired). */
export function nameOf(session: OpenConsole, agentId: string): string {
  return session.store.getAgent(agentId)?.name ?? agentId;
}

export function agentLabel(session: OpenConsole, agentId: string): string {
  const agent = session.store.getAgent(agentId);
  return agent ? `${agent.name} (${agentId})` : agentId;
}

/** One line per agent: `ok   NAME (ID): …` or `FAIL NAME (ID): CODE message`. */
export function reportOutcomes<T>(
  io: CliIo,
  session: OpenConsole,
  results: readonly AgentOutcome<T>[],
  describe: (result: T) => string,
): number {
  for (const r of results) {
    const label = agentLabel(session, r.agentId);
    io.stdout.write(
      r.ok
        ? `ok    ${label}: ${describe(r.result)}\n`
        : `FAIL  ${label}: ${r.error.code} ${r.error.message}\n`,
    );
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
}
