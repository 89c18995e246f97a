/**
 * A template document as it arrives (a built-in file, an admin's import, a management API
 * call) → a checked Template. Beyond the schema's own rules this renders the template once
 * with its defaults (or sample values where there are none) and refuses it when a field the
 * template itself wrote is wrong, e.g. `"protocl": "https"`: that is the author's mistake and
 * should not wait for the first admin who applies it.
 */
import { z } from 'zod';
import { AgentConfig, ObjectName } from '../model/config.ts';
import { toProblems } from '../model/validate.ts';
import { explainProblems } from './explain.ts';
import { deepEqual } from '../model/deep-equal.ts';
import { conditionHolds, type TemplateParameter } from './parameters.ts';
import { WHEN_KEY } from './placeholders.ts';
import { nameOf, type Doc } from './render.ts';
import { substitute } from './substitute.ts';
import { Template, type TemplateProblem } from './template.ts';
import { WhenCondition } from './when.ts';

export type ParseTemplateResult =
  { ok: true; template: Template } | { ok: false; problems: TemplateProblem[] };

export function parseTemplate(input: unknown): ParseTemplateResult {
  const parsed = Template.safeParse(input);
  if (!parsed.success) return { ok: false, problems: toProblems(parsed.error) };
  const template = parsed.data;

  // Once with defaults (or samples), then once more for each value a "$when" names that those
  // did not take, so the objects only some values keep are checked too.
  const base = sampleValues(template, new Map());
  const runs = [base];
  for (const { param, equals } of whenConditions(template)) {
    const p = template.parameters.find((q) => q.name === param);
    if (!p) continue;
    const wanted =
      equals === undefined ? [p.default ?? sample(p, 0)] : Array.isArray(equals) ? equals : [equals];
    for (const value of wanted)
      if (!deepEqual(base.get(param), value)) runs.push(sampleValues(template, new Map([[param, value]])));
  }
  const seen = new Set<string>();
  const own: TemplateProblem[] = [];
  for (const values of runs) {
    for (const problem of authorProblems(template, values)) {
      const k = `${problem.path}\n${problem.message}`;
      if (!seen.has(k)) own.push(problem);
      seen.add(k);
    }
  }
  return own.length ? { ok: false, problems: own } : { ok: true, template };
}

/** Defaults, else samples, with `overrides`; conditional parameters only where their condition holds. */
function sampleValues(template: Template, overrides: ReadonlyMap<string, unknown>): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const valueOf = (p: TemplateParameter, i: number) =>
    overrides.has(p.name) ? overrides.get(p.name) : (p.default ?? sample(p, i));
  template.parameters.forEach((p, i) => {
    if (!p.when) values.set(p.name, valueOf(p, i));
  });
  for (const p of template.parameters) {
    if (p.when && conditionHolds(values.get(p.when.param), p.when.equals)) values.set(p.name, valueOf(p, 0));
  }
  return values;
}

/** Every "$when" in the template's pools and services. */
function whenConditions(template: Template): WhenCondition[] {
  const found: WhenCondition[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      const when = WhenCondition.safeParse(obj[WHEN_KEY]);
      if (when.success) found.push(when.data);
      Object.values(obj).forEach(walk);
    }
  };
  walk([template.pools, template.virtualServices]);
  return found;
}

/** What rendering with `values` finds wrong that is the author's, not the values'. */
function authorProblems(template: Template, values: ReadonlyMap<string, unknown>): TemplateProblem[] {
  const out = substitute(template, values);
  const pools = out.pools as Doc[];
  const services = out.virtualServices as Doc[];
  // A service may name a pool the template does not write (one the running config has); that
  // is checked when the template is applied, against the config it is applied to.
  const elsewhere = [...new Set(services.flatMap(poolsNamed))]
    .filter((name) => !pools.some((p) => p.name === name))
    .map((name) => ({ name }));
  const checked = AgentConfig.safeParse({ pools: [...pools, ...elsewhere], virtualServices: services });
  if (checked.success) return [];

  // Keys never come from parameters, so an unknown one is always the author's. Other problems
  // that trace back to a parameter depend on the values given; only the rest are the template's.
  const [keys, others] = partition(checked.error.issues, (i) => i.code === 'unrecognized_keys');
  const explained = explainProblems(toProblems(new z.ZodError(others)), {
    origins: out.origins,
    names: { pools: pools.map(nameOf), virtualServices: services.map(nameOf) },
    templateIndex: (section, i) => (section === 'pools' && i >= pools.length ? undefined : i),
  });
  return [
    ...toProblems(new z.ZodError(keys)),
    ...explained.filter((p) => !p.path.startsWith('params') && !p.params?.length),
  ];
}

/** Pool names a rendered service refers to (that are names at all: a bad one is the service's problem). */
function poolsNamed(vs: Doc): string[] {
  const rules = Array.isArray(vs.contentRules) ? (vs.contentRules as unknown[]) : [];
  return [vs.pool, ...rules.map((r) => (r as Doc | null)?.pool)].filter(
    (name): name is string => ObjectName.safeParse(name).success,
  );
}

/** A value of the right type for a parameter without a default; distinct per parameter. */
function sample(p: TemplateParameter, i: number): unknown {
  switch (p.type) {
    case 'string':
      return 'sample';
    case 'port':
      return 10000 + i;
    case 'address':
      return `192.0.2.${(i % 250) + 1}`;
    case 'certificate':
    case 'ca':
      return 'sample';
    case 'realServers':
      return Array.from({ length: Math.max(1, p.minItems) }, (_, k) => ({
        name: `rs${k + 1}`,
        address: `198.51.100.${k + 1}`,
      }));
    case 'list':
      return Array.from({ length: Math.max(1, p.minItems) }, (_, k) =>
        p.items === 'hostName' ? `app${k + 1}.example.com` : `/sample${k + 1}`,
      );
    case 'integer':
      return p.min ?? p.max ?? 1;
    case 'boolean':
      return false;
    case 'enum':
      return p.values[0];
  }
}

function partition<T>(list: readonly T[], test: (x: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const x of list) (test(x) ? yes : no).push(x);
  return [yes, no];
}
