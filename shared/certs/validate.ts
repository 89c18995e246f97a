/**
 * Checks a built chain the way a TLS client would, and in words an admin can act on:
 * key ↔ leaf, every signature, dates, CA rights of issuers, expected names.
 */
import { isIP } from 'node:net';
import type { ChainLink, ChainResult } from './chain.ts';
import { certDetails, displayName } from './cert-details.ts';
import { messages } from './messages.ts';
import type { CertCheckResult, CertIssue } from './summary-types.ts';

export interface ValidateOptions {
  /** The clock to judge dates by; default now. */
  now?: Date;
  /** Host names or IP addresses clients will use; each must be among the leaf's SANs. */
  expectedNames?: readonly string[];
  /** Warn about expiry this many days ahead; default 30. */
  expiryWarningDays?: number;
  /** A certificate a server presents needs its private key; CA bundles do not. */
  requireKey?: boolean;
}

const DAY_MS = 86_400_000;

export function validateChain(result: ChainResult, options: ValidateOptions = {}): CertCheckResult {
  const errors: CertIssue[] = [];
  const warnings: CertIssue[] = [];
  const now = (options.now ?? new Date()).getTime();
  const warnDays = options.expiryWarningDays ?? 30;
  const [leaf] = result.chain;
  if (!leaf) {
    errors.push({ code: 'NO_CERTIFICATE', message: messages.noCertificate() });
    return { errors, warnings };
  }
  const issue = (link: ChainLink, code: CertIssue['code'], message: string): CertIssue => ({
    code,
    message,
    fingerprint: link.summary.fingerprint,
  });
  const nameOf = (link: ChainLink) => displayName(link.summary.subject);

  if (result.keyMatchesLeaf === undefined && options.requireKey) {
    errors.push(issue(leaf, 'NO_PRIVATE_KEY', messages.noPrivateKey('the input')));
  } else if (result.keyMatchesLeaf === false) {
    errors.push(issue(leaf, 'KEY_MISMATCH', messages.keyMismatch(nameOf(leaf))));
  }

  result.chain.forEach((link, index) => {
    const next = result.chain[index + 1];
    const isRoot = index > 0 && !next && link.summary.selfSigned;

    if (next && link.signature === 'invalid') {
      errors.push(
        issue(link, 'CHAIN_LINK_INVALID', messages.chainLinkInvalid(index + 1, nameOf(link), nameOf(next))),
      );
    } else if (next && link.signature === 'unsupported') {
      errors.push(
        issue(
          link,
          'UNSUPPORTED_ALGORITHM',
          messages.unsupportedAlgorithm(
            `signature algorithm ${link.summary.signatureAlgorithm} of ${nameOf(link)} cannot be verified (${link.signatureError ?? 'unknown reason'})`,
          ),
        ),
      );
    }

    if (index > 0) {
      const why = missingCaRights(link);
      if (why)
        errors.push(
          issue(
            link,
            'NOT_A_CA',
            messages.notACa(nameOf(link), nameOf(result.chain[index - 1] as ChainLink), why),
          ),
        );
    }

    const notBefore = Date.parse(link.summary.notBefore);
    const notAfter = Date.parse(link.summary.notAfter);
    if (notAfter < now) {
      // Clients judge the root they already have, not the copy we send: an expired root is a warning.
      (isRoot ? warnings : errors).push(
        issue(link, 'EXPIRED', messages.expired(nameOf(link), link.summary.notAfter)),
      );
    } else if (notBefore > now) {
      errors.push(issue(link, 'NOT_YET_VALID', messages.notYetValid(nameOf(link), link.summary.notBefore)));
    } else if (notAfter - now < warnDays * DAY_MS) {
      const days = Math.max(0, Math.floor((notAfter - now) / DAY_MS));
      warnings.push(
        issue(link, 'EXPIRES_SOON', messages.expiresSoon(nameOf(link), link.summary.notAfter, days)),
      );
    }
  });

  if (leaf.summary.selfSigned)
    warnings.push(issue(leaf, 'SELF_SIGNED_LEAF', messages.selfSignedLeaf(nameOf(leaf))));
  if (leaf.cert.publicKey.asymmetricKeyType === 'dsa') {
    errors.push(
      issue(
        leaf,
        'UNSUPPORTED_ALGORITHM',
        messages.unsupportedAlgorithm(
          `${leaf.summary.keyType} keys — TLS clients no longer accept DSA; reissue the certificate with an RSA or ECDSA key`,
        ),
      ),
    );
  }

  for (const expected of options.expectedNames ?? []) {
    const found = isIP(expected)
      ? leaf.cert.checkIP(expected)
      : leaf.cert.checkHost(expected, { subject: 'never' });
    if (found === undefined) {
      const sans = [...leaf.summary.sans.dns, ...leaf.summary.sans.ip];
      errors.push(issue(leaf, 'NAME_MISSING', messages.nameMissing(expected, nameOf(leaf), sans)));
    }
  }

  if (result.missing && result.chain.length === 1 && !leaf.summary.selfSigned && !leaf.summary.isCA) {
    warnings.push(
      issue(
        leaf,
        'ISSUER_MISSING',
        messages.issuerMissing(nameOf(leaf), displayName(result.missing.issuer), result.missing.aiaCaIssuers),
      ),
    );
  }
  if (result.reordered) warnings.push({ code: 'CHAIN_REORDERED', message: messages.chainReordered() });
  return { errors, warnings };
}

/** Why an issuer may not issue certificates, or undefined when it may. */
function missingCaRights(link: ChainLink): string | undefined {
  const details = certDetails(link.cert);
  if (!details.basicConstraints) {
    // X.509 v1 roots predate extensions; OpenSSL accepts them as CAs when self-signed.
    return link.summary.selfSigned ? undefined : 'it has no basicConstraints extension';
  }
  if (!details.basicConstraints.ca) return 'basicConstraints CA:FALSE';
  if (details.keyCertSign === false) return 'its key usage does not include certificate signing';
  return undefined;
}
