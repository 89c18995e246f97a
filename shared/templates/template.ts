/**
 * Template documents: a JSON data file with typed parameters and the virtual services it
 * creates, written with `{{parameter}}` placeholders. The agent renders and applies them; the
 * Console imports them from files and builds its parameter form from the same schema, so
 * both ends refuse a broken template with the same words.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { z } from 'zod';
import { Host, ObjectName, Port } from '../model/config.ts';
import type { ConfigProblem } from '../model/validate.ts';

/** A problem with a template or its parameters; `params` names the parameters behind it. */
export interface TemplateProblem extends ConfigProblem {
  /** Parameters whose values produced the field in trouble (when the path is not already one). */
  params?: string[];
  /** The virtual service the path is in, by name, when there is one. */
  virtualService?: string;
}

// ---------------------------------------------------------------------------------------------
// Placeholders

const NAME_PATTERN = '[A-Za-z][A-Za-z0-9_-]{0,62}';
const PLACEHOLDER = new RegExp(`\\{\\{(${NAME_PATTERN})\\}\\}`, 'g');
const WHOLE_PLACEHOLDER = new RegExp(`^\\{\\{(${NAME_PATTERN})\\}\\}$`);

/** The parameter a string stands for when it is exactly `"{{name}}"`. */
export function wholePlaceholder(text: string): string | undefined {
  return WHOLE_PLACEHOLDER.exec(text)?.[1];
}

/** Every parameter named by a placeholder in `text`, in order (repeats kept). */
export function placeholdersIn(text: string): string[] {
  return Array.from(text.matchAll(PLACEHOLDER), (m) => m[1]!);
}

/** Replaces each `{{name}}` with `lookup(name)`. */
export function interpolate(text: string, lookup: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => lookup(name));
}

/** Braces left over once the valid placeholders are gone: `{{ x }}`, `{{x}`, `{{}}`. */
function hasStrayBraces(text: string): boolean {
  const rest = text.replace(PLACEHOLDER, '');
  return rest.includes('{{') || rest.includes('}}');
}

/** The key of the object form of a real-server list placeholder. */
export const REAL_SERVERS_KEY = '$realServers';

// ---------------------------------------------------------------------------------------------
// Parameters

export const ParameterName = z
  .string()
  .regex(
    new RegExp(`^${NAME_PATTERN}$`),
    'use a letter, then up to 62 letters, digits, "-" or "_" (it is written {{name}} in the template)',
  )
  .describe('Referred to as {{name}} in the virtual services.');

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

const Condition = z
  .object({
    param: ParameterName.describe('Another parameter (not a real-server list, not itself conditional).'),
    equals: Scalar.describe('The value it must have for this parameter to apply.'),
  })
  .strict()
  .describe(
    'The parameter applies only when another one has the given value. Otherwise it counts as not ' +
      'given: its default and "required" are ignored and its placeholders drop out.',
  );

const common = {
  name: ParameterName,
  label: z.string().min(1).max(120).describe('Short label for a form field.'),
  description: z.string().max(2000).default('').describe('Help text: what the value is for.'),
  required: z
    .boolean()
    .default(false)
    .describe(
      'The caller must give a value. A parameter with a default is never missing, so required ' +
        'and default together are refused.',
    ),
  when: Condition.optional(),
};

/** A real server as a parameter value; port and weight are filled in by the template's rules. */
export const RealServerEntry = z
  .object({
    name: ObjectName.describe('Name shown in health and stats; unique in the list.'),
    address: Host,
    port: Port.optional().describe(
      'Port on the real server. Omitted: the port given where the list is used, else the ' +
        "parameter's defaultPort.",
    ),
    weight: z.number().int().min(0).max(1000).optional().describe('Relative share (weighted round-robin).'),
  })
  .strict();
export type RealServerEntry = z.infer<typeof RealServerEntry>;

/** A port, or `"{{p}}"` naming a port parameter whose value is used. */
const PortOrRef = z
  .union([Port, z.string().regex(WHOLE_PLACEHOLDER, 'use a port number or "{{portParameter}}"')])
  .describe('A port number, or "{{p}}" naming a port parameter.');

export const TemplateParameter = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('string'),
        ...common,
        default: z.string().optional(),
        pattern: z
          .string()
          .optional()
          .describe('A regular expression the whole value must match (anchor it with ^ and $).'),
        patternHint: z.string().max(200).optional().describe('Said when the pattern does not match.'),
        maxLength: z.number().int().min(1).max(4096).default(253),
      })
      .strict(),
    z.object({ type: z.literal('port'), ...common, default: Port.optional() }).strict(),
    z
      .object({ type: z.literal('address'), ...common, default: Host.optional() })
      .strict()
      .describe('An IPv4/IPv6 address or a host name.'),
    z
      .object({ type: z.literal('certificate'), ...common, default: ObjectName.optional() })
      .strict()
      .describe("The name of a certificate (key + chain) in the agent's store."),
    z
      .object({ type: z.literal('ca'), ...common, default: ObjectName.optional() })
      .strict()
      .describe("The name of a CA bundle in the agent's store."),
    z
      .object({
        type: z.literal('realServers'),
        ...common,
        default: z.array(RealServerEntry).optional(),
        minItems: z.number().int().min(0).max(1000).default(1),
        maxItems: z.number().int().min(1).max(1000).default(256),
        defaultPort: PortOrRef.optional().describe(
          'Port for entries that name none, unless the place the list is used gives one.',
        ),
        portPerServer: z
          .boolean()
          .default(true)
          .describe(
            'false: entries may not name a port; every place the list is used sets it (the same ' +
              'servers on 4443 and 8080, say).',
          ),
      })
      .strict()
      .describe(
        'A list of { name, address, port?, weight? }. Used as "{{p}}" or as ' +
          '{ "$realServers": "{{p}}", "port": 4443 | "{{portParameter}}" } where a list of real ' +
          'servers is expected; inside an array the servers are spliced in. Port of each server: ' +
          "its own port, else the port where the list is used, else the parameter's defaultPort.",
      ),
    z
      .object({
        type: z.literal('integer'),
        ...common,
        default: z.number().optional(),
        min: z.number().int().optional(),
        max: z.number().int().optional(),
      })
      .strict(),
    z.object({ type: z.literal('boolean'), ...common, default: z.boolean().optional() }).strict(),
    z
      .object({
        type: z.literal('enum'),
        ...common,
        default: z.union([z.string(), z.number()]).optional(),
        values: z
          .array(z.union([z.string(), z.number()]))
          .min(1)
          .describe('The allowed values.'),
      })
      .strict(),
  ])
  .describe('A typed value the admin gives when applying the template.');

export type TemplateParameter = z.infer<typeof TemplateParameter>;
export type ParameterType = TemplateParameter['type'];

const PORT_MESSAGE = 'use a port number 1–65535';

/** Validates a value given for `param`: the same rules on the agent and in the Console's form. */
export function parameterValueSchema(param: TemplateParameter): z.ZodType {
  switch (param.type) {
    case 'string': {
      let s = z
        .string({ error: 'use text' })
        .max(param.maxLength, `use at most ${param.maxLength} characters`);
      if (param.pattern !== undefined) {
        const re = new RegExp(param.pattern, 'u');
        s = s.regex(re, param.patternHint ?? `does not match ${param.pattern}`);
      }
      return s;
    }
    case 'port':
      return portValue();
    case 'address':
      return nameLike(Host, 'use an IP address or a host name');
    case 'certificate':
      return nameLike(ObjectName, "use the name of a certificate in the agent's store (one word)");
    case 'ca':
      return nameLike(ObjectName, "use the name of a CA bundle in the agent's store (one word)");
    case 'integer': {
      const range =
        param.min !== undefined && param.max !== undefined
          ? `use a whole number from ${param.min} to ${param.max}`
          : param.min !== undefined
            ? `use a whole number of at least ${param.min}`
            : param.max !== undefined
              ? `use a whole number of at most ${param.max}`
              : 'use a whole number';
      let n = z.number({ error: range }).int(range);
      if (param.min !== undefined) n = n.min(param.min, range);
      if (param.max !== undefined) n = n.max(param.max, range);
      return n;
    }
    case 'boolean':
      return z.boolean({ error: 'use true or false' });
    case 'enum': {
      const message = `use one of ${param.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return z
        .union([z.string(), z.number()], { error: message })
        .refine((v) => param.values.includes(v), message);
    }
    case 'realServers':
      return realServerList(param);
  }
}

/** What resolveParameterValues needs of a parameter: the Console's form adds kinds of its own. */
export interface ResolvableParameter {
  name: string;
  required?: boolean | undefined;
  default?: unknown;
  when?: { param: string; equals: unknown } | undefined;
}

export interface ParameterValuesResolved {
  /** The values given, checked. */
  given: Map<string, unknown>;
  /** Given or default: what the template is rendered with and what conditions test. */
  effective: Map<string, unknown>;
  /** Parameters that apply (plain ones, and conditional ones whose condition holds). */
  active: Set<string>;
  problems: { param: string; path: PropertyKey[]; message: string }[];
}

/**
 * The one set of rules for parameter values, on the agent and in the Console's form: a value
 * left out takes the default or is required; a given one must pass `check`; a conditional
 * parameter applies only when its condition holds against the other values (defaults included),
 * and otherwise counts as not given, whatever was sent for it.
 */
export function resolveParameterValues<P extends ResolvableParameter>(
  parameters: readonly P[],
  valueOf: (p: P) => unknown,
  check: (p: P, value: unknown) => z.ZodSafeParseResult<unknown>,
): ParameterValuesResolved {
  const out: ParameterValuesResolved = {
    given: new Map(),
    effective: new Map(),
    active: new Set(),
    problems: [],
  };
  const resolve = (p: P) => {
    out.active.add(p.name);
    const value = valueOf(p);
    if (value === undefined) {
      if (p.default !== undefined) out.effective.set(p.name, p.default);
      else if (p.required) out.problems.push({ param: p.name, path: [], message: 'required' });
      return;
    }
    const r = check(p, value);
    if (r.success) {
      out.given.set(p.name, r.data);
      out.effective.set(p.name, r.data);
    } else {
      for (const issue of r.error.issues)
        out.problems.push({ param: p.name, path: issue.path, message: issue.message });
    }
  };
  // Plain parameters first: conditions test them (a condition never tests a conditional one).
  for (const p of parameters) if (!p.when) resolve(p);
  for (const p of parameters) if (p.when && out.effective.get(p.when.param) === p.when.equals) resolve(p);
  return out;
}

function portValue() {
  return z.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE);
}

/** A string checked by one of the config's own schemas, with one plain message. */
function nameLike(schema: z.ZodType, message: string) {
  return z.string({ error: message }).refine((s) => schema.safeParse(s).success, message);
}

function realServerList(param: Extract<TemplateParameter, { type: 'realServers' }>) {
  const entry = z
    .object(
      {
        name: nameLike(ObjectName, 'use 1–63 letters, digits, "-" or "_", starting with a letter or digit'),
        address: nameLike(Host, 'use an IP address or a host name'),
        port: param.portPerServer
          ? portValue().optional()
          : z
              .undefined({ error: 'this template sets the port of every server (see its port parameters)' })
              .optional(),
        weight: z
          .number({ error: 'use a whole number 0–1000' })
          .int('use a whole number 0–1000')
          .min(0, 'use a whole number 0–1000')
          .max(1000, 'use a whole number 0–1000')
          .optional(),
      },
      // Only for a non-object entry; unknown keys keep zod's message, which names the key.
      {
        error: (issue) =>
          issue.code === 'invalid_type' ? 'use { "name": …, "address": … } for each real server' : undefined,
      },
    )
    .strict();
  const noun = (n: number) => (n === 1 ? '1 real server' : `${n} real servers`);
  return z
    .array(entry, { error: 'use a list of real servers' })
    .min(param.minItems, `give at least ${noun(param.minItems)}`)
    .max(param.maxItems, `give at most ${noun(param.maxItems)}`)
    .superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((rs, i) => {
        const first = seen.get(rs.name);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `"${rs.name}" is already the name of server ${first + 1}`,
          });
        } else seen.set(rs.name, i);
      });
    });
}

// ---------------------------------------------------------------------------------------------
// The document

const TemplateDocument = z
  .object({
    $schema: z.string().optional(),
    id: ObjectName.describe('Stable identifier, e.g. exchange-2010-cas.'),
    version: z.number().int().min(1).describe('Raised whenever what the template produces changes.'),
    name: z.string().min(1).max(120).describe('Title shown to admins.'),
    description: z.string().max(4000).default(''),
    parameters: z.array(TemplateParameter).default([]),
    virtualServices: z
      .array(z.record(z.string(), z.unknown()))
      .min(1, 'a template creates at least one virtual service')
      .describe(
        'Virtual services (see the config reference) with placeholders. A string that is exactly ' +
          '"{{p}}" takes the typed value of p (number, boolean, list); {{p}} inside a longer string ' +
          'is replaced by the value as text. When p has no value (optional, no default, or its ' +
          '"when" does not hold) the field or array element holding the placeholder is left out, ' +
          'so the config default applies. Name the services from a parameter ' +
          '("{{name}}-https") so the template can be applied twice.',
      ),
  })
  .strict();

export const Template = TemplateDocument.superRefine(checkTemplate).describe(
  'A template: typed parameters and the virtual services they fill in.',
);

export type Template = z.infer<typeof Template>;
export type TemplateInput = z.input<typeof Template>;

/** What can be said about a template without any parameter values. */
function checkTemplate(t: z.infer<typeof TemplateDocument>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const byName = new Map<string, TemplateParameter>();
  const used = new Set<string>();

  t.parameters.forEach((p, i) => {
    const at = (...rest: (string | number)[]) => ['parameters', i, ...rest];
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
      else if (target.type === 'realServers') issue(at, 'a condition cannot test a real-server list');
      else if (!parameterValueSchema(target).safeParse(p.when.equals).success) {
        issue(['parameters', i, 'when', 'equals'], `not a possible value of "${target.name}"`);
      }
    }
    if (p.type === 'realServers' && typeof p.defaultPort === 'string') {
      checkPortRef(p.defaultPort, ['parameters', i, 'defaultPort']);
    }
  });

  function checkPortRef(ref: string, path: (string | number)[]): void {
    const name = wholePlaceholder(ref)!;
    used.add(name);
    const target = byName.get(name);
    if (!target) issue(path, `unknown parameter "${name}"`);
    else if (target.type !== 'port') issue(path, `"${name}" is a ${target.type} parameter, not a port`);
  }

  /** Walks the virtual services: every placeholder names a parameter that fits where it is. */
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (typeof node === 'string') {
      if (hasStrayBraces(node)) {
        issue(path, 'stray "{{" or "}}": write placeholders as {{name}}, without spaces');
      }
      const whole = wholePlaceholder(node);
      for (const name of placeholdersIn(node)) {
        used.add(name);
        const p = byName.get(name);
        if (!p) issue(path, `unknown parameter "${name}"`);
        else if (p.type === 'realServers' && !whole) {
          issue(path, `"${name}" is a real-server list: use it as the whole value "{{${name}}}"`);
        }
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
      if (key.includes('{{') || key.includes('}}'))
        issue([...path, key], 'placeholders go in values, not keys');
      walk(value, [...path, key]);
    }
  };

  /** `{ "$realServers": "{{p}}", "port": … }`. */
  const checkListUse = (obj: Record<string, unknown>, path: (string | number)[]): void => {
    const ref = obj[REAL_SERVERS_KEY];
    const name = typeof ref === 'string' ? wholePlaceholder(ref) : undefined;
    const p = name === undefined ? undefined : byName.get(name);
    if (name !== undefined) used.add(name);
    if (name === undefined) issue([...path, REAL_SERVERS_KEY], 'use "{{realServersParameter}}"');
    else if (!p) issue([...path, REAL_SERVERS_KEY], `unknown parameter "${name}"`);
    else if (p.type !== 'realServers') {
      issue([...path, REAL_SERVERS_KEY], `"${name}" is a ${p.type} parameter, not a real-server list`);
    }
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

  t.virtualServices.forEach((vs, i) => {
    walk(vs, ['virtualServices', i]);
    if (typeof vs.name !== 'string')
      issue(['virtualServices', i, 'name'], 'every virtual service needs a name');
  });
  // A plain "{{p}}" use of a list whose servers name no port needs the parameter's defaultPort.
  const portless = new Set<TemplateParameter>();
  const plainUse = (node: unknown): void => {
    if (typeof node === 'string') {
      const p = byName.get(wholePlaceholder(node) ?? '');
      if (p?.type === 'realServers' && !p.portPerServer && p.defaultPort === undefined) portless.add(p);
    } else if (Array.isArray(node)) node.forEach(plainUse);
    else if (node && typeof node === 'object' && !(REAL_SERVERS_KEY in node))
      Object.values(node).forEach(plainUse);
  };
  t.virtualServices.forEach(plainUse);
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

function pathOf(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((k) => (typeof k === 'number' ? k : String(k)));
}
