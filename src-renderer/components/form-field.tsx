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
