/**
 * What can be said about a template document without any parameter values: parameters sound
 * (unique, defaults of their own type, conditions and port references that point at the right
 * kind), every placeholder names a parameter that fits where it is, real-server lists only
 * fill pools' servers, every object has a name, and every parameter is used.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import type { z } from 'zod';
import { parameterValueSchema, PortOrRef, type TemplateParameter } from './parameters.ts';
import {
  hasStrayBraces,
  placeholdersIn,
  REAL_SERVERS_KEY,
  SHARED_KEY,
  WHEN_KEY,
  wholePlaceholder,
} from './placeholders.ts';
import type { TemplateDocument } from './template.ts';
import { WhenCondition } from './when.ts';

type Path = (string | number)[];
type Doc = z.infer<typeof TemplateDocument>;
type RealServersParameter = Extract<TemplateParameter, { type: 'realServers' }>;

/** The place a real-server list may fill: a pool's `servers`, whole or as an element. */
function isServersPlace(path: Path): boolean {
  return path[0] === 'pools' && path[2] === 'servers' && path.length <= 4;
}

export function checkTemplate(t: Doc, ctx: z.RefinementCtx): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const byName = new Map<string, TemplateParameter>();
  const used = new Set<string>();

  t.parameters.forEach((p, i) => {
    const at = (...rest: Path) => ['parameters', i, ...rest];
    if (byName.has(p.name)) {
      issue(at('name'), `"${p.name}" is already the name of another parameter`);
      return;
    }
    byName.set(p.name, p);
    if (p.type === 'string' && p.pattern !== undefined) {
      try {
        new RegExp(p.pattern, 'u');
      } catch (err) {
        issue(at('pattern'), `not a valid regular expression: ${(err as Error).message}`);
        return; // the value schema cannot be built
      }
    }
    if (p.type === 'integer' && p.min !== undefined && p.max !== undefined && p.min > p.max) {
      issue(at('max'), 'max is below min');
      return;
    }
    if (p.type === 'realServers' && p.minItems > p.maxItems) {
      issue(at('maxItems'), 'maxItems is below minItems');
      return;
    }
    if (p.type === 'enum' && new Set(p.values).size !== p.values.length) {
      issue(at('values'), 'a value is listed twice');
    }
    if (p.default !== undefined) {
      if (p.required) issue(at('required'), 'a parameter with a default is never missing: drop one of them');
      const r = parameterValueSchema(p).safeParse(p.default);
      if (!r.success) for (const e of r.error.issues) issue(at('default', ...pathOf(e.path)), e.message);
    }
  });

  // Conditions and port references point at parameters of the right kind.
  t.parameters.forEach((p, i) => {
    if (byName.get(p.name) !== p) return;
    if (p.when) {
      const target = byName.get(p.when.param);
      const at = ['parameters', i, 'when', 'param'];
      used.add(p.when.param);
      if (!target) issue(at, `unknown parameter "${p.when.param}"`);
      else if (target === p) issue(at, 'a parameter cannot depend on itself');
      else if (target.when) issue(at, `"${target.name}" is itself conditional; depend on a plain parameter`);
      else if (target.type === 'realServers' || target.type === 'list')
        issue(at, `a condition cannot test a ${target.type === 'list' ? 'list' : 'real-server list'}`);
      else checkEquals(target, p.when.equals, ['parameters', i, 'when', 'equals']);
    }
    if (p.type === 'realServers' && typeof p.defaultPort === 'string') {
      checkPortRef(p.defaultPort, ['parameters', i, 'defaultPort']);
    }
  });

  /** Each value a condition names is one the parameter can take. */
  function checkEquals(target: TemplateParameter, equals: unknown, path: Path): void {
    const values = Array.isArray(equals) ? equals : [equals];
    values.forEach((v, k) => {
      if (!parameterValueSchema(target).safeParse(v).success)
        issue(Array.isArray(equals) ? [...path, k] : path, `not a possible value of "${target.name}"`);
    });
  }

  /** `"$when": { "param", "equals"? }`: a parameter that exists, values it can take. */
  function checkWhen(value: unknown, path: Path): void {
    const parsed = WhenCondition.safeParse(value);
    if (!parsed.success) {
      issue(path, 'use { "param": "name", "equals": value or [values] } (without equals: "has a value")');
      return;
    }
    const { param, equals } = parsed.data;
    used.add(param);
    const target = byName.get(param);
    if (!target) issue([...path, 'param'], `unknown parameter "${param}"`);
    else if (equals !== undefined && (target.type === 'realServers' || target.type === 'list'))
      issue([...path, 'equals'], `"${param}" is a list: a condition can only ask whether it has a value`);
    else if (equals !== undefined) checkEquals(target, equals, [...path, 'equals']);
  }

  function checkPortRef(ref: string, path: Path): void {
    const name = wholePlaceholder(ref)!;
    used.add(name);
    const target = byName.get(name);
    if (!target) issue(path, `unknown parameter "${name}"`);
    else if (target.type !== 'port') issue(path, `"${name}" is a ${target.type} parameter, not a port`);
  }

  const listOnlyInPools = (name: string) =>
    `"${name}" is a real-server list: it fills a pool's servers ("servers": "{{${name}}}")`;

  /** Lists used as a plain "{{p}}" (no port given there): their servers need a port from somewhere. */
  const portless = new Set<RealServersParameter>();

  /** Walks pools and services: every placeholder names a parameter that fits where it is. */
  const walk = (node: unknown, path: Path): void => {
    if (typeof node === 'string') {
      if (hasStrayBraces(node)) {
        issue(path, 'stray "{{" or "}}": write placeholders as {{name}}, without spaces');
      }
      const whole = wholePlaceholder(node);
      for (const name of placeholdersIn(node)) {
        used.add(name);
        const p = byName.get(name);
        if (!p) issue(path, `unknown parameter "${name}"`);
        else if (p.type === 'list') {
          if (!whole) issue(path, `"${name}" is a list: use it as the whole value "{{${name}}}"`);
          continue;
        } else if (p.type !== 'realServers') continue;
        else if (!whole)
          issue(path, `"${name}" is a real-server list: use it as the whole value "{{${name}}}"`);
        else if (!isServersPlace(path)) issue(path, listOnlyInPools(name));
        else if (!p.portPerServer && p.defaultPort === undefined) portless.add(p);
      }
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((el, i) => walk(el, [...path, i]));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (REAL_SERVERS_KEY in obj) {
      checkListUse(obj, path);
      return;
    }
    for (const [key, value] of Object.entries(obj)) {
      if (key === WHEN_KEY) {
        checkWhen(value, [...path, key]);
        continue;
      }
      if (key === SHARED_KEY) {
        if (path.length !== 2 || path[0] !== 'virtualServices')
          issue([...path, key], '"$shared" marks a whole virtual service');
        else if (value !== true) issue([...path, key], 'use "$shared": true');
        continue;
      }
      if (key.includes('{{') || key.includes('}}'))
        issue([...path, key], 'placeholders go in values, not keys');
      walk(value, [...path, key]);
    }
  };

  /** `{ "$realServers": "{{p}}", "port": … }`. */
  const checkListUse = (obj: Record<string, unknown>, path: Path): void => {
    const ref = obj[REAL_SERVERS_KEY];
    const name = typeof ref === 'string' ? wholePlaceholder(ref) : undefined;
    const p = name === undefined ? undefined : byName.get(name);
    if (name !== undefined) used.add(name);
    if (name === undefined) issue([...path, REAL_SERVERS_KEY], 'use "{{realServersParameter}}"');
    else if (!p) issue([...path, REAL_SERVERS_KEY], `unknown parameter "${name}"`);
    else if (p.type !== 'realServers') {
      issue([...path, REAL_SERVERS_KEY], `"${name}" is a ${p.type} parameter, not a real-server list`);
    } else if (!isServersPlace(path)) issue(path, listOnlyInPools(name));
    for (const key of Object.keys(obj)) {
      if (key !== REAL_SERVERS_KEY && key !== 'port') {
        issue([...path, key], `unknown key "${key}"; a real-server list use takes "port" only`);
      }
    }
    if (obj.port !== undefined) {
      const port = PortOrRef.safeParse(obj.port);
      if (!port.success) issue([...path, 'port'], 'use a port number or "{{portParameter}}"');
      else if (typeof port.data === 'string') checkPortRef(port.data, [...path, 'port']);
    } else if (p?.type === 'realServers' && !p.portPerServer && p.defaultPort === undefined) {
      issue(path, `the servers of "${p.name}" name no port: give "port" here or a defaultPort`);
    }
  };

  for (const section of ['pools', 'virtualServices'] as const) {
    const noun = section === 'pools' ? 'pool' : 'virtual service';
    t[section].forEach((object, i) => {
      walk(object, [section, i]);
      if (typeof object.name !== 'string') issue([section, i, 'name'], `every ${noun} needs a name`);
    });
  }
  if (t.pools.length === 0 && t.virtualServices.length === 0) {
    issue([], 'a template writes at least one pool or virtual service');
  }
  for (const p of portless) {
    issue(
      ['parameters', t.parameters.indexOf(p)],
      `"${p.name}" is used without a port: give it a defaultPort`,
    );
  }
  t.parameters.forEach((p, i) => {
    if (byName.get(p.name) === p && !used.has(p.name)) {
      issue(['parameters', i, 'name'], `"${p.name}" is never used`);
    }
  });
}

function pathOf(path: readonly PropertyKey[]): Path {
  return path.map((k) => (typeof k === 'number' ? k : String(k)));
}
