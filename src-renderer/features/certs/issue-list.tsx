/**
 * The inspection's errors and warnings in plain words (shared/certs wrote each message for the
 * admin). Errors are alerts: they block the push and must be read; warnings are a list.
 */
import type { CertIssueView } from '../../../shared/ipc/certs.ts';
import { sentence } from './cert-text.ts';

export function IssueList({ errors, warnings }: { errors: CertIssueView[]; warnings: CertIssueView[] }) {
  if (errors.length === 0 && warnings.length === 0) return null;
  return (
    <div className="cert-issues">
      {errors.map((issue, i) => (
        <div key={`e${i}`} role="alert" className="error cert-error" data-code={issue.code}>
          <strong>Error{issue.file ? ` in ${issue.file}` : ''}: </strong>
          {sentence(issue.message)}
        </div>
      ))}
      {warnings.length > 0 && (
        <ul className="cert-warnings" aria-label="Warnings">
          {warnings.map((issue, i) => (
            <li key={`w${i}`} data-code={issue.code}>
              <strong>Warning{issue.file ? ` in ${issue.file}` : ''}: </strong>
              {sentence(issue.message)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
