/**
 * `portico-agent token …`: shows or replaces the admin token.
 *   token --data-dir DIR          prints the token
 *   token rotate --data-dir DIR   makes a new one, prints it, and asks a running agent to reload
 * Exit codes: 0 done, 1 refused or failed (message on stderr), 2 usage error.
 * The token is the only thing written to stdout, on a line of its own, so that scripts can
 * capture it with `$(portico-agent token --data-dir DIR)`.
 */
import { parseArgs } from 'node:util';
import { reloadRunningAgent } from '../pid-file.ts';
import { readToken, rotateToken } from './token.ts';

export interface CommandIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Signals the agent running on `dataDir`, if any, to reload, and returns its pid. Tests replace this. */
  reload?: (dataDir: string) => Promise<number | undefined>;
}

export const TOKEN_USAGE = `usage:
  portico-agent token --data-dir DIR          print the admin token
  portico-agent token rotate --data-dir DIR   replace it with a new random token and print that
`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `argv`: the words after `portico-agent`, with or without the leading `token`. */
export async function runTokenCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = argv[0] === 'token' ? argv.slice(1) : argv;
  let values: { 'data-dir'?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const [command, ...extra] = positionals;
  if (command !== undefined && command !== 'rotate')
    return usage(io, `unknown subcommand "${command}": use "token" or "token rotate"`);
  if (extra.length) return usage(io, `unexpected argument "${extra[0]}"`);
  if (values.help) {
    io.stdout.write(TOKEN_USAGE);
    return 0;
  }
  const dataDir = values['data-dir'];
  if (!dataDir) return usage(io, '--data-dir is required');

  try {
    if (command === undefined) {
      io.stdout.write(`${(await readToken(dataDir)).token}\n`);
      return 0;
    }
    const { token, tokenId } = await rotateToken(dataDir);
    io.stdout.write(`${token}\n`);
    const pid = await (io.reload ?? reloadRunningAgent)(dataDir);
    io.stderr.write(
      pid === undefined
        ? `new token ${tokenId} saved. No agent is running on ${dataDir}; the token applies when it starts.\n`
        : `new token ${tokenId} saved; asked the running agent (pid ${pid}) to reload: ` +
            `sessions using the old token will be closed.\n`,
    );
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function usage(io: CommandIo, message: string): number {
  io.stderr.write(`error: ${message}\n${TOKEN_USAGE}`);
  return 2;
}
