/**
 * The "Advanced" part of a form: settings most admins leave at their defaults, folded away
 * (details/summary) so the everyday form stays short. It opens by itself when one of its fields
 * has a problem, so a problem filed at a field inside is never hidden.
 */
import { type ReactNode, useEffect, useState } from 'react';

export function AdvancedGroup({
  summary,
  hasProblem,
  children,
}: {
  summary: string;
  hasProblem: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(hasProblem);
  useEffect(() => {
    if (hasProblem) setOpen(true);
  }, [hasProblem]);
  return (
    <details className="advanced-group" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      <div className="advanced-fields">{children}</div>
    </details>
  );
}
