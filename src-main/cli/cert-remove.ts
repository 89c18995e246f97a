/**
 * `portico cert remove NAME --agents A,B --yes`: removes a store entry from each agent. An agent
 * whose services still use it refuses and names them. Without --yes it only says what it would
 * remove where.
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

export const usage = `usage: portico cert remove NAME --agents A,B [--yes]

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
  if (name === undefined) throw new UsageError('name the certificate to remove');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const session = openSession(io, values['config-dir']);
  try {
    const agentIds = resolveAgents(session, values.agents);
    if (!values.yes) {
      const where = agentIds.map((id) => agentLabel(session, id)).join(', ');
      io.stdout.write(`would remove certificate "${name}" from ${where}; add --yes to do it\n`);
      return EXIT.ok;
    }
    await waitForConnections(session, agentIds);
    const results = await fanOut(
      agentIds,
      (id) => session.fleet.client(id),
      (client) => client.request('cert.remove', { name }),
    );
    for (const r of results) {
      const label = agentLabel(session, r.agentId);
      const usedBy =
        !r.ok && r.error.code === 'IN_USE'
          ? (r.error.data as { usedBy?: string[] } | undefined)?.usedBy
          : undefined;
      io.stdout.write(
        r.ok
          ? `ok    ${label}: removed certificate "${name}"\n`
          : usedBy?.length
            ? `FAIL  ${label}: could not remove certificate "${name}": services ${usedBy.join(', ')} use it; bind another certificate to them first\n`
            : `FAIL  ${label}: ${couldNot(`remove certificate "${name}"`, nameOf(session, r.agentId), r.error)}\n`,
      );
    }
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
  } finally {
    await session.close();
  }
}
