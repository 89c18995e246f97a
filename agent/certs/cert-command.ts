/**
 * `portico-agent cert …`: import, list and remove store entries from the command line; request
 * and renew certificates from ACME CAs through the running agent (request-command.ts).
 * Exit codes: 0 done, 1 refused or failed (message on stderr), 2 usage error.
 * Never prints a private key or a password — only summaries.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CertError } from '../../shared/certs/errors.ts';
import { displayName } from '../../shared/certs/cert-details.ts';
import { formatDate } from '../../shared/certs/messages.ts';
import type { CertIssue } from '../../shared/certs/summary-types.ts';
import { CertStore, type CertImportResult, type CertListEntry } from './store.ts';
import { CertStoreError } from './store-errors.ts';
import { ConfigUnreadable, readUsedBy } from './used-by.ts';
import { reloadRunningAgent } from '../pid-file.ts';
import { peekRenewals, type RenewalView } from '../acme/renewals-file.ts';

export interface CommandIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export const CERT_USAGE = `usage:
  portico-agent cert import --data-dir DIR --name NAME --pfx FILE [--pem FILE]... [--password-file FILE]
                            [--force] [--allow-incomplete]
  portico-agent cert import --data-dir DIR --name NAME --pem FILE... [--password-file FILE] [--force]
                            [--allow-incomplete]
  portico-agent cert request --data-dir DIR --name NAME --domain D [--domain D]... --directory DIR_URL
                             --email ADDRESS [--bind VS,…] [--directory-ca NAME] [--key-type T] [--api URL]
  portico-agent cert renew  --data-dir DIR --name NAME [--api URL]
  portico-agent cert list   --data-dir DIR [--json]
  portico-agent cert remove --data-dir DIR --name NAME

  --pfx FILE            a PFX/P12 file with the private key (and usually the chain)
  --pem FILE...         PEM, CRT/CER (DER or Base-64) or P7B files: a key and its certificates,
                        or only CA certificates (stored as a CA bundle for reencrypt.ca); with
                        --pfx, the intermediates (and root) the PFX was exported without
  --password-file FILE  the PFX (or encrypted key) password, first line of FILE
  --force               store an expired or not yet valid certificate anyway
  --allow-incomplete    store a certificate whose chain stops before a root: by default an
                        import is refused when the issuer of the last certificate is in none of
                        the files and not a root this machine trusts (clients without it fail)
  Importing an existing NAME replaces it (that is how a certificate is renewed).

  request: the running agent orders the certificate from an ACME CA, proves each --domain over
  HTTP-01 on its own http and redirect services (the names must resolve to it, port 80), stores
  it under NAME, binds it to the https services --bind names, and renews it at two thirds of
  its lifetime from then on. renew: now. Both ask the agent running on DIR (its API, token and
  fingerprint from DIR).
  --directory           letsencrypt, letsencrypt-staging, or the https URL of an ACME directory
  --directory-ca NAME   a CA bundle in the store that signs a private ACME server's https
  --key-type T          ec-p256 (default) or rsa-2048
  --api URL             the agent's API (wss://HOST:PORT/v1) when agent.json's is not reachable
`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  name: { type: 'string' },
  pfx: { type: 'string' },
  pem: { type: 'string', multiple: true },
  'password-file': { type: 'string' },
  force: { type: 'boolean' },
  'allow-incomplete': { type: 'boolean' },
  json: { type: 'boolean' },
  domain: { type: 'string', multiple: true },
  directory: { type: 'string' },
  email: { type: 'string' },
  bind: { type: 'string' },
  'directory-ca': { type: 'string' },
  'key-type': { type: 'string' },
  api: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const ALLOWED: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  import: ['data-dir', 'name', 'pfx', 'pem', 'password-file', 'force', 'allow-incomplete', 'help'],
  list: ['data-dir', 'json', 'help'],
  remove: ['data-dir', 'name', 'help'],
  request: [
    'data-dir',
    'name',
    'domain',
    'directory',
    'email',
    'bind',
    'directory-ca',
    'key-type',
    'api',
    'help',
  ],
  renew: ['data-dir', 'name', 'api', 'help'],
};

class UsageError extends Error {}

/** `argv`: the words after `portico-agent`, with or without the leading `cert`. */
export async function runCertCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = argv[0] === 'cert' ? argv.slice(1) : argv;
  try {
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    const [command, ...rest] = positionals;
    if (values.help && (!command || command in ALLOWED)) {
      io.stdout.write(CERT_USAGE);
      return 0;
    }
    if (!command) throw new UsageError('missing subcommand: import, request, renew, list or remove');
    const allowed = ALLOWED[command];
    if (!allowed)
      throw new UsageError(`unknown subcommand "${command}": use import, request, renew, list or remove`);
    for (const option of Object.keys(values) as (keyof typeof OPTIONS)[]) {
      if (!allowed.includes(option)) throw new UsageError(`--${option} does not apply to "cert ${command}"`);
    }
    const dataDir = required(values['data-dir'], '--data-dir');
    switch (command) {
      case 'import':
        return await runImport(dataDir, values, rest, io);
      case 'list':
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        return await runList(dataDir, values.json === true, io);
      case 'request':
      case 'renew': {
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        const { runRequest, runRenew } = await import('./request-command.ts');
        const name = required(values.name, '--name');
        if (command === 'renew') return await runRenew(dataDir, name, values.api, io);
        const keyType = values['key-type'];
        if (keyType !== undefined && keyType !== 'ec-p256' && keyType !== 'rsa-2048')
          throw new UsageError(`--key-type "${keyType}": use ec-p256 or rsa-2048`);
        if (!values.domain?.length) throw new UsageError('name at least one --domain');
        return await runRequest(
          dataDir,
          {
            name,
            domains: values.domain,
            directoryUrl: required(values.directory, '--directory'),
            email: required(values.email, '--email'),
            ...(values.bind
              ? {
                  bind: values.bind
                    .split(',')
                    .map((v) => v.trim())
                    .filter(Boolean),
                }
              : {}),
            ...(values['directory-ca'] ? { directoryCa: values['directory-ca'] } : {}),
            ...(keyType ? { keyType } : {}),
          },
          values.api,
          io,
        );
      }
      default:
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        return await runRemove(dataDir, required(values.name, '--name'), io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n${CERT_USAGE}`);
      return 2;
    }
    reportFailure(error, io);
    return 1;
  }
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '') throw new UsageError(`${option} is required`);
  return value;
}

async function runImport(
  dataDir: string,
  values: Values,
  extraFiles: string[],
  io: CommandIo,
): Promise<number> {
  const name = required(values.name, '--name');
  const pem = [...(values.pem ?? []), ...extraFiles];
  if (values.pem === undefined && extraFiles.length > 0)
    throw new UsageError(`unexpected argument "${extraFiles[0]}"`);
  if (values.pfx === undefined && pem.length === 0) throw new UsageError('give --pfx FILE or --pem FILE...');

  const password =
    values['password-file'] === undefined ? undefined : firstLine(await readInput(values['password-file']));
  const store = new CertStore(dataDir);
  const files = await Promise.all(pem.map(readInput));
  const input =
    values.pfx !== undefined
      ? {
          pfx: await readInput(values.pfx),
          ...(files.length ? { extra: files } : {}),
          ...(password === undefined ? {} : { password }),
        }
      : { files, ...(password === undefined ? {} : { password }) };
  const result = await store.import(name, input, {
    force: values.force === true,
    requireCompleteChain: values['allow-incomplete'] !== true,
  });
  printImport(result, io);
  // A renewed certificate goes live at once: the running agent reloads and swaps contexts.
  const pid = await reloadRunningAgent(dataDir);
  if (pid !== undefined) io.stdout.write(`asked the running agent (pid ${pid}) to reload\n`);
  return 0;
}

async function runList(dataDir: string, json: boolean, io: CommandIo): Promise<number> {
  let usedBy: (name: string) => string[];
  try {
    usedBy = await readUsedBy(dataDir);
  } catch (error) {
    if (!(error instanceof ConfigUnreadable)) throw error;
    io.stderr.write(`warning: ${error.message}; "used by" is left empty\n`);
    usedBy = () => [];
  }
  const renewals = await peekRenewals(dataDir);
  const entries = (await new CertStore(dataDir).list(usedBy)).map((entry) => {
    const renewal = entry.source === 'acme' ? renewals.get(entry.name) : undefined;
    return renewal ? { ...entry, acme: renewal } : entry;
  });
  if (json) io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else io.stdout.write(formatList(entries));
  return 0;
}

async function runRemove(dataDir: string, name: string, io: CommandIo): Promise<number> {
  // Unlike list, an unreadable config refuses: removing a certificate a service needs breaks it.
  const usedBy = await readUsedBy(dataDir);
  await new CertStore(dataDir).remove(name, usedBy(name));
  io.stdout.write(`removed "${name}"\n`);
  return 0;
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      cause: error,
    });
  }
}

/** The password is the first line: editors and `echo` add a newline nobody meant as part of it. */
function firstLine(data: Buffer): string {
  return data.toString('utf8').split(/\r?\n/)[0] ?? '';
}

function printImport(result: CertImportResult, io: CommandIo): void {
  const s = result.summary;
  const lines = [
    `${result.replaced ? 'replaced' : 'imported'} ${result.kind === 'ca-bundle' ? `CA bundle (${result.chain.length} certificate${result.chain.length === 1 ? '' : 's'})` : 'certificate'} "${result.name}"`,
    `  subject:  ${s.subject.dn}`,
  ];
  const names = [...s.sans.dns, ...s.sans.ip];
  if (names.length) lines.push(`  names:    ${names.join(', ')}`);
  lines.push(
    `  issuer:   ${s.issuer.dn}`,
    `  expires:  ${formatDate(s.notAfter)}`,
    `  key:      ${s.keyType}`,
    `  sha-256:  ${s.fingerprint}`,
  );
  if (result.kind === 'certificate')
    lines.push(`  chain:    ${result.chain.map((c) => displayName(c.subject)).join(' → ')}`);
  for (const skipped of result.notStored) {
    const why = skipped.reason === 'root' ? 'the root: clients use their own copy' : 'not part of this chain';
    lines.push(`  not stored: ${displayName(skipped.summary.subject)} (${why})`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning.message} [${warning.code}]\n`);
}

function formatList(entries: (CertListEntry & { acme?: RenewalView })[]): string {
  if (entries.length === 0) return 'no certificates in the store\n';
  const rows = entries.map((e) =>
    e.problem
      ? [e.name, e.kind, `damaged: ${e.problem}`, '', '', '', '', e.usedBy.join(', ')]
      : [
          e.name,
          e.kind,
          displayName(e.subject),
          e.notAfter.slice(0, 10),
          e.keyType,
          e.source,
          renewsColumn(e.acme),
          e.usedBy.join(', ') || '-',
        ],
  );
  const header = ['NAME', 'KIND', 'SUBJECT', 'EXPIRES', 'KEY', 'SOURCE', 'RENEWS', 'USED BY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(format).join('\n')}\n`;
}

/** `2026-02-01 16:00` or `2026-02-01 16:00 (2 failed: www.example.com: …)`. */
function renewsColumn(renewal: RenewalView | undefined): string {
  if (!renewal) return '-';
  const at = renewal.nextRenewalAt.slice(0, 16).replace('T', ' ');
  if (renewal.failures === 0) return at;
  return `${at} (${renewal.failures} failed${renewal.lastError ? `: ${renewal.lastError.message.slice(0, 60)}` : ''})`;
}

function reportFailure(error: unknown, io: CommandIo): void {
  if (error instanceof CertError) {
    const issues: CertIssue[] = error.issues.length
      ? error.issues
      : [{ code: error.code, message: error.message }];
    for (const issue of issues) io.stderr.write(`error: ${issue.message} [${issue.code}]\n`);
    if (error.code === 'PASSWORD_REQUIRED')
      io.stderr.write(
        'hint: put the password in a file readable only by you and pass --password-file FILE\n',
      );
    return;
  }
  if (error instanceof CertStoreError) {
    io.stderr.write(`error: ${error.message} [${error.code}]\n`);
    return;
  }
  io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
}
