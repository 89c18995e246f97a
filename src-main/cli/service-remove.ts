/**
 * `portico service remove NAME --agents A,B --yes`: removes a virtual service from each agent
 * (its listener stops accepting and drains; its pools stay). Without --yes it only says what
 * it would remove where: a removal takes a service off the air.
 */
import { couldNot } from '../../shared/model/problems.ts';
import { fanOut } from '../fleet/fan-out.ts';
import { EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import {
  agentLabel,
  nameOf,
  openSession,
  resolveAgents,
  SESSION_OPTIONS,
  SESSION_USAGE,
  waitForConnections,
} from './fleet-session.ts';

export const usage = `usage: portico service remove NAME --agents A,B [--yes]

  --agents A,B          ids or names of paired agents
  --yes                 remove it; without, say what would be removed and where
${SESSION_USAGE}
`;

export async function run(args: string[], io: CliIo): Promise<number> {
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
  if (name === undefined) throw new UsageError('name the virtual service to remove');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const session = openSession(io, values['config-dir']);
  try {
    const agentIds = resolveAgents(session, values.agents);
    if (!values.yes) {
      const where = agentIds.map((id) => agentLabel(session, id)).join(', ');
      io.stdout.write(
        `would remove service "${name}" from ${where}: its listener stops; add --yes to do it\n`,
      );
      return EXIT.ok;
    }
    await waitForConnections(session, agentIds);
    const results = await fanOut(
      agentIds,
      (id) => session.fleet.client(id),
      (client) => client.request('virtualService.remove', { name }),
    );
    for (const r of results) {
      const label = agentLabel(session, r.agentId);
      io.stdout.write(
        r.ok
          ? `ok    ${label}: removed service "${name}" (revision ${r.result.revision})\n`
          : `FAIL  ${label}: ${couldNot(`remove service "${name}"`, nameOf(session, r.agentId), r.error)}\n`,
      );
    }
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
  } finally {
    await session.close();
  }
}
