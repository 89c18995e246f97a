/**
 * `portico cert inspect FILE...`: the Console's drop zone on the command line — parse,
 * complete and validate, then print the chain, whether it is complete, and every problem with
 * its stable code. Exit status 1 when there are errors, so scripts can gate on it.
 */
import { basename } from 'node:path';
import { inspectCertificates } from '../certs/inspect.ts';
import { certLibraryDir, consoleDir } from '../store/console-dir.ts';
import type { InspectOptions, InspectResult } from '../certs/types.ts';
import { CONFIG_DIR_USAGE, EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import { formatInspectResult } from './format-inspect.ts';
import { firstLine, readInputFile } from './read-file.ts';

export const usage = `usage: portico cert inspect FILE... [--password-file F] [--expect-name NAME]...
                             [--no-aia] [--aia-timeout S] [--no-library] [--config-dir DIR] [--json]

  FILE...               PFX/P12, PEM (keys, certificates, bundles), CRT/CER (DER or Base-64), P7B;
                        files given together are one input (e.g. key.pem cert.crt chain.p7b)
  --password-file F     the PFX (or encrypted key) password: the first line of F
  --expect-name NAME    a host name or IP clients will use; it must be among the SANs (repeatable)
  --no-aia              do not download missing issuers from their AIA URLs
  --aia-timeout S       seconds one AIA download may take (default 5)
  --no-library          neither use nor add to the certificate library (intermediates seen
                        before: cert-library/ in the Console's settings directory)
${CONFIG_DIR_USAGE}
  --json                print { chain, complete, trusted, missing, errors, warnings } as JSON

exit status: 0 no errors (warnings allowed), 1 errors found or a file unreadable, 2 usage error
`;

const OPTIONS = {
  'password-file': { type: 'string' },
  'expect-name': { type: 'string', multiple: true },
  'no-aia': { type: 'boolean' },
  'aia-timeout': { type: 'string' },
  'config-dir': { type: 'string' },
  'no-library': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: files } = parseCommandLine(args, OPTIONS);
  if (values.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  if (files.length === 0) throw new UsageError('give at least one certificate file');

  const options: InspectOptions = { aia: values['no-aia'] !== true };
  if (values['password-file'] !== undefined)
    options.password = firstLine(await readInputFile(io.cwd, values['password-file']));
  if (values['expect-name']) options.expectedNames = values['expect-name'];
  if (values['aia-timeout'] !== undefined) {
    const seconds = Number(values['aia-timeout']);
    if (!(seconds > 0 && seconds <= 120))
      throw new UsageError('--aia-timeout takes seconds, more than 0 and at most 120');
    options.aiaTimeoutMs = Math.round(seconds * 1000);
  }
  if (!values['no-library'])
    options.libraryDir = certLibraryDir(consoleDir(io.env, values['config-dir'], io.cwd));

  const inputs = await Promise.all(
    files.map(async (file) => ({ name: basename(file), data: await readInputFile(io.cwd, file) })),
  );
  // The CLI has no UI to keep responsive, so it runs the pipeline in-process, not in the worker.
  const result = await inspectCertificates(inputs, options);
  io.stdout.write(
    values.json ? `${JSON.stringify(jsonView(result), null, 2)}\n` : formatInspectResult(result),
  );
  return result.errors.length > 0 ? EXIT.failed : EXIT.ok;
}

/** The documented JSON shape: what scripts read. Never the key, even though none was asked for. */
function jsonView(result: InspectResult) {
  return {
    chain: result.chain,
    complete: result.complete,
    trusted: result.trusted,
    ...(result.missing ? { missing: result.missing } : {}),
    errors: result.errors,
    warnings: result.warnings,
  };
}
