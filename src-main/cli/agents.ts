/** `portico agents`: the paired agents by site, with the state each one is in right now. */
import { EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import { openSession, SESSION_OPTIONS, SESSION_USAGE, waitForConnections } from './fleet-session.ts';

export const usage = `usage: portico agents [--json] [--config-dir DIR]

  --json                print the fleet view (sites → agents with state) as JSON
${SESSION_USAGE}
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...SESSION_OPTIONS, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  const session = openSession(io, values['config-dir']);
  try {
    await waitForConnections(
      session,
      session.store.listAgents().map((a) => a.id),
    );
    const view = await session.core.fleet.list();
    if (values.json) {
      io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      return EXIT.ok;
    }
    if (view.sites.length === 0) io.stdout.write('no paired agents (portico pair ADDRESS --token-file F)\n');
    for (const { site, agents } of view.sites) {
      io.stdout.write(`${site || '(no site)'}\n`);
      for (const a of agents) {
        const why = 'reason' in a.state ? ` (${a.state.reason})` : '';
        io.stdout.write(`  ${a.name}  ${a.id}  ${a.address}:${a.port}  ${a.state.kind}${why}\n`);
      }
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
