/**
 * Turns what an admin hands over (a PFX, or PEM/DER files) into exactly what the store
 * writes, checking it on the way: key ↔ leaf, chain order and links, CA rights, dates.
 * No file system here — the store writes the result atomically. Input and result are plain
 * data: the store runs this in a worker thread (prepare-in-worker.ts).
 */
import type { KeyObject } from 'node:crypto';
import { buildChain, type ChainCandidate, type ChainResult } from '../../shared/certs/chain.ts';
import {
  incompleteChain,
  incompleteChainIssue,
  type IncompleteChain,
} from '../../shared/certs/chain-verdict.ts';
import { certDetails, displayName } from '../../shared/certs/cert-details.ts';
import { CertError } from '../../shared/certs/errors.ts';
import { keyToPem } from '../../shared/certs/keys.ts';
import { messages } from '../../shared/certs/messages.ts';
import {
  combineInputs,
  parseCertificateInput,
  parsePkcs12Input,
  type ParsedInput,
} from '../../shared/certs/parse.ts';
import { summarize } from '../../shared/certs/summary.ts';
import { loadSystemRoots } from '../../shared/certs/system-roots.ts';
import type { CertIssue, CertSummary } from '../../shared/certs/summary-types.ts';
import { validateChain } from '../../shared/certs/validate.ts';
import type { CertKind } from './meta.ts';

export type CertImportInput =
  /**
   * A PFX/P12 file; no password = none given (an empty one is tried). `extra`: certificate
   * files given with it (PEM or DER: the intermediates and root the PFX was exported without).
   */
  | { pfx: Uint8Array; password?: string; extra?: readonly Uint8Array[] }
  /** PEM or DER files: a key plus certificates, or only CA certificates (stored as a CA bundle). */
  | { files: readonly Uint8Array[]; password?: string };

export interface CertImportOptions {
  /** Store an expired or not-yet-valid certificate anyway (never a wrong key or broken chain). */
  force?: boolean;
  /** The clock to judge dates by; default now. */
  now?: Date;
  /**
   * Refuse a chain that stops before a root nobody gave (chain-verdict.ts): what
   * `portico-agent cert import` does unless --allow-incomplete. The management API's
   * cert.import does not: the Console has already judged the chain with its library and AIA.
   */
  requireCompleteChain?: boolean;
}

export interface PreparedImport {
  kind: CertKind;
  /** PKCS#8 PEM; undefined for a CA bundle. */
  keyPem: string | undefined;
  /** chain.pem: leaf first, then intermediates (certificate), or every CA (bundle). */
  chainPem: string;
  summaries: CertSummary[];
  warnings: CertIssue[];
  /** Certificates from the input that are not stored, and why. */
  notStored: { summary: CertSummary; reason: 'root' | 'unrelated' }[];
}

/** Date problems `force` may override; everything else is a wrong or broken certificate. */
const FORCEABLE = new Set<CertIssue['code']>(['EXPIRED', 'NOT_YET_VALID']);

export function prepareImport(input: CertImportInput, options: CertImportOptions = {}): PreparedImport {
  const parsed =
    'pfx' in input
      ? combineInputs([
          parsePkcs12Input(input.pfx, input.password),
          // Certificates only: the PFX password is the PFX's.
          ...(input.extra ?? []).map((file) => parseCertificateInput(file)),
        ])
      : combineInputs(
          input.files.map((file) =>
            parseCertificateInput(file, input.password === undefined ? {} : { password: input.password }),
          ),
        );
  if ('pfx' in input && parsed.keys.length === 0)
    throw new CertError('NO_PRIVATE_KEY', messages.noPrivateKey('this PFX'));
  if (parsed.certificates.length === 0) throw new CertError('NO_CERTIFICATE', messages.noCertificate());
  return parsed.keys.length > 0 ? prepareCertificate(parsed, options) : prepareCaBundle(parsed, options);
}

function prepareCertificate(parsed: ParsedInput, options: CertImportOptions): PreparedImport {
  const certificates: ChainCandidate[] = parsed.certificates.map((c) =>
    c.position === undefined
      ? { cert: c.cert, source: 'file' }
      : { cert: c.cert, source: 'file', position: c.position },
  );
  const result = buildChain({ keys: parsed.keys.map((k) => k.key), certificates });
  const check = validateChain(result, { requireKey: true, ...(options.now ? { now: options.now } : {}) });
  const { errors, warnings } = applyForce(check.errors, check.warnings, options.force === true);
  if (options.requireCompleteChain) {
    const gap = missingIssuer(
      result,
      certificates,
      parsed.keys.map((k) => k.key),
    );
    if (gap) {
      errors.push(
        incompleteChainIssue(gap, "in the files given, nor among this machine's trusted roots", {
          add: 'give it with --pem FILE (PEM or DER)',
          override: 'import anyway with --allow-incomplete',
        }),
      );
    }
  }
  if (errors.length > 0) throw CertError.fromIssues(errors);
  if (!result.key) throw new CertError('NO_PRIVATE_KEY', messages.noPrivateKey('the input'));

  // Clients already hold the root they trust; sending it only costs bytes in every handshake.
  const links = result.chain;
  const last = links[links.length - 1];
  const dropRoot = links.length > 1 && last?.summary.selfSigned === true;
  const stored = dropRoot ? links.slice(0, -1) : links;
  return {
    kind: 'certificate',
    keyPem: keyToPem(result.key),
    chainPem: stored.map((l) => l.cert.toString()).join(''),
    summaries: stored.map((l) => l.summary),
    warnings,
    notStored: [
      ...(dropRoot && last ? [{ summary: last.summary, reason: 'root' as const }] : []),
      ...result.unused.map((c) => ({ summary: summarize(c.cert), reason: 'unrelated' as const })),
    ],
  };
}

/**
 * What a chain built from the files lacks: nothing when it ends in a self-signed certificate,
 * or at a certificate a root of this machine issued (the stored chain leaves roots out anyway).
 */
function missingIssuer(
  result: ChainResult,
  certificates: ChainCandidate[],
  keys: KeyObject[],
): IncompleteChain | undefined {
  if (!incompleteChain(result)) return undefined;
  const trustedRoots = loadSystemRoots().map((cert) => ({ cert, source: 'system' as const }));
  return incompleteChain(buildChain({ keys, certificates, trustedRoots }));
}

/**
 * Only certificates: a CA bundle for verifying real servers (re-encrypt). Each is checked on
 * its own — a bundle is a set of trust anchors, not a chain.
 */
function prepareCaBundle(parsed: ParsedInput, options: CertImportOptions): PreparedImport {
  const now = (options.now ?? new Date()).getTime();
  const errors: CertIssue[] = [];
  const warnings: CertIssue[] = [];
  for (const { summary, cert } of parsed.certificates) {
    const name = displayName(summary.subject);
    const issue = (code: CertIssue['code'], message: string) => ({
      code,
      message,
      fingerprint: summary.fingerprint,
    });
    if (Date.parse(summary.notAfter) < now)
      errors.push(issue('EXPIRED', messages.expired(name, summary.notAfter)));
    else if (Date.parse(summary.notBefore) > now)
      errors.push(issue('NOT_YET_VALID', messages.notYetValid(name, summary.notBefore)));
    else if (Date.parse(summary.notAfter) - now < 30 * 86_400_000) {
      const days = Math.floor((Date.parse(summary.notAfter) - now) / 86_400_000);
      warnings.push(issue('EXPIRES_SOON', messages.expiresSoon(name, summary.notAfter, days)));
    }
    // A self-signed server certificate (Exchange's default one) anchors itself; other non-CAs anchor nothing.
    if (!summary.isCA && !summary.selfSigned) {
      const why = certDetails(cert).basicConstraints
        ? 'basicConstraints CA:FALSE'
        : 'it has no basicConstraints extension';
      warnings.push(issue('NOT_A_CA', messages.notACaInBundle(name, why)));
    }
  }
  const forced = applyForce(errors, warnings, options.force === true);
  if (forced.errors.length > 0) throw CertError.fromIssues(forced.errors);
  return {
    kind: 'ca-bundle',
    keyPem: undefined,
    chainPem: parsed.certificates.map((c) => c.cert.toString()).join(''),
    summaries: parsed.certificates.map((c) => c.summary),
    warnings: forced.warnings,
    notStored: [],
  };
}

function applyForce(
  errors: CertIssue[],
  warnings: CertIssue[],
  force: boolean,
): { errors: CertIssue[]; warnings: CertIssue[] } {
  if (!force) return { errors, warnings };
  return {
    errors: errors.filter((e) => !FORCEABLE.has(e.code)),
    warnings: [...errors.filter((e) => FORCEABLE.has(e.code)), ...warnings],
  };
}
