/**
 * Parameter values as an admin gives them → the values a template is rendered with: each
 * value checked against its parameter's type, defaults filled in, conditional parameters
 * switched on or off, and every problem named by its path (`params.servers[1].address`).
 */
import { formatPath } from '../../shared/model/validate.ts';
import {
  parameterValueSchema,
  type Template,
  type TemplateParameter,
  type TemplateProblem,
} from '../../shared/model/template.ts';

/** The value of every parameter that has one; a parameter absent here has no value. */
export type ParameterValues = ReadonlyMap<string, unknown>;

export type ResolveResult =
  { ok: true; values: ParameterValues } | { ok: false; problems: TemplateProblem[] };

export function resolveParameters(template: Template, input: unknown): ResolveResult {
  if (input === undefined) input = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, problems: [{ path: 'params', message: 'give the parameters as an object' }] };
  }
  const given = input as Record<string, unknown>;
  const problems: TemplateProblem[] = [];
  const known = new Set(template.parameters.map((p) => p.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      problems.push({
        path: formatPath(['params', key]),
        message: `not a parameter of this template (it has ${[...known].join(', ') || 'none'})`,
      });
    }
  }

  const values = new Map<string, unknown>();
  const resolve = (p: TemplateParameter) => {
    // JSON null from a form means "left empty", the same as absent.
    const value = given[p.name] ?? undefined;
    if (value === undefined) {
      if (p.default !== undefined) values.set(p.name, p.default);
      else if (p.required) problems.push({ path: formatPath(['params', p.name]), message: 'required' });
      return;
    }
    const r = parameterValueSchema(p).safeParse(value);
    if (r.success) values.set(p.name, r.data);
    else {
      for (const issue of r.error.issues) {
        problems.push({ path: formatPath(['params', p.name, ...issue.path]), message: issue.message });
      }
    }
  };
  // Plain parameters first: conditions test them (a condition never tests a conditional one).
  for (const p of template.parameters) if (!p.when) resolve(p);
  for (const p of template.parameters) {
    // Off: the parameter counts as not given, whatever the caller sent for it.
    if (p.when && values.get(p.when.param) === p.when.equals) resolve(p);
  }
  return problems.length ? { ok: false, problems } : { ok: true, values };
}
