/**
 * Config problems in rendered output → problems an admin can act on. A field that holds a
 * parameter's value is reported as that parameter (`params.servers[1].name`); a field that
 * needs a parameter left empty is reported on that parameter; anything else keeps its config
 * path and names the parameters that fed it. Each problem inside a pool or a service names it.
 */
import { formatPath, type ConfigProblem } from '../model/validate.ts';
import type { Origin } from './substitute.ts';
import type { TemplateProblem } from './template.ts';

export type Section = 'pools' | 'virtualServices';

export interface ExplainContext {
  origins: readonly Origin[];
  /** Names of the objects in the validated document, by section and index. */
  names: Readonly<Record<Section, readonly (string | undefined)[]>>;
  /** Index in the validated document → index in the template's output (undefined: not ours). */
  templateIndex(section: Section, index: number): number | undefined;
}

const OBJECT = /^(pools|virtualServices)\[(\d+)\]/;

export function explainProblems(problems: readonly ConfigProblem[], ctx: ExplainContext): TemplateProblem[] {
  const origins = ctx.origins.map((o) => ({ ...o, at: formatPath(o.path), from: formatPath(o.param) }));
  return problems.map((problem) => {
    const base: TemplateProblem = { path: problem.path, message: problem.message };
    const found = OBJECT.exec(problem.path);
    if (!found) return base;
    const section = found[1] as Section;
    const index = Number(found[2]);
    const name = ctx.names[section][index];
    if (name !== undefined) base[section === 'pools' ? 'pool' : 'virtualService'] = name;
    const t = ctx.templateIndex(section, index);
    if (t === undefined) return base;
    // Look the field up in the template's own numbering.
    const path = problem.path.replace(OBJECT, `${section}[${t}]`);

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
