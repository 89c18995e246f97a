/**
 * What `portico service remove` and `portico cert remove` share: `NAME --agents A,B [--yes]`;
 * without --yes only what would be removed where (a removal takes something off the air), with
 * it one request per agent, one line per agent, and exit status 1 when any agent failed.
 */
import { couldNot } from '../../shared/model/problems.ts';
import type { AgentClient } from '../fleet/agent-client.ts';
import { fanOut } from '../fleet/fan-out.ts';
import type { Failure } from '../fleet/rpc-errors.ts';
import { EXIT, parseCommandLine, UsageError, type CliCommandModule } from './command.ts';
import {
  agentLabel,
  nameOf,
  openSession,
  resolveAgents,
  SESSION_OPTIONS,
  SESSION_USAGE,
  waitForConnections,
} from './fleet-session.ts';

export interface RemoveCommand<T> {
  /** The subcommand's words: `service remove`. */
  command: string;
  /** What the result lines call the object: `service`, `certificate`. */
  what: string;
  /** What it is called when its name is missing: `virtual service`. */
  whatInFull: string;
  /** What the removal does besides, said after "would remove …" (`: its listener stops`). */
  consequence?: string;
  remove(client: AgentClient, name: string): Promise<T>;
  /** Said after `removed service "web"` (` (revision 4)`). */
  removed?(result: T): string;
  /** An agent's refusal in the admin's terms, with how to fix it; undefined for the general wording. */
  refusal?(error: Failure, name: string): string | undefined;
}

export function removeCommand<T>(spec: RemoveCommand<T>): CliCommandModule {
  const usage = `usage: portico ${spec.command} NAME --agents A,B [--yes]

  --agents A,B          ids or names of paired agents
  --yes                 remove it; without, say what would be removed and where
${SESSION_USAGE}
`;
  const run: CliCommandModule['run'] = async (args, io) => {
    const { values, positionals } = parseCommandLine(args, {
      ...SESSION_OPTIONS,
      agents: { type: 'string' },
      yes: { type: 'boolean' },
    });
    if (values.help) {
      io.stdout.write(usage);
      return EXIT.ok;
    }
    const [name, ...extra] = positionals;
    if (name === undefined) throw new UsageError(`name the ${spec.whatInFull} to remove`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const object = `${spec.what} "${name}"`;
    const session = openSession(io, values['config-dir']);
    try {
      const agentIds = resolveAgents(session, values.agents);
      if (!values.yes) {
        const where = agentIds.map((id) => agentLabel(session, id)).join(', ');
        io.stdout.write(
          `would remove ${object} from ${where}${spec.consequence ?? ''}; add --yes to do it\n`,
        );
        return EXIT.ok;
      }
      await waitForConnections(session, agentIds);
      const results = await fanOut(
        agentIds,
        (id) => session.fleet.client(id),
        (client) => spec.remove(client, name),
      );
      for (const r of results) {
        const label = agentLabel(session, r.agentId);
        io.stdout.write(
          r.ok
            ? `ok    ${label}: removed ${object}${spec.removed?.(r.result) ?? ''}\n`
            : `FAIL  ${label}: ${spec.refusal?.(r.error, name) ?? couldNot(`remove ${object}`, nameOf(session, r.agentId), r.error)}\n`,
        );
      }
      return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
    } finally {
      await session.close();
    }
  };
  return { usage, run };
}
