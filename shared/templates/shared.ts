/**
 * Several applications behind one address. A virtual service a template marks `"$shared": true`,
 * applied where an enabled service already listens on its address and port, joins that
 * service instead of being refused as a second listener there. The service keeps its name and
 * its own fields, and gains what the application brings:
 * - its content rules (a rule of the same name is replaced in place: applying the same
 *   application again updates its rules; others are added after the service's own),
 * - its certificates, after the service's own (SNI chooses; the first stays the default),
 * - its deny paths (they apply to every host on the address),
 * - the larger of each timeout it writes and the service's, and of maxHeaderBytes (one listener
 *   must suit every application on it),
 * - the sniHostMismatch it writes, if any,
 * - its default pool only when the service has none.
 * An http service that adds no content rule joins a redirect service by leaving it as it is
 * (that service already sends every host to HTTPS). Where no service listens there, the shared
 * service is created as written, like any other.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { deepEqual, isPlainObject } from '../model/deep-equal.ts';
import { formatPath } from '../model/validate.ts';
import type { Doc } from './render.ts';
import type { TemplateProblem } from './template.ts';

export interface Joined {
  /** The running services, each joined one changed in place. */
  list: Doc[];
  /** Template service (index in its output) → index in `list` of the service it joined. */
  joined: Map<number, number>;
  problems: TemplateProblem[];
}

export function joinShared(
  current: readonly Doc[],
  incoming: readonly Doc[],
  shared: readonly number[],
): Joined {
  const out: Joined = { list: [...current], joined: new Map(), problems: [] };
  for (const t of shared) {
    const s = incoming[t]!;
    const ep = endpoint(s);
    if (ep === undefined || s.enabled === false) continue;
    const i = out.list.findIndex((e) => e.enabled !== false && endpoint(e) === ep);
    if (i < 0) {
      const elsewhere = out.list.findIndex((e) => e.name === s.name);
      if (elsewhere >= 0) {
        out.problems.push({
          path: formatPath(['virtualServices', elsewhere, 'listen']),
          virtualService: String(s.name),
          message: `"${String(s.name)}" listens on ${endpoint(out.list[elsewhere]!) ?? 'another address'}, not on ${ep}: give this application the address of "${String(s.name)}", or another name for a new shared service`,
        });
      }
      continue;
    }
    const e = out.list[i]!;
    if (e.protocol !== s.protocol) {
      if (s.protocol === 'http' && e.protocol === 'redirect' && rules(s).length === 0) {
        out.joined.set(t, i);
        continue;
      }
      out.problems.push({
        path: formatPath(['virtualServices', i, 'protocol']),
        virtualService: String(e.name),
        message: `${ep} is already used by "${String(e.name)}" (${String(e.protocol)}): this application's ${String(s.protocol)} service can only join an ${String(s.protocol)} service there; change "${String(e.name)}" first, or use another address`,
      });
      continue;
    }
    out.list[i] = joinService(e, s);
    out.joined.set(t, i);
  }
  return out;
}

/** `s` (the template's, as written) added to `e` (a running service). */
export function joinService(e: Doc, s: Doc): Doc {
  const out: Doc = { ...e };
  if (Array.isArray(s.contentRules)) out.contentRules = upsertRules(rules(e), rules(s));
  const certificates = (isPlainObject(s.tls) && s.tls.certificates) || undefined;
  if (Array.isArray(certificates) && isPlainObject(e.tls)) {
    out.tls = { ...e.tls, certificates: union(e.tls.certificates, certificates) };
  }
  if (Array.isArray(s.denyPaths)) out.denyPaths = union(e.denyPaths, s.denyPaths);
  if (isPlainObject(s.timeouts) && isPlainObject(e.timeouts)) {
    const timeouts: Doc = { ...e.timeouts };
    for (const [key, value] of Object.entries(s.timeouts)) timeouts[key] = larger(timeouts[key], value);
    out.timeouts = timeouts;
  }
  if (s.maxHeaderBytes !== undefined) out.maxHeaderBytes = larger(e.maxHeaderBytes, s.maxHeaderBytes);
  if (s.sniHostMismatch !== undefined) out.sniHostMismatch = s.sniHostMismatch;
  if (e.pool === undefined && s.pool !== undefined) out.pool = s.pool;
  return out;
}

/** `address:port` as the config's one-service-per-address rule compares them. */
function endpoint(vs: Doc): string | undefined {
  const listen = vs.listen;
  if (!isPlainObject(listen) || typeof listen.port !== 'number') return undefined;
  const address = listen.address ?? '0.0.0.0';
  return typeof address === 'string' ? `${address}:${listen.port}` : undefined;
}

function rules(vs: Doc): Doc[] {
  return Array.isArray(vs.contentRules) ? (vs.contentRules as Doc[]) : [];
}

/** Existing rules, one of the same name replaced in place by the incoming one; new ones after. */
function upsertRules(existing: readonly Doc[], incoming: readonly Doc[]): Doc[] {
  const byName = new Map(incoming.map((r) => [r.name, r]));
  const out = existing.map((r) => byName.get(r.name) ?? r);
  const placed = new Set(existing.map((r) => r.name));
  for (const r of incoming) if (!placed.has(r.name)) out.push(r);
  return out;
}

function union(a: unknown, b: readonly unknown[]): unknown[] {
  const out = Array.isArray(a) ? [...(a as unknown[])] : [];
  for (const x of b) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

/** The larger of two numbers; a value that is not a number is left for validation to name. */
function larger(a: unknown, b: unknown): unknown {
  return typeof a === 'number' && typeof b === 'number' ? Math.max(a, b) : b;
}
