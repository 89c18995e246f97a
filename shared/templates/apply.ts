/**
 * Applying a template to a running config: its pools and virtual services are upserted by name
 * (an object of the same name is updated in place, keeping the fields the template does not
 * write — merge.ts; every other object is left alone), a service marked "$shared" joins the
 * service already on its address (shared.ts), and the result must validate as a whole,
 * so a clash with an existing listener or a reference to a missing pool is refused here, not
 * discovered by the engine. `previewTemplate` is the same computation, told as a diff of only
 * the objects the template writes.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { AgentConfig } from '../model/config.ts';
import { diffConfigs, type ConfigChange, type ObjectKind, type ObjectRef } from '../model/config-diff.ts';
import { parseWith } from '../model/validate.ts';
import { explainProblems, type Section } from './explain.ts';
import { upsertByName } from './merge.ts';
import { nameOf, prepareTemplate, type Doc } from './render.ts';
import { joinShared } from './shared.ts';
import type { Template, TemplateProblem } from './template.ts';

export type ApplyResult =
  | {
      ok: true;
      config: AgentConfig;
      /** Pools and services the template added. */
      created: ObjectRef[];
      /** Existing pools and services it changed. */
      replaced: ObjectRef[];
      /** Existing pools and services it would have written exactly as they are. */
      unchanged: ObjectRef[];
    }
  | { ok: false; problems: TemplateProblem[] };

export type PreviewResult =
  | {
      ok: true;
      /** Changes to the objects the template writes, pools first (config-diff's order). */
      changes: ConfigChange[];
      unchanged: ObjectRef[];
    }
  | { ok: false; problems: TemplateProblem[] };

const KIND: Record<Section, ObjectKind> = { pools: 'pool', virtualServices: 'virtualService' };
const key = (ref: ObjectRef) => `${ref.kind}:${ref.name}`;

export function applyTemplate(current: AgentConfig, template: Template, params: unknown): ApplyResult {
  const prepared = prepareTemplate(template, params);
  if (!prepared.ok) return prepared;
  const pools = upsertByName(current.pools as Doc[], prepared.pools, 'pools', prepared.origins);
  // Shared services join the service on their address first (shared.ts); the rest go by name.
  const joined = joinShared(current.virtualServices as Doc[], prepared.virtualServices, prepared.shared);
  if (joined.problems.length) return { ok: false, problems: joined.problems };
  const services = upsertByName(
    joined.list,
    prepared.virtualServices,
    'virtualServices',
    prepared.origins,
    new Set(joined.joined.keys()),
  );

  const parsed = parseWith(AgentConfig, { ...current, pools: pools.list, virtualServices: services.list });
  if (!parsed.ok) {
    return {
      ok: false,
      problems: explainProblems(parsed.problems, {
        origins: prepared.origins,
        names: { pools: pools.list.map(nameOf), virtualServices: services.list.map(nameOf) },
        templateIndex: (section, i) => (section === 'pools' ? pools : services).fromTemplate[i],
      }),
    };
  }
  const config = parsed.value;
  const op = new Map(diffConfigs(current, config).map((c) => [key(c), c.op]));
  // A shared service that joined another is told by the name of the one it joined.
  const serviceNames = prepared.virtualServices.map((o, t) => {
    const at = joined.joined.get(t);
    return at === undefined ? nameOf(o)! : nameOf(joined.list[at])!;
  });
  const ours = written(
    prepared.pools.map((o) => nameOf(o)!),
    serviceNames,
  );
  return {
    ok: true,
    config,
    created: ours.filter((ref) => op.get(key(ref)) === 'add'),
    replaced: ours.filter((ref) => op.get(key(ref)) === 'replace'),
    unchanged: ours.filter((ref) => !op.has(key(ref))),
  };
}

export function previewTemplate(current: AgentConfig, template: Template, params: unknown): PreviewResult {
  const applied = applyTemplate(current, template, params);
  if (!applied.ok) return applied;
  const ours = new Set([...applied.created, ...applied.replaced].map(key));
  return {
    ok: true,
    changes: diffConfigs(current, applied.config).filter((c) => ours.has(key(c))),
    unchanged: applied.unchanged,
  };
}

/** The objects the template writes, pools first, each once (a validated config names each once). */
function written(pools: readonly string[], services: readonly string[]): ObjectRef[] {
  const refs = new Map<string, ObjectRef>();
  for (const [section, names] of [
    ['pools', pools],
    ['virtualServices', services],
  ] as const) {
    for (const name of names) {
      const ref = { kind: KIND[section], name };
      refs.set(key(ref), ref);
    }
  }
  return [...refs.values()];
}
