/**
 * What the screen concludes from an inspection: which files need a password, and why it
 * cannot be pushed. Pure, so the rules are tested without rendering.
 */
import { CERT_CODES, type CertInspection, type CertIssueView } from '../../../shared/ipc/certs.ts';

const PASSWORD_CODES: ReadonlySet<string> = new Set([
  CERT_CODES.WRONG_PASSWORD,
  CERT_CODES.PASSWORD_REQUIRED,
]);

/** File name → the password problem the inspection reported for it. */
export function passwordIssues(inspection: CertInspection | undefined): Map<string, CertIssueView> {
  const byFile = new Map<string, CertIssueView>();
  for (const issue of inspection?.errors ?? []) {
    if (issue.file !== undefined && PASSWORD_CODES.has(issue.code) && !byFile.has(issue.file)) {
      byFile.set(issue.file, issue);
    }
  }
  return byFile;
}

/** The core opens files inspected together with one password: say so before sending two. */
export function sharedPasswordProblem(passwords: readonly string[]): string | undefined {
  const distinct = new Set(passwords.filter((p) => p !== ''));
  return distinct.size > 1
    ? 'Files inspected together share one password: give the same one, or drop the files separately.'
    : undefined;
}

/** Why the push is refused, in one sentence; undefined when it may go. */
export function whyNotPushable(inspection: CertInspection): string | undefined {
  if (inspection.pushable) return undefined;
  const reasons: string[] = [];
  const errors = inspection.errors.length;
  if (errors > 0) reasons.push(`${errors === 1 ? 'the error' : `the ${errors} errors`} above must be fixed`);
  if (inspection.chain.length === 0) reasons.push('no certificate was found');
  if (!inspection.key) {
    reasons.push('no private key was given (drop the PFX, or the key file together with the certificate)');
  } else if (!inspection.key.matchesLeaf) {
    reasons.push('the private key does not belong to the leaf certificate');
  }
  if (reasons.length === 0) reasons.push('the Console refused it');
  return `It cannot be pushed: ${reasons.join('; ')}.`;
}
