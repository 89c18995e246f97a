/**
 * What changes between two configs, by pool and virtual-service name: the preview an admin
 * reads before a template or a whole config is applied. Fields are dotted paths; members of
 * named lists (real servers, content rules) are addressed by name, not index, so removing one
 * server reads as that server going, not as every later one changing.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import type { AgentConfig, Pool, VirtualService } from './config.ts';
import { deepEqual, isPlainObject } from './deep-equal.ts';

/** The named objects of a config, as changes and template results name them. */
export type ObjectKind = 'pool' | 'virtualService';

export interface ObjectRef {
  kind: ObjectKind;
  name: string;
}

type ObjectOf<K extends ObjectKind> = K extends 'pool' ? Pool : VirtualService;

type ChangeOf<K extends ObjectKind> =
  | { op: 'add'; kind: K; name: string; after: ObjectOf<K> }
  | {
      op: 'replace';
      kind: K;
      name: string;
      before: ObjectOf<K>;
      after: ObjectOf<K>;
      /** Dotted paths that differ, e.g. `listen.port`, `servers["cas2"].address`. */
      fields: string[];
    }
  | { op: 'remove'; kind: K; name: string; before: ObjectOf<K> };

export type ConfigChange = ChangeOf<'pool'> | ChangeOf<'virtualService'>;

type Objects = Pick<AgentConfig, 'pools' | 'virtualServices'>;

/** Changed, added and removed pools, then services; objects equal on both sides are left out. */
export function diffConfigs(before: Objects, after: Objects): ConfigChange[] {
  return [
    ...diffList('pool', before.pools, after.pools),
    ...diffList('virtualService', before.virtualServices, after.virtualServices),
  ] as ConfigChange[];
}

function diffList<K extends ObjectKind>(
  kind: K,
  before: readonly ObjectOf<K>[],
  after: readonly ObjectOf<K>[],
): ChangeOf<K>[] {
  const old = new Map(before.map((o) => [o.name, o]));
  const changes: ChangeOf<K>[] = [];
  for (const o of after) {
    const prior = old.get(o.name);
    if (!prior) changes.push({ op: 'add', kind, name: o.name, after: o });
    else {
      const fields = diffFields(prior, o);
      if (fields.length) changes.push({ op: 'replace', kind, name: o.name, before: prior, after: o, fields });
    }
  }
  const kept = new Set(after.map((o) => o.name));
  for (const o of before)
    if (!kept.has(o.name)) changes.push({ op: 'remove', kind, name: o.name, before: o });
  return changes;
}

/** Dotted paths of the fields that differ between two values (objects, arrays, scalars). */
export function diffFields(a: unknown, b: unknown, path = ''): string[] {
  const out: string[] = [];
  collect(a, b, path, out);
  return out;
}

function collect(a: unknown, b: unknown, path: string, out: string[]): void {
  if (deepEqual(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (named(a) && named(b)) return collectNamed(a, b, path, out);
    out.push(path);
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      collect(a[key], b[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  out.push(path);
}

type Named = { name: string } & Record<string, unknown>;

function collectNamed(a: Named[], b: Named[], path: string, out: string[]): void {
  const left = new Map(a.map((x) => [x.name, x]));
  const right = new Map(b.map((x) => [x.name, x]));
  const at = (name: string) => `${path}[${JSON.stringify(name)}]`;
  for (const [name, x] of left) {
    const y = right.get(name);
    if (y === undefined) out.push(at(name));
    else collect(x, y, at(name), out);
  }
  for (const name of right.keys()) if (!left.has(name)) out.push(at(name));
  // Order is meaningful (content rules match first to last): a pure reorder is a change too.
  const common = (list: Named[], other: Map<string, Named>) =>
    list.filter((x) => other.has(x.name)).map((x) => x.name);
  if (!deepEqual(common(a, right), common(b, left))) out.push(path);
}

function named(list: unknown[]): list is Named[] {
  const names = new Set<string>();
  for (const x of list) {
    if (!isPlainObject(x) || typeof x.name !== 'string' || names.has(x.name)) return false;
    names.add(x.name);
  }
  return true;
}
