/**
 * The password for each PFX (or encrypted key) that needs one, then a new inspection with it.
 * The password is typed into a password field and sent with the file; it is never shown.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { CertIssueView } from '../../../shared/ipc/certs.ts';
import { sentence } from './cert-text.ts';
import { sharedPasswordProblem } from './inspection-facts.ts';

export interface PasswordRequest {
  /** Index into the dropped files (two files may share a name). */
  index: number;
  name: string;
  /** Why it is asked again: the wrong or missing password the inspection reported. */
  issue?: CertIssueView | undefined;
}

interface Props {
  requests: PasswordRequest[];
  /** Index → password; only the files asked for. */
  onSubmit: (passwords: Map<number, string>) => void;
  busy: boolean;
}

export function PasswordPrompt({ requests, onSubmit, busy }: Props) {
  const id = useId();
  const [values, setValues] = useState<Map<number, string>>(new Map());
  const [problem, setProblem] = useState<string>();
  // The keyboard goes to the first field asked for: after a drop, and again after each answer
  // (a wrong password is asked again; busy turns back to false then).
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!busy) first.current?.focus();
  }, [busy, requests.length]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const shared = sharedPasswordProblem(requests.map((r) => values.get(r.index) ?? ''));
    setProblem(shared);
    if (shared) return;
    onSubmit(new Map(requests.map((r) => [r.index, values.get(r.index) ?? ''])));
  };

  return (
    <form className="panel password-prompt" aria-label="File passwords" onSubmit={submit}>
      <h3>Password needed</h3>
      {requests.map((r) => {
        const fieldId = `${id}-${r.index}`;
        return (
          <div className="field password-field" key={r.index}>
            <label htmlFor={fieldId}>Password for {r.name}</label>
            <input
              ref={r === requests[0] ? first : undefined}
              id={fieldId}
              type="password"
              autoComplete="off"
              value={values.get(r.index) ?? ''}
              aria-invalid={r.issue ? true : undefined}
              aria-describedby={r.issue ? `${fieldId}-problem` : undefined}
              onChange={(e) => setValues((held) => new Map(held).set(r.index, e.target.value))}
            />
            {r.issue && (
              <span id={`${fieldId}-problem`} className="field-problem">
                {sentence(r.issue.message)}
              </span>
            )}
          </div>
        );
      })}
      <p className="muted">Leave it empty for a file exported without a password.</p>
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Inspect
        </button>
      </div>
    </form>
  );
}
