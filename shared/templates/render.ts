/**
 * Renders a template: parameters checked and defaulted, placeholders filled, and the pools and
 * virtual services produced validated by the same schema and cross-object rules as any config,
 * so a template can never produce something `config.apply` would refuse.
 */
import { AgentConfig, type Pool, type VirtualService } from '../model/config.ts';
import { parseWith } from '../model/validate.ts';
import { explainProblems } from './explain.ts';
import { resolveParameters } from './params.ts';
import { substitute, type Origin } from './substitute.ts';
import type { Template, TemplateProblem } from './template.ts';

export type Doc = Record<string, unknown>;

export type RenderResult =
  { ok: true; pools: Pool[]; virtualServices: VirtualService[] } | { ok: false; problems: TemplateProblem[] };

/** Output not yet validated, with the origins of its fields (for apply, which merges first). */
export type Prepared =
  | {
      ok: true;
      pools: Doc[];
      virtualServices: Doc[];
      origins: Origin[];
      /** Indices in `virtualServices` of the services marked "$shared" (shared.ts). */
      shared: number[];
    }
  | { ok: false; problems: TemplateProblem[] };

export function prepareTemplate(template: Template, params: unknown): Prepared {
  const resolved = resolveParameters(template, params);
  if (!resolved.ok) return resolved;
  const out = substitute(template, resolved.values);
  if (out.problems.length) return { ok: false, problems: out.problems };
  return {
    ok: true,
    pools: out.pools as Doc[],
    virtualServices: out.virtualServices as Doc[],
    origins: out.origins,
    shared: out.shared,
  };
}

/**
 * What the template writes, validated as a config of its own (applyTemplate validates it with
 * the running config around it; a template that names a pool it does not write fails here).
 */
export function renderTemplate(template: Template, params: unknown): RenderResult {
  const prepared = prepareTemplate(template, params);
  if (!prepared.ok) return prepared;
  const { pools, virtualServices } = prepared;
  const parsed = parseWith(AgentConfig, { pools, virtualServices });
  if (!parsed.ok) {
    return {
      ok: false,
      problems: explainProblems(parsed.problems, {
        origins: prepared.origins,
        names: { pools: pools.map(nameOf), virtualServices: virtualServices.map(nameOf) },
        templateIndex: (_section, i) => i,
      }),
    };
  }
  return { ok: true, pools: parsed.value.pools, virtualServices: parsed.value.virtualServices };
}

export function nameOf(object: unknown): string | undefined {
  const name = (object as Doc | null)?.name;
  return typeof name === 'string' ? name : undefined;
}
