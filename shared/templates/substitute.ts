/**
 * Fills a template's pools and virtual services with parameter values and remembers where every
 * substituted value came from, so a problem the config schema finds in the output can be
 * told to the admin as the parameter they typed (`params.servers[1].name`), not as a field
 * of a document they never wrote.
 */
import { formatPath } from '../model/validate.ts';
import type { ParameterValues } from './params.ts';
import type { TemplateParameter } from './parameters.ts';
import {
  interpolate,
  placeholdersIn,
  REAL_SERVERS_KEY,
  SHARED_KEY,
  WHEN_KEY,
  wholePlaceholder,
} from './placeholders.ts';
import type { Template, TemplateProblem } from './template.ts';
import { whenHolds, type WhenCondition } from './when.ts';

export type Path = (string | number)[];

/** Where a field of the output came from. */
export interface Origin {
  /** Path in the output, starting at `pools` or `virtualServices`. */
  path: Path;
  /** The parameter (or the entry of a real-server list) behind it, starting at `params`. */
  param: Path;
  /**
   * value: the field is the parameter's value; text: the value was written into a longer
   * string; omitted: the field was left out because the parameter has no value.
   */
  kind: 'value' | 'text' | 'omitted';
}

export interface Substituted {
  pools: unknown[];
  virtualServices: unknown[];
  origins: Origin[];
  /** Values that only fail once placed, e.g. a server without a port where no default exists. */
  problems: TemplateProblem[];
  /** Indices in `virtualServices` of the services marked "$shared". */
  shared: number[];
}

type RealServersParameter = Extract<TemplateParameter, { type: 'realServers' }>;

/** Marks a field or element that drops out. */
const OMIT: unique symbol = Symbol('omit');
/** Real servers that become a pool's servers, or are spliced into its servers array. */
class Spread {
  readonly items: { value: Record<string, unknown>; origins: Origin[] }[] = [];
}

export function substitute(template: Template, values: ParameterValues): Substituted {
  const params = new Map(template.parameters.map((p) => [p.name, p]));
  const origins: Origin[] = [];
  const problems = new Map<string, TemplateProblem>();

  const portOf = (ref: number | string | undefined): { port?: number; param?: string } => {
    if (typeof ref === 'number') return { port: ref };
    const name = ref === undefined ? undefined : wholePlaceholder(ref);
    const value = name === undefined ? undefined : values.get(name);
    return typeof value === 'number' ? { port: value, param: name } : {};
  };

  /** Real servers of `p` in one pool; `usePort` is the port that pool gives them. */
  const expand = (p: RealServersParameter, usePort: number | string | undefined): Spread | typeof OMIT => {
    const list = values.get(p.name) as { name: string; address: string; port?: number; weight?: number }[];
    if (list === undefined) return OMIT;
    // Each server's own port, else the port the pool gives the list, else the defaultPort.
    const atUse = portOf(usePort);
    const shared = atUse.port !== undefined ? atUse : portOf(p.defaultPort);
    const spread = new Spread();
    list.forEach((entry, k) => {
      const from: Path = ['params', p.name, k];
      const { port, param } = entry.port !== undefined ? { port: entry.port, param: undefined } : shared;
      if (port === undefined) {
        const path = formatPath([...from, 'port']);
        problems.set(path, { path, message: 'required: this template gives these servers no default port' });
      }
      const value: Record<string, unknown> = { name: entry.name, address: entry.address, port };
      if (entry.weight !== undefined) value.weight = entry.weight;
      // Paths are filled in when the item's place in the output is known.
      const itemOrigins: Origin[] = [{ path: [], param: from, kind: 'value' }];
      if (param !== undefined) itemOrigins.push({ path: ['port'], param: ['params', param], kind: 'value' });
      spread.items.push({ value, origins: itemOrigins });
    });
    return spread;
  };

  const place = (item: Spread['items'][number], path: Path) => {
    for (const o of item.origins) origins.push({ ...o, path: [...path, ...o.path] });
    return item.value;
  };

  const walk = (node: unknown, path: Path): unknown => {
    if (typeof node === 'string') return text(node, path);
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const el of node) {
        const v = walk(el, [...path, out.length]);
        if (v instanceof Spread) for (const item of v.items) out.push(place(item, [...path, out.length]));
        else if (v !== OMIT) out.push(v);
      }
      return out;
    }
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    // Left out whole, placeholders and all: what it would have needed is not missing.
    if (WHEN_KEY in obj && !whenHolds(obj[WHEN_KEY] as WhenCondition, values)) return OMIT;
    if (REAL_SERVERS_KEY in obj) {
      const name = wholePlaceholder(String(obj[REAL_SERVERS_KEY]))!;
      const list = expand(params.get(name) as RealServersParameter, obj.port as number | string | undefined);
      if (list === OMIT) origins.push({ path, param: ['params', name], kind: 'omitted' });
      return list;
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (key === WHEN_KEY || key === SHARED_KEY) continue;
      const v = walk(value, [...path, key]);
      if (v instanceof Spread) out[key] = v.items.map((item, k) => place(item, [...path, key, k]));
      else if (v !== OMIT) out[key] = v;
    }
    return out;
  };

  const text = (node: string, path: Path): unknown => {
    const names = placeholdersIn(node);
    if (names.length === 0) return node;
    const missing = names.filter((n) => !values.has(n));
    if (missing.length) {
      for (const n of new Set(missing)) origins.push({ path, param: ['params', n], kind: 'omitted' });
      return OMIT;
    }
    const whole = wholePlaceholder(node);
    if (whole !== undefined) {
      const p = params.get(whole)!;
      if (p.type === 'realServers') return expand(p, undefined);
      origins.push({ path, param: ['params', whole], kind: 'value' });
      return values.get(whole);
    }
    for (const n of new Set(names)) origins.push({ path, param: ['params', n], kind: 'text' });
    return interpolate(node, (n) => String(values.get(n)));
  };

  // Numbered as output, like any array: an object left out by "$when" takes no index.
  const section = (list: readonly Record<string, unknown>[], name: 'pools' | 'virtualServices') => {
    const out: unknown[] = [];
    const shared: number[] = [];
    for (const object of list) {
      const v = walk(object, [name, out.length]);
      if (v === OMIT) continue;
      if (object[SHARED_KEY] === true) shared.push(out.length);
      out.push(v);
    }
    return { out, shared };
  };
  const pools = section(template.pools, 'pools').out;
  const services = section(template.virtualServices, 'virtualServices');
  return {
    pools,
    virtualServices: services.out,
    origins,
    problems: [...problems.values()],
    shared: services.shared,
  };
}
