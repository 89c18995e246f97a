/**
 * `portico`: the Console's command line, over the same core as the app. A subcommand is a
 * file in this folder plus one line in COMMANDS; main.ts runs it from a shell.
 * Exit status: 0 ok, 1 failed (or, for checks, problems found), 2 usage error.
 */
import { EXIT, UsageError, type CliCommand, type CliIo } from './command.ts';

export const COMMANDS: readonly CliCommand[] = [
  {
    words: ['cert', 'inspect'],
    synopsis: 'cert inspect FILE... [--password-file F] [--no-aia] [--json]   parse, complete and check',
    load: () => import('./cert-inspect.ts'),
  },
  {
    words: ['agents'],
    synopsis: 'agents [--json]                                                  the paired agents by site',
    load: () => import('./agents.ts'),
  },
  {
    words: ['health'],
    synopsis:
      'health [--agent A,B] [--site S] [--state S] [--pool P] [--json]   real servers: state and reason',
    load: () => import('./health.ts'),
  },
  {
    words: ['service', 'remove'],
    synopsis: 'service remove NAME --agents A,B [--yes]                     remove a virtual service',
    load: () => import('./service-remove.ts'),
  },
  {
    words: ['cert', 'remove'],
    synopsis:
      'cert remove NAME --agents A,B [--yes]                        remove a certificate from the stores',
    load: () => import('./cert-remove.ts'),
  },
  {
    words: ['pair'],
    synopsis: 'pair ADDRESS[:PORT] --token-file F [--fingerprint FP]            pair with an agent',
    load: () => import('./pair.ts'),
  },
  {
    words: ['cert', 'push'],
    synopsis: 'cert push FILE... --agents A,B [--name N] [--bind VS,…]          push key + chain to agents',
    load: () => import('./cert-push.ts'),
  },
  {
    words: ['cert', 'request'],
    synopsis:
      'cert request --agents A,B --name N --domain D… --directory X    from an ACME CA, renewed by each agent',
    load: () => import('./cert-request.ts'),
  },
  {
    words: ['template', 'apply'],
    synopsis:
      'template apply ID --agents A,B [--params FILE] [--dry-run]       preview, then apply per agent',
    load: () => import('./template-apply.ts'),
  },
  {
    words: ['ha'],
    synopsis: 'ha create|status|apply|template|heal|failover|leave NAME …  HA pairs: both members or neither',
    load: () => import('./ha.ts'),
  },
];

export async function runCli(argv: readonly string[], io: CliIo, commands = COMMANDS): Promise<number> {
  // The longest match wins, so `cert push` and `cert inspect` can sit beside a future `cert`.
  const command = [...commands]
    .sort((a, b) => b.words.length - a.words.length)
    .find((c) => c.words.every((word, i) => argv[i] === word));
  if (!command) {
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout.write(overview(commands));
      return EXIT.ok;
    }
    const problem = argv.length === 0 ? 'missing command' : `unknown command "${argv.slice(0, 2).join(' ')}"`;
    io.stderr.write(`error: ${problem}\n${overview(commands)}`);
    return EXIT.usage;
  }
  const module = await command.load();
  try {
    return await module.run(argv.slice(command.words.length), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n${module.usage}`);
      return EXIT.usage;
    }
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

function overview(commands: readonly CliCommand[]): string {
  return `usage: portico COMMAND … (COMMAND --help for details)\n\n${commands.map((c) => `  portico ${c.synopsis}`).join('\n')}\n`;
}
