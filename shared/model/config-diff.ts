/**
 * What changes between two configs, by virtual-service name: the preview an admin reads
 * before a template or a whole config is applied. Fields are dotted paths; members of named
 * lists (real servers, content rules) are addressed by name, not index, so removing one
 * server reads as that server going, not as every later one changing.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import type { AgentConfig, VirtualService } from './config.ts';

export type ConfigChange =
  | { op: 'add'; virtualService: string; after: VirtualService }
  | {
      op: 'replace';
      virtualService: string;
      before: VirtualService;
      after: VirtualService;
      /** Dotted paths that differ, e.g. `listen.port`, `realServers["cas2"].address`. */
      fields: string[];
    }
  | { op: 'remove'; virtualService: string; before: VirtualService };

/** Changed, added and removed services; services equal on both sides are left out. */
export function diffConfigs(
  before: Pick<AgentConfig, 'virtualServices'>,
  after: Pick<AgentConfig, 'virtualServices'>,
): ConfigChange[] {
  const old = new Map(before.virtualServices.map((vs) => [vs.name, vs]));
  const changes: ConfigChange[] = [];
  for (const vs of after.virtualServices) {
    const prior = old.get(vs.name);
    if (!prior) changes.push({ op: 'add', virtualService: vs.name, after: vs });
    else {
      const fields = diffFields(prior, vs);
      if (fields.length)
        changes.push({ op: 'replace', virtualService: vs.name, before: prior, after: vs, fields });
    }
  }
  const kept = new Set(after.virtualServices.map((vs) => vs.name));
  for (const vs of before.virtualServices) {
    if (!kept.has(vs.name)) changes.push({ op: 'remove', virtualService: vs.name, before: vs });
  }
  return changes;
}

/** Dotted paths of the fields that differ between two values (objects, arrays, scalars). */
export function diffFields(a: unknown, b: unknown, path = ''): string[] {
  const out: string[] = [];
  collect(a, b, path, out);
  return out;
}

function collect(a: unknown, b: unknown, path: string, out: string[]): void {
  if (equal(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (named(a) && named(b)) return collectNamed(a, b, path, out);
    out.push(path);
    return;
  }
  if (isObject(a) && isObject(b)) {
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
  if (!equal(common(a, right), common(b, left))) out.push(path);
}

function named(list: unknown[]): list is Named[] {
  const names = new Set<string>();
  for (const x of list) {
    if (!isObject(x) || typeof x.name !== 'string' || names.has(x.name)) return false;
    names.add(x.name);
  }
  return true;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Structural equality of JSON-like values; a key holding undefined counts as absent. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!equal(a[k], b[k])) return false;
    return true;
  }
  return false;
}
