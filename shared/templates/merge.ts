/**
 * How a template's objects land in a running config: upserted by name, and an object that
 * exists already keeps every field the template does not write. So re-applying a template
 * (to rotate its certificate, say) keeps what an admin changed by hand where the template says
 * nothing: a drained server stays drained, a tuned health-check interval, an added content rule
 * or deny path stays. What the template does write is its own, including a field it writes
 * from a parameter that has no value this time: that field goes, and the config default applies.
 * Deny paths are the exception: the template's are added, and none is ever taken away (ADDITIVE).
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { deepEqual, isPlainObject } from '../model/deep-equal.ts';
import { formatPath } from '../model/validate.ts';
import type { Doc } from './render.ts';
import type { Origin, Path } from './substitute.ts';

/**
 * The keys the config's unions switch on (a service by protocol, persistence by mode, a health
 * check by type, re-encrypt by verify). When the template picks another member, the old
 * member's fields mean nothing in the new one (a cookie's timeoutSeconds is not a source-IP
 * timeout), so the object is the template's as written. merge.test.ts checks this list
 * against every union in the config schema.
 */
export const DISCRIMINATORS: readonly string[] = ['protocol', 'mode', 'type', 'verify'];

/**
 * Lists the template adds to rather than replaces, and never removes for a parameter left
 * empty: applying a template again never lifts a deny path an admin (or an earlier apply) set;
 * one is taken away on the service itself.
 */
export const ADDITIVE: readonly string[] = ['denyPaths'];

export interface Upserted {
  /** The objects of the section after the upsert, in order. */
  list: unknown[];
  /** Index in `list` → index in the template's output; undefined for objects the template left alone. */
  fromTemplate: (number | undefined)[];
}

/**
 * The first object of a name replaces the existing one in place (merged with it); anything
 * else is appended (a name the template repeats is then refused by the config's unique-name rule).
 * `path` is where the section's objects are in the template's output (`pools`, `virtualServices`).
 */
export function upsertByName(
  current: readonly Doc[],
  incoming: readonly Doc[],
  section: string,
  origins: readonly Origin[],
  /** Template objects already placed otherwise (shared services that joined one: shared.ts). */
  skip: ReadonlySet<number> = new Set(),
): Upserted {
  const omitted = new Set(origins.filter((o) => o.kind === 'omitted').map((o) => formatPath(o.path)));
  const firstByName = new Map<unknown, number>();
  incoming.forEach((o, t) => {
    if (typeof o.name === 'string' && !firstByName.has(o.name) && !skip.has(t)) firstByName.set(o.name, t);
  });
  const out: Upserted = { list: [], fromTemplate: [] };
  const placed = new Set<number>(skip);
  for (const existing of current) {
    const t = firstByName.get(existing.name);
    if (t !== undefined && !placed.has(t)) {
      out.list.push(mergeWritten(existing, incoming[t], [section, t], omitted));
      out.fromTemplate.push(t);
      placed.add(t);
    } else {
      out.list.push(existing);
      out.fromTemplate.push(undefined);
    }
  }
  incoming.forEach((o, t) => {
    if (placed.has(t)) return;
    out.list.push(o);
    out.fromTemplate.push(t);
  });
  return out;
}

/**
 * `written` over `existing`. Objects merge key by key: keys the template wrote take its value
 * (merged again where both sides are objects), keys it wrote from a parameter without a value
 * (in `omitted`, by path in the template's output) go, other keys stay. Lists of named objects
 * (servers, content rules) are the template's list, each member merged with the existing
 * member of its name; any other list or value is the template's.
 */
export function mergeWritten(
  existing: unknown,
  written: unknown,
  path: Path,
  omitted: ReadonlySet<string>,
): unknown {
  if (isPlainObject(existing) && isPlainObject(written)) {
    if (DISCRIMINATORS.some((k) => k in written && k in existing && !deepEqual(written[k], existing[k]))) {
      return written;
    }
    const out: Doc = {};
    for (const [key, value] of Object.entries(existing)) {
      if (ADDITIVE.includes(key) && Array.isArray(value)) {
        out[key] = Array.isArray(written[key]) ? addTo(value, written[key]) : value;
      } else if (key in written) out[key] = mergeWritten(value, written[key], [...path, key], omitted);
      else if (!omitted.has(formatPath([...path, key]))) out[key] = value;
    }
    for (const [key, value] of Object.entries(written)) if (!(key in out)) out[key] = value;
    return out;
  }
  if (isNamedList(existing) && isNamedList(written)) {
    const byName = new Map(existing.map((o) => [o.name, o]));
    return written.map((o, i) => {
      const prior = byName.get(o.name);
      return prior === undefined ? o : mergeWritten(prior, o, [...path, i], omitted);
    });
  }
  return written;
}

/** `existing`, then what `written` has that it has not. */
function addTo(existing: readonly unknown[], written: readonly unknown[]): unknown[] {
  return [...existing, ...written.filter((x) => !existing.some((y) => deepEqual(x, y)))];
}

function isNamedList(value: unknown): value is ({ name: string } & Doc)[] {
  return Array.isArray(value) && value.every((o) => isPlainObject(o) && typeof o.name === 'string');
}
