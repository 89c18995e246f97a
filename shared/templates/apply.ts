/**
 * Applying a template to a running config: its virtual services are upserted by name (a
 * service of the same name is replaced in place, every other service is left alone) and the
 * result must validate as a whole, so a clash with an existing listener is refused here, not
 * discovered by the engine. `previewTemplate` is the same computation, told as a diff.
 */
import type { AgentConfig } from '../model/config.ts';
import { diffConfigs, type ConfigChange } from '../model/config-diff.ts';
import type { Template, TemplateProblem } from './template.ts';
import { parseAgentConfig } from '../model/validate.ts';
import { explainProblems } from './explain.ts';
import { nameOf, prepareTemplate } from './render.ts';

export type ApplyResult =
  | {
      ok: true;
      config: AgentConfig;
      /** Services the template added. */
      created: string[];
      /** Existing services it changed. */
      replaced: string[];
      /** Existing services it would have written exactly as they are. */
      unchanged: string[];
    }
  | { ok: false; problems: TemplateProblem[] };

export type PreviewResult =
  { ok: true; changes: ConfigChange[]; unchanged: string[] } | { ok: false; problems: TemplateProblem[] };

export function applyTemplate(current: AgentConfig, template: Template, params: unknown): ApplyResult {
  const prepared = prepareTemplate(template, params);
  if (!prepared.ok) return prepared;
  const incoming = prepared.virtualServices;

  // The first service of a name replaces the existing one in place; anything else is appended
  // (a name the template repeats is then refused by the config's own unique-name rule).
  const firstByName = new Map<string, number>();
  incoming.forEach((vs, t) => {
    const name = nameOf(vs);
    if (name !== undefined && !firstByName.has(name)) firstByName.set(name, t);
  });
  const merged: unknown[] = [];
  const fromTemplate: (number | undefined)[] = [];
  const placed = new Set<number>();
  for (const vs of current.virtualServices) {
    const t = firstByName.get(vs.name);
    if (t !== undefined && !placed.has(t)) {
      merged.push(incoming[t]);
      fromTemplate.push(t);
      placed.add(t);
    } else {
      merged.push(vs);
      fromTemplate.push(undefined);
    }
  }
  incoming.forEach((vs, t) => {
    if (placed.has(t)) return;
    merged.push(vs);
    fromTemplate.push(t);
  });

  const parsed = parseAgentConfig({ ...current, virtualServices: merged });
  if (!parsed.ok) {
    return {
      ok: false,
      problems: explainProblems(parsed.problems, {
        origins: prepared.origins,
        names: merged.map((vs) => nameOf(vs as Record<string, unknown>)),
        templateIndex: (i) => fromTemplate[i],
      }),
    };
  }
  const config = parsed.value;
  const changes = diffConfigs(current, config);
  const ours = incoming.map((vs) => nameOf(vs)!);
  const op = new Map(changes.map((c) => [c.virtualService, c.op]));
  return {
    ok: true,
    config,
    created: ours.filter((n) => op.get(n) === 'add'),
    replaced: ours.filter((n) => op.get(n) === 'replace'),
    unchanged: ours.filter((n) => !op.has(n)),
  };
}

export function previewTemplate(current: AgentConfig, template: Template, params: unknown): PreviewResult {
  const applied = applyTemplate(current, template, params);
  if (!applied.ok) return applied;
  const ours = new Set([...applied.created, ...applied.replaced]);
  return {
    ok: true,
    changes: diffConfigs(current, applied.config).filter((c) => ours.has(c.virtualService)),
    unchanged: applied.unchanged,
  };
}
