/**
 * `portico pair ADDRESS --token-file F`: pair with an agent (trust on first use: the
 * fingerprint it presents is pinned and printed; give --fingerprint to check it first).
 */
import { DEFAULT_AGENT_PORT } from '../../shared/protocol/transport.ts';
import { Fingerprint } from '../../shared/protocol/fingerprint.ts';
import { ConsoleError } from '../../shared/ipc/errors.ts';
import { EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import { openSession, SESSION_OPTIONS, SESSION_USAGE } from './fleet-session.ts';
import { firstLine, readInputFile } from './read-file.ts';

export const usage = `usage: portico pair ADDRESS[:PORT] --token-file F [--fingerprint FP] [--config-dir DIR]

  ADDRESS[:PORT]        the agent's management API (default port ${DEFAULT_AGENT_PORT})
  --token-file F        the agent's admin token: the first line of F (portico-agent token prints it)
  --fingerprint FP      refuse unless the agent presents this SHA-256 fingerprint (AB:CD:…)
${SESSION_USAGE}

exit status: 0 paired, 1 refused or unreachable, 2 usage error
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ...SESSION_OPTIONS,
    'token-file': { type: 'string' },
    fingerprint: { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('give one agent address');
  if (!values['token-file']) throw new UsageError('give the agent token: --token-file F');
  const { address, port } = splitAddress(positionals[0]!);
  let expectedFingerprint: string | undefined;
  if (values.fingerprint !== undefined) {
    const checked = Fingerprint.safeParse(values.fingerprint);
    if (!checked.success)
      throw new UsageError('--fingerprint takes a SHA-256 fingerprint (AB:CD:… 32 pairs)');
    expectedFingerprint = checked.data;
  }
  const token = firstLine(await readInputFile(io.cwd, values['token-file']));
  // Pairing needs no connections to the other agents.
  const session = openSession(io, values['config-dir'], { connect: false });
  try {
    const paired = await session.core.fleet.pair({
      address,
      port,
      token,
      ...(expectedFingerprint ? { expectedFingerprint } : {}),
    });
    io.stdout.write(
      `${paired.refreshed ? 'already paired, refreshed' : 'paired'}: ${paired.agent.name} (${paired.agent.id})` +
        ` site "${paired.agent.site}" at ${address}:${port}\n  pinned fingerprint ${paired.fingerprint}\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ConsoleError)) throw error;
    io.stderr.write(`refused: ${error.code} ${error.message}\n`);
    return EXIT.failed;
  } finally {
    await session.close();
  }
}

function splitAddress(text: string): { address: string; port: number } {
  // [v6]:port, host:port, or a bare host / IPv6 address.
  const match = /^\[(.+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  const address = match ? match[1]! : text;
  const port = match?.[2] === undefined ? DEFAULT_AGENT_PORT : Number(match[2]);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new UsageError(`bad port in "${text}"`);
  return { address, port };
}
