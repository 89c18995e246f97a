/**
 * What a `portico` subcommand is: the words that select it and a module that runs it. Each
 * subcommand lives in its own file under src-main/cli/ and is listed once in commands.ts's table,
 * loaded only when chosen (so `cert inspect` does not load the fleet client, and vice versa).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  /** Relative file arguments are read from here. */
  cwd: string;
}

/** What a subcommand's module exports. */
export interface CliCommandModule {
  /** Shown with --help and after a usage error. */
  usage: string;
  /** `args`: the words after the command's own words. Resolves to the exit status. */
  run(args: string[], io: CliIo): Promise<number>;
}

export interface CliCommand {
  /** The words that select it: `['cert', 'inspect']`. */
  words: readonly string[];
  /** One line for `portico --help`. */
  synopsis: string;
  load(): Promise<CliCommandModule>;
}

/** Wrong arguments: exit status 2, the message and the command's usage on stderr. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Every subcommand takes `--config-dir` (store/console-dir.ts): one line for their usage. */
export const CONFIG_DIR_USAGE = `  --config-dir DIR      the Console's directory (default $PORTICO_CONSOLE_DIR or the per-user
                        config dir): paired agents, tokens, the certificate library`;

/** Exit statuses shared by every subcommand. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A subcommand's arguments, strictly: an unknown option or a missing value is a UsageError
 * (exit 2 with the usage), never a stack trace.
 */
export function parseCommandLine<const O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
