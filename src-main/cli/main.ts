/** `portico …` run from a shell: the CLI over this process's streams, environment and directory. */
import type { CliIo } from './command.ts';
import { runCli } from './commands.ts';

const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
// exitCode, not exit(): stdout to a pipe is flushed asynchronously and must not be cut off.
process.exitCode = await runCli(process.argv.slice(2), io);
