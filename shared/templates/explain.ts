/**
 * Config problems in rendered output → problems an admin can act on. A field that holds a
 * parameter's value is reported as that parameter (`params.servers[1].name`); a field that
 * needs a parameter left empty is reported on that parameter; anything else keeps its config
 * path and names the parameters that fed it. Indexes in messages become service names.
 */
import type { TemplateProblem } from './template.ts';
import { formatPath, type ConfigProblem } from '../model/validate.ts';
import type { Origin } from './substitute.ts';

export interface ExplainContext {
  origins: readonly Origin[];
  /** Names of the services in the validated document, by index. */
  names: readonly (string | undefined)[];
  /** Index in the validated document → index in the template's output (undefined: not ours). */
  templateIndex(index: number): number | undefined;
}

const SERVICE = /^virtualServices\[(\d+)\]/;

export function explainProblems(problems: readonly ConfigProblem[], ctx: ExplainContext): TemplateProblem[] {
  const origins = ctx.origins.map((o) => ({ ...o, at: formatPath(o.path), from: formatPath(o.param) }));
  return problems.map((problem) => {
    const index = Number(SERVICE.exec(problem.path)?.[1] ?? NaN);
    const message = nameServices(problem.message, ctx.names);
    const base: TemplateProblem = { path: problem.path, message };
    const name = ctx.names[index];
    if (name !== undefined) base.virtualService = name;
    const t = Number.isNaN(index) ? undefined : ctx.templateIndex(index);
    if (t === undefined) return base;
    // Look the field up in the template's own numbering.
    const path = problem.path.replace(SERVICE, `virtualServices[${t}]`);

    let best: (typeof origins)[number] | undefined;
    for (const o of origins) if (within(path, o.at) && (!best || o.at.length > best.at.length)) best = o;
    if (best?.kind === 'value') return { ...base, path: best.from + path.slice(best.at.length) };
    if (best?.kind === 'omitted') {
      return { ...base, path: best.from, message: `needed for ${problem.path}: give a value` };
    }
    const params = new Set<string>();
    for (const o of origins) if (o === best || within(o.at, path)) params.add(String(o.param[1]));
    return params.size ? { ...base, params: [...params] } : base;
  });
}

/** `path` is `base` or a field inside it. */
function within(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[`);
}

/** "already used by virtualServices[2]" → "already used by virtual service \"owa\"". */
function nameServices(message: string, names: readonly (string | undefined)[]): string {
  return message.replace(/virtualServices\[(\d+)\]/g, (whole, i: string) => {
    const name = names[Number(i)];
    return name === undefined ? whole : `virtual service "${name}"`;
  });
}
