/**
 * `portico cert push FILE... --agents a,b`: inspect the files as `cert inspect` does, then
 * push key + chain (without the root unless --include-root) to each agent, optionally binding
 * it to virtual services. With `--replace FINGERPRINT`, every store entry holding that
 * certificate on each agent (default: all paired) gets the new one under its own name instead.
 * CA certificates without a key are pushed as a CA bundle (for reencrypt.ca), never bound.
 * One line per agent; exit status 1 when the files have errors or any agent failed.
 */
import { basename } from 'node:path';
import { proposedEntryName } from '../../shared/ipc/cert-entry-name.ts';
import { NAMES_NOT_COVERED, namesNotCoveredMessage } from '../../shared/ipc/cert-name-coverage.ts';
import { ConsoleError } from '../../shared/ipc/errors.ts';
import { ObjectName } from '../../shared/model/config-parts.ts';
import { normalizeFingerprint } from '../../shared/protocol/fingerprint.ts';
import { inspectCertificates } from '../certs/inspect.ts';
import { CA_BUNDLE_NOT_BOUND } from '../certs/push.ts';
import { EXIT, parseCommandLine, UsageError, type CliIo } from './command.ts';
import {
  openSession,
  reportOutcomes,
  resolveAgents,
  SESSION_OPTIONS,
  SESSION_USAGE,
  waitForConnections,
} from './fleet-session.ts';
import { firstLine, readInputFile } from './read-file.ts';

export const usage = `usage: portico cert push FILE... --agents ID|NAME[,…] [--name NAME] [--bind VS[,…]]
                          [--password-file F] [--include-root] [--force] [--allow-incomplete] [--no-aia]
                          [--config-dir DIR]
       portico cert push FILE... --replace FINGERPRINT [--agents ID|NAME[,…]] [--yes]
                          [--password-file F] [--include-root] [--force] [--allow-incomplete] [--no-aia]
                          [--config-dir DIR]

  FILE...               key and certificates as for cert inspect (PFX, PEM, DER, P7B); CA
                        certificates alone, without a key, go as a CA bundle (an internal root
                        a re-encrypting pool verifies its servers against: its reencrypt.ca)
  --agents A,B          paired agents, by id or name (with --replace: default every paired agent)
  --replace FP          replace the certificate with this SHA-256 fingerprint (hex, colons optional)
                        everywhere it is stored: each entry holding it gets the new one under its
                        own name, and the services using it reload; not with --name or --bind.
                        Refused when the new certificate lacks a name the old one has (they are
                        listed), unless --yes
  --yes                 with --replace: replace even though names are lost (no client uses them)
  --name NAME           the store entry on each agent (default: from the leaf's common name);
                        an existing entry of that name is replaced (a renewal)
  --bind VS,VS          https virtual services to serve it for its names (first in their
                        certificate list); what clients without SNI get stays as it was (the
                        service's tls.defaultCertificate)
  --password-file F     the PFX (or encrypted key) password: the first line of F
  --include-root        push the root too (clients normally have it)
  --force               store an expired or not-yet-valid certificate anyway
  --allow-incomplete    push a chain that stops before a root: by default a push is refused when
                        the issuer of its last certificate is in none of the files, the Console's
                        library or at its AIA URL (clients without it fail); name the
                        intermediate's file beside the PFX instead where you can
  --no-aia              do not download missing issuers from their AIA URLs
${SESSION_USAGE}

exit status: 0 pushed (or nothing to replace) everywhere, 1 the files have errors or an agent failed, 2 usage error
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: files } = parseCommandLine(args, {
    ...SESSION_OPTIONS,
    agents: { type: 'string' },
    name: { type: 'string' },
    bind: { type: 'string' },
    replace: { type: 'string' },
    'password-file': { type: 'string' },
    'include-root': { type: 'boolean' },
    force: { type: 'boolean' },
    'allow-incomplete': { type: 'boolean' },
    'no-aia': { type: 'boolean' },
    yes: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return EXIT.ok;
  }
  if (files.length === 0) throw new UsageError('give at least one certificate file');
  const replace = values.replace === undefined ? undefined : fingerprintOf(values.replace);
  if (replace === undefined && values.yes) throw new UsageError('--yes goes with --replace');
  if (replace !== undefined && (values.name !== undefined || values.bind !== undefined))
    throw new UsageError("--replace keeps each entry's name and bindings: not with --name or --bind");
  if (values.name !== undefined && !ObjectName.safeParse(values.name).success)
    throw new UsageError('--name is 1–63 letters, digits, "-" or "_", starting with a letter or digit');
  const password =
    values['password-file'] === undefined
      ? undefined
      : firstLine(await readInputFile(io.cwd, values['password-file']));
  const dropped = await Promise.all(
    files.map(async (file) => ({
      name: basename(file),
      bytes: new Uint8Array(await readInputFile(io.cwd, file)),
      ...(password === undefined ? {} : { password }),
    })),
  );
  const allowIncomplete = values['allow-incomplete'] === true;
  // No UI to keep responsive: the pipeline runs in-process, as in `cert inspect`; an incomplete
  // chain's message names this command's way to add the issuer, or to go ahead anyway.
  const session = openSession(io, values['config-dir'], {
    certs: {
      inspect: (f, options) => inspectCertificates(f, { ...options, incompleteHow: CLI_INCOMPLETE_HOW }),
    },
  });
  try {
    const agentIds =
      replace !== undefined && values.agents === undefined
        ? session.store.listAgents().map((a) => a.id)
        : resolveAgents(session, values.agents);
    if (agentIds.length === 0) throw new UsageError('no paired agents (portico pair adds one)');
    const inspection = await session.core.certs.inspect({ files: dropped, aia: values['no-aia'] !== true });
    for (const issue of inspection.errors) io.stderr.write(`error ${issue.code}: ${issue.message}\n`);
    for (const issue of inspection.warnings) io.stderr.write(`warning ${issue.code}: ${issue.message}\n`);
    if (!inspection.pushable) {
      io.stderr.write('not pushed: fix the errors above (portico cert inspect shows the whole chain)\n');
      return EXIT.failed;
    }
    if (inspection.incomplete) {
      const { code, message } = inspection.incomplete;
      if (!allowIncomplete) {
        io.stderr.write(`error ${code}: ${message}\nnot pushed: the chain is incomplete\n`);
        return EXIT.failed;
      }
      io.stderr.write(`warning ${code}: pushed anyway (--allow-incomplete): ${message}\n`);
    }
    if (replace !== undefined) {
      await waitForConnections(session, agentIds);
      let replaced;
      try {
        replaced = await session.core.certs.replaceEverywhere({
          inspectionId: inspection.inspectionId,
          fingerprint: replace,
          agentIds,
          ...(values['include-root'] ? { includeRoot: true } : {}),
          ...(values.force ? { force: true } : {}),
          ...(allowIncomplete ? { allowIncomplete: true } : {}),
          ...(values.yes ? { allowUncoveredNames: true } : {}),
        });
      } catch (error) {
        const lost = namesLost(error);
        if (!lost) throw error;
        io.stderr.write(
          `warning ${NAMES_NOT_COVERED}: ${namesNotCoveredMessage(lost, 'add --yes to replace anyway')}\nnot replaced anywhere\n`,
        );
        return EXIT.failed;
      }
      return reportOutcomes(io, session, replaced.results, describeReplaced);
    }
    const name = values.name ?? proposedEntryName(inspection);
    const bind = values.bind
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (inspection.caBundle && bind?.length) {
      io.stderr.write(`not pushed: ${CA_BUNDLE_NOT_BOUND} (leave out --bind)\n`);
      return EXIT.failed;
    }
    const what = inspection.caBundle ? 'CA bundle ' : '';
    await waitForConnections(session, agentIds);
    const pushed = await session.core.certs.push({
      inspectionId: inspection.inspectionId,
      targets: agentIds.map((agentId) => ({ agentId, name, ...(bind?.length ? { bind } : {}) })),
      ...(values['include-root'] ? { includeRoot: true } : {}),
      ...(values.force ? { force: true } : {}),
      ...(allowIncomplete ? { allowIncomplete: true } : {}),
    });
    return reportOutcomes(io, session, pushed.results, (r) =>
      [
        `${r.replaced ? 'replaced' : 'imported'} ${what}"${r.name}"`,
        r.reloaded.length ? `reloaded ${r.reloaded.join(', ')}` : '',
        r.bound.length ? `bound to ${r.bound.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  } finally {
    await session.close();
  }
}

/** How an admin at this command adds a missing issuer, or goes ahead without it (chain-verdict.ts). */
const CLI_INCOMPLETE_HOW = {
  add: 'name the intermediate certificate file beside the PFX',
  override: 'push anyway with --allow-incomplete',
};

/** `replaced "www", "www-old"; reloaded exchange-https`, or `nothing to replace`. */
function describeReplaced({ replaced }: { replaced: { name: string; reloaded: string[] }[] }): string {
  if (replaced.length === 0) return 'nothing to replace';
  const reloaded = [...new Set(replaced.flatMap((r) => r.reloaded))];
  return [
    `replaced ${replaced.map((r) => `"${r.name}"`).join(', ')}`,
    reloaded.length ? `reloaded ${reloaded.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The names a refused replace would lose (the core's CERT_ERROR NAMES_NOT_COVERED), else undefined. */
function namesLost(error: unknown): string[] | undefined {
  if (!(error instanceof ConsoleError) || error.code !== 'CERT_ERROR') return undefined;
  const details = error.details as { code?: unknown; names?: unknown } | undefined;
  return details?.code === NAMES_NOT_COVERED && Array.isArray(details.names)
    ? details.names.map(String)
    : undefined;
}

/** Any case, colons optional (as openssl or a browser shows it) → the one form the channel takes. */
function fingerprintOf(text: string): string {
  const fingerprint = normalizeFingerprint(text);
  if (fingerprint === undefined) throw new UsageError('--replace takes a SHA-256 fingerprint: 64 hex digits');
  return fingerprint;
}
