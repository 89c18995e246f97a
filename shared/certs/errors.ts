/**
 * The one error type the certificate code throws. Callers switch on `code` (stable, see
 * codes.ts) and show `message` (says what is wrong and how to fix it). When a check finds
 * several problems, `issues` holds all of them and `code`/`message` are the first.
 */
import { CERT_CODES, type CertCode } from './codes.ts';
import type { CertIssue } from './summary-types.ts';

export { CERT_CODES, type CertCode };

export class CertError extends Error {
  static readonly codes = CERT_CODES;
  readonly code: CertCode;
  readonly issues: CertIssue[];

  constructor(code: CertCode, message: string, options: { cause?: unknown; issues?: CertIssue[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CertError';
    this.code = code;
    this.issues = options.issues ?? [{ code, message }];
  }

  /** The first error of a check result, carrying all of them. */
  static fromIssues(issues: CertIssue[]): CertError {
    const first = issues[0];
    if (!first) throw new TypeError('CertError.fromIssues needs at least one issue');
    return new CertError(first.code, first.message, { issues });
  }
}

export function isCertError(error: unknown): error is CertError {
  return error instanceof CertError;
}
