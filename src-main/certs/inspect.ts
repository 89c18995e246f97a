/**
 * The certificate pipeline behind the drop zone and `portico cert inspect`: parse every file
 * with shared/certs, complete the chain (files → library → AIA, with the trusted roots as
 * anchors), validate it, learn new intermediates, and describe it all as plain data.
 *
 * Runs on whatever thread calls it: the Console calls it through the worker (worker.ts), the
 * CLI directly. Collaborators (fetch, library) come in as arguments so tests use real ones.
 */
import type { X509Certificate } from 'node:crypto';
import { completeChain, type ChainCandidate, type ChainResult } from '../../shared/certs/chain.ts';
import { incompleteChain, incompleteChainIssue } from '../../shared/certs/chain-verdict.ts';
import { displayName } from '../../shared/certs/cert-details.ts';
import { isCertError } from '../../shared/certs/errors.ts';
import { messages } from '../../shared/certs/messages.ts';
import {
  combineInputs,
  parseCertificateInput,
  type ParsedInput,
  type ParsedKey,
} from '../../shared/certs/parse.ts';
import { summarize } from '../../shared/certs/summary.ts';
import { validateChain } from '../../shared/certs/validate.ts';
import type { FetchLike } from './aia.ts';
import { createIssuerSupplier, type TrackingSupplier } from './issuer-supplier.ts';
import { CertLibrary } from './library.ts';
import { CONSOLE_INCOMPLETE_HOW, CONSOLE_SEARCHED, consoleMessages } from './messages.ts';
import { caBundlePayload, pushPayload } from './push-payload.ts';
import { loadSystemRoots } from '../../shared/certs/system-roots.ts';
import { parseTrustedRoots } from './roots.ts';
import type {
  InspectedCert,
  InspectedFile,
  InspectFile,
  InspectIssue,
  InspectOptions,
  InspectResult,
  MissingReport,
} from './types.ts';

export interface InspectDeps {
  /** Used for AIA downloads instead of the global fetch. */
  fetch?: FetchLike;
  /** Used instead of opening `options.libraryDir`. */
  library?: CertLibrary;
}

/** Enough rounds for library hits plus the AIA hop limit; completeChain stops earlier when nothing new turns up. */
const MAX_ROUNDS = 10;

export async function inspectCertificates(
  files: readonly InspectFile[],
  options: InspectOptions = {},
  deps: InspectDeps = {},
): Promise<InspectResult> {
  const read = readFiles(files, options.password);
  const input = combineInputs(read.parsed.map((p) => p.input));
  const certificates: ChainCandidate[] = input.certificates.map((c) =>
    c.position === undefined
      ? { cert: c.cert, source: 'file' }
      : { cert: c.cert, source: 'file', position: c.position },
  );
  const trustedRoots: ChainCandidate[] = [
    ...(options.systemRoots === false ? [] : loadSystemRoots()),
    ...parseTrustedRoots(options.trustedRoots ?? []),
  ].map((cert) => ({ cert, source: 'system' }));

  const library = deps.library ?? (options.libraryDir ? new CertLibrary(options.libraryDir) : undefined);
  const supplier = createIssuerSupplier(
    new Map(input.certificates.map((c) => [c.cert.fingerprint256, c.cert])),
    {
      library,
      aia:
        options.aia === false
          ? false
          : {
              ...(deps.fetch ? { fetch: deps.fetch } : {}),
              ...(options.aiaTimeoutMs ? { timeoutMs: options.aiaTimeoutMs } : {}),
              ...(options.aiaMaxBytes ? { maxBytes: options.aiaMaxBytes } : {}),
              ...(options.aiaMaxHops ? { maxHops: options.aiaMaxHops } : {}),
            },
    },
  );
  const built = await completeChain(
    { keys: input.keys.map((k) => k.key), certificates, trustedRoots },
    supplier.supply,
    { maxRounds: MAX_ROUNDS },
  );

  const missing = built.missing && missingReport(built, supplier);
  const caBundle = options.allowCaBundle === true && isCaBundle(input, read);
  const { errors, warnings } = check(built, read, input, missing, { ...options, caBundle });
  const learned = library ? await learn(library, built) : [];

  const describe = (
    cert: X509Certificate,
    link: { summary: InspectedCert['summary']; source: InspectedCert['source'] },
  ) => {
    const origin =
      link.source === 'file'
        ? read.fileOf.get(cert.fingerprint256)
        : supplier.origins.get(cert.fingerprint256);
    return origin === undefined ? { summary: link.summary, source: link.source } : { ...link, origin };
  };
  const parsedKey = built.key && input.keys.find((k) => k.key === built.key);
  const result: InspectResult = {
    chain: built.chain.map((link) => describe(link.cert, { summary: link.summary, source: link.source })),
    complete: built.complete,
    trusted: built.trusted,
    unused: built.unused.map((c) => describe(c.cert, { summary: summarize(c.cert), source: c.source })),
    files: read.files,
    aia: supplier.downloads,
    learned,
    errors,
    warnings,
  };
  if (missing) result.missing = missing;
  if (caBundle) result.caBundle = true;
  // The one verdict the agent's import gives too, judged after the library and AIA had their turn.
  // A CA bundle is a set of trust anchors, not a chain served to clients: no verdict applies.
  const gap = caBundle ? undefined : incompleteChain(built);
  if (gap)
    result.incomplete = incompleteChainIssue(
      gap,
      CONSOLE_SEARCHED,
      options.incompleteHow ?? CONSOLE_INCOMPLETE_HOW,
    );
  if (parsedKey) result.key = keyInfo(parsedKey, built.keyMatchesLeaf === true, read.keyFile.get(parsedKey));
  if (options.pushPayload && errors.length === 0 && caBundle) {
    result.push = caBundlePayload(input.certificates);
  } else if (options.pushPayload && errors.length === 0 && built.keyMatchesLeaf && parsedKey) {
    const includeRoot = typeof options.pushPayload === 'object' && options.pushPayload.includeRoot === true;
    result.push = pushPayload(parsedKey.pem, built, includeRoot);
    // The payload carries its verdict wherever it is kept, so no push can forget to ask.
    if (result.incomplete) result.push.incomplete = result.incomplete;
  }
  return result;
}

interface ReadFiles {
  parsed: { name: string; input: ParsedInput }[];
  files: InspectedFile[];
  errors: InspectIssue[];
  /** Certificate fingerprint → the first file it was in. */
  fileOf: Map<string, string>;
  keyFile: Map<ParsedKey, string>;
}

function readFiles(files: readonly InspectFile[], password: string | undefined): ReadFiles {
  const out: ReadFiles = { parsed: [], files: [], errors: [], fileOf: new Map(), keyFile: new Map() };
  for (const file of files) {
    try {
      const input = parseCertificateInput(file.data, password === undefined ? {} : { password });
      out.parsed.push({ name: file.name, input });
      out.files.push({
        name: file.name,
        format: input.format,
        certificates: input.certificates.length,
        keys: input.keys.length,
        ignored: input.ignored,
      });
      for (const c of input.certificates)
        if (!out.fileOf.has(c.cert.fingerprint256)) out.fileOf.set(c.cert.fingerprint256, file.name);
      for (const k of input.keys) out.keyFile.set(k, file.name);
    } catch (error) {
      // One unreadable file (a wrong PFX password) is reported and the others still inspected.
      out.files.push({ name: file.name, certificates: 0, keys: 0, ignored: [] });
      out.errors.push(
        isCertError(error)
          ? { code: error.code, message: error.message, file: file.name }
          : {
              code: 'DAMAGED_FILE',
              message: messages.damaged('file', error instanceof Error ? error.message : String(error)),
              file: file.name,
            },
      );
    }
  }
  return out;
}

/**
 * Certificates only, every one a CA, no key and no PFX (a PFX is exported for its key): an
 * internal root, or a root and its intermediates, for a re-encrypting pool to verify against.
 */
function isCaBundle(input: ParsedInput, read: ReadFiles): boolean {
  return (
    read.errors.length === 0 &&
    input.keys.length === 0 &&
    input.certificates.length > 0 &&
    input.certificates.every((c) => c.summary.isCA) &&
    !read.parsed.some((p) => p.input.format === 'pkcs12')
  );
}

function check(
  built: ChainResult,
  read: ReadFiles,
  input: ParsedInput,
  missing: MissingReport | undefined,
  options: InspectOptions & { caBundle: boolean },
): { errors: InspectIssue[]; warnings: InspectIssue[] } {
  const validation = validateChain(built, {
    ...(options.now ? { now: new Date(options.now) } : {}),
    ...(options.expectedNames ? { expectedNames: options.expectedNames } : {}),
  });
  const errors: InspectIssue[] = [...read.errors];
  // With a file that could not be read, "no certificate" is a consequence, not the problem.
  const fileFailed = read.errors.length > 0;
  errors.push(...validation.errors.filter((e) => !(fileFailed && e.code === 'NO_CERTIFICATE')));

  const pfxFiles = read.parsed.filter((p) => p.input.format === 'pkcs12').map((p) => p.name);
  if (
    !options.caBundle &&
    input.keys.length === 0 &&
    built.chain.length > 0 &&
    (pfxFiles.length > 0 || options.requireKey)
  ) {
    // A PFX is exported for its key: one without is the classic "forgot to export the private key".
    const what = pfxFiles.length > 0 ? `this PFX (${pfxFiles.join(', ')})` : 'the input';
    const leaf = built.chain[0];
    errors.push({
      code: 'NO_PRIVATE_KEY',
      message: messages.noPrivateKey(what),
      ...(leaf ? { fingerprint: leaf.summary.fingerprint } : {}),
    });
  }

  // shared/certs warns about a missing issuer for a lone leaf only, and knows nothing of AIA;
  // here the warning covers any incomplete chain and says what each download gave.
  const warnings: InspectIssue[] = validation.warnings.filter((w) => w.code !== 'ISSUER_MISSING');
  if (missing) {
    warnings.push({
      code: 'ISSUER_MISSING',
      message: consoleMessages.issuerNotFound(
        displayName(missing.subject),
        displayName(missing.issuer),
        missing.aia,
        { aiaOff: options.aia === false, subjectIsCa: built.chain.at(-1)?.summary.isCA === true },
      ),
      fingerprint: missing.fingerprint,
    });
  }
  return { errors, warnings };
}

function missingReport(built: ChainResult, supplier: TrackingSupplier): MissingReport | undefined {
  if (!built.missing) return undefined;
  const { subject, issuer, aiaCaIssuers } = built.missing;
  return {
    subject: subject.subject,
    fingerprint: subject.fingerprint,
    issuer,
    aia: supplier.attemptsFor(subject.fingerprint, aiaCaIssuers),
  };
}

/**
 * Keeps the CA certificates that proved themselves in this chain (each verified the signature
 * below it), from the files and from AIA. A failure to write only costs a download next time.
 */
async function learn(library: CertLibrary, built: ChainResult): Promise<string[]> {
  const proven = built.chain.filter(
    (link, index) =>
      index > 0 &&
      link.summary.isCA &&
      (link.source === 'file' || link.source === 'aia') &&
      built.chain[index - 1]?.signature === 'valid',
  );
  try {
    return await library.add(proven.map((link) => link.cert));
  } catch {
    return [];
  }
}

function keyInfo(
  key: ParsedKey,
  matchesLeaf: boolean,
  file: string | undefined,
): NonNullable<InspectResult['key']> {
  return file === undefined
    ? { keyType: key.keyType, matchesLeaf }
    : { keyType: key.keyType, matchesLeaf, file };
}
