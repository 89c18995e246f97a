/**
 * A labelled input with its problem next to it. The input points at the problem
 * (aria-describedby) and says it is invalid, so a screen reader reads both when focus lands
 * there. Used by every form of the Console.
 */
import type { ReactNode } from 'react';

/** Spread onto the input: its id and, when there is a problem, the ARIA that names it. */
export function fieldAria(id: string, problem: string | undefined) {
  return {
    id,
    'aria-invalid': problem ? true : undefined,
    'aria-describedby': problem ? `${id}-problem` : undefined,
  } as const;
}

export function FieldProblem({ id, problem }: { id: string; problem: string | undefined }) {
  if (!problem) return null;
  return (
    <span id={`${id}-problem`} className="field-problem">
      {problem}
    </span>
  );
}

/**
 * A form's problems by field: `problem(field)` shows one under its input, `described(field)` is
 * spread onto the input (or fieldset) so it says it is invalid and names that text.
 */
export function fieldProblems<F extends string>(formId: string, problems: Partial<Record<F, string>>) {
  return {
    problem: (field: F) => <FieldProblem id={`${formId}-${field}`} problem={problems[field]} />,
    described: (field: F) =>
      problems[field] ? { 'aria-invalid': true, 'aria-describedby': `${formId}-${field}-problem` } : {},
  };
}

export function Field({
  id,
  label,
  problem,
  children,
}: {
  id: string;
  label: string;
  problem: string | undefined;
  /** The input, spread with fieldAria(id, problem). */
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      <FieldProblem id={id} problem={problem} />
    </div>
  );
}
