/**
 * The frame of the pool and virtual-service forms: title and the revision edited, problems no
 * field owns, the conflict block (reload keeping the edits), the agent's refusal, Apply and
 * Cancel. The fields are the children.
 */
import type { FormEvent, ReactNode, RefObject } from 'react';
import { ErrorMessage } from '../../components/error-message.tsx';
import { currentRevisionOf, type FormProblems, hasProblems, isConflict } from './form-problems.ts';

/** The parts of useObjectForm's state the frame shows. */
export interface ShellState {
  formRef: RefObject<HTMLFormElement | null>;
  submit: (e: FormEvent) => void;
  problems: FormProblems;
  note: string | undefined;
  basis: { revision: number };
  apply: { error: unknown; isPending: boolean };
  reload: { mutate: () => void; isPending: boolean; error: unknown };
}

export function FormShell({
  form,
  title,
  noun,
  onCancel,
  children,
}: {
  form: ShellState;
  title: string;
  /** "pool", "virtual service": what the agent refused. */
  noun: string;
  onCancel: () => void;
  children: ReactNode;
}) {
  const error = form.apply.error;
  const currentRevision = currentRevisionOf(error);
  return (
    <form ref={form.formRef} className="panel vs-form" aria-label={title} noValidate onSubmit={form.submit}>
      <h3>{title}</h3>
      <p className="muted">Changes revision {form.basis.revision} of the agent's configuration.</p>
      {form.note && (
        <p role="status" className="form-note">
          {form.note}
        </p>
      )}

      {form.problems.general.length > 0 && (
        <div role="alert" className="error form-problems" tabIndex={-1}>
          <strong>Fix these before applying:</strong>
          <ul>
            {form.problems.general.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}

      {children}

      {error != null && isConflict(error) && (
        <div className="conflict">
          <ErrorMessage
            title={`The configuration changed elsewhere${currentRevision === undefined ? '' : ` (now revision ${currentRevision})`}`}
            error={error}
          />
          <p>
            Nothing was applied. Your edits are still here; reload to apply them on top of the newer revision.
          </p>
          <button type="button" disabled={form.reload.isPending} onClick={() => form.reload.mutate()}>
            {form.reload.isPending ? 'Reloading…' : 'Reload and keep my edits'}
          </button>
        </div>
      )}
      {error != null && !isConflict(error) && (
        <ErrorMessage
          title={hasProblems(form.problems) ? `The agent refused the ${noun}` : 'Could not apply'}
          error={error}
        />
      )}
      {form.reload.error != null && <ErrorMessage title="Could not reload" error={form.reload.error} />}

      <div className="actions">
        <button type="submit" disabled={form.apply.isPending}>
          {form.apply.isPending ? 'Applying…' : 'Apply'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
