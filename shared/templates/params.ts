/**
 * Parameter values as an admin gives them → the values a template is rendered with: each
 * value checked against its parameter's type, defaults filled in, conditional parameters
 * switched on or off, and every problem named by its path (`params.servers[1].address`).
 */
import { formatPath } from '../model/validate.ts';
import { parameterValueSchema, resolveParameterValues } from './parameters.ts';
import type { Template, TemplateProblem } from './template.ts';

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

  // JSON null from a form means "left empty", the same as absent.
  const resolved = resolveParameterValues(
    template.parameters,
    (p) => given[p.name] ?? undefined,
    (p, value) => parameterValueSchema(p).safeParse(value),
  );
  for (const problem of resolved.problems) {
    problems.push({ path: formatPath(['params', problem.param, ...problem.path]), message: problem.message });
  }
  const values = resolved.effective;
  return problems.length ? { ok: false, problems } : { ok: true, values };
}
