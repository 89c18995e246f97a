/**
 * Renders a template: parameters checked and defaulted, placeholders filled, and the virtual
 * services produced validated by the same schema and cross-field rules as any config, so a
 * template can never produce something `config.apply` would refuse.
 */
import type { VirtualService } from '../model/config.ts';
import type { Template, TemplateProblem } from './template.ts';
import { parseAgentConfig } from '../model/validate.ts';
import { explainProblems } from './explain.ts';
import { resolveParameters } from './params.ts';
import { substitute, type Origin } from './substitute.ts';

export type RenderResult =
  { ok: true; virtualServices: VirtualService[] } | { ok: false; problems: TemplateProblem[] };

/** Output not yet validated, with the origins of its fields (for apply, which merges first). */
export type Prepared =
  | { ok: true; virtualServices: Record<string, unknown>[]; origins: Origin[] }
  | { ok: false; problems: TemplateProblem[] };

export function prepareTemplate(template: Template, params: unknown): Prepared {
  const resolved = resolveParameters(template, params);
  if (!resolved.ok) return resolved;
  const out = substitute(template, resolved.values);
  if (out.problems.length) return { ok: false, problems: out.problems };
  return {
    ok: true,
    virtualServices: out.virtualServices as Record<string, unknown>[],
    origins: out.origins,
  };
}

export function renderTemplate(template: Template, params: unknown): RenderResult {
  const prepared = prepareTemplate(template, params);
  if (!prepared.ok) return prepared;
  const parsed = parseAgentConfig({ virtualServices: prepared.virtualServices });
  if (!parsed.ok) {
    return {
      ok: false,
      problems: explainProblems(parsed.problems, {
        origins: prepared.origins,
        names: prepared.virtualServices.map(nameOf),
        templateIndex: (i) => i,
      }),
    };
  }
  return { ok: true, virtualServices: parsed.value.virtualServices };
}

export function nameOf(vs: Record<string, unknown>): string | undefined {
  return typeof vs.name === 'string' ? vs.name : undefined;
}
