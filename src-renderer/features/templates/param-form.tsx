/**
 * The template's parameters as a form, in the template's order. A parameter whose `when` does
 * not hold is left out (the agent ignores it too), so switching "Verify Front End
 * certificates" to none takes the CA field away. Problems appear once the admin has asked for
 * a preview, then follow each edit.
 */
import { ParamField } from './param-field.tsx';
import type { FieldValue, FormValues, ParamProblem } from './param-values.ts';
import type { FormParameter } from './template-source.ts';
import { wholePlaceholder } from '../../../shared/templates/placeholders.ts';

export function ParamForm({
  params,
  values,
  onChange,
  problems,
  active,
  agentIds,
  idPrefix,
}: {
  params: readonly FormParameter[];
  values: FormValues;
  onChange: (name: string, value: FieldValue) => void;
  problems: readonly ParamProblem[];
  active: ReadonlySet<string>;
  agentIds: readonly string[];
  idPrefix: string;
}) {
  if (params.length === 0) return <p className="empty">This template has no parameters.</p>;
  return (
    <div className="tpl-form">
      {params
        .filter((p) => active.has(p.name))
        .map((p) => {
          const hint = portHint(p, params, values);
          return (
            <ParamField
              key={p.name}
              param={p}
              value={values[p.name]}
              onChange={(v) => onChange(p.name, v)}
              problems={problems}
              agentIds={agentIds}
              idPrefix={idPrefix}
              {...(hint === undefined ? {} : { portHint: hint })}
            />
          );
        })}
    </div>
  );
}

/** Where a real server's port comes from when its row names none: a number, or another parameter. */
function portHint(
  p: FormParameter,
  params: readonly FormParameter[],
  values: FormValues,
): string | undefined {
  if (p.type !== 'realServers' || p.defaultPort === undefined) return undefined;
  if (typeof p.defaultPort === 'number') return String(p.defaultPort);
  const ref = params.find((q) => q.name === wholePlaceholder(p.defaultPort as string));
  if (!ref) return undefined;
  const current = values[ref.name];
  const shown = typeof current === 'string' && current.trim() ? current.trim() : ref.default;
  return shown === undefined ? ref.label : `${String(shown)} (${ref.label})`;
}
