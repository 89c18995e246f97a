/**
 * Template parameters: the typed values an admin gives when applying a template, and the one
 * set of rules that checks them. The agent checks values with these schemas before rendering;
 * the Console builds its parameter form from the same ones, so both ends refuse a value with
 * the same words.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { z } from 'zod';
import { Host, ObjectName, Port } from '../model/config.ts';
import { NAME_PATTERN, WHOLE_PLACEHOLDER } from './placeholders.ts';

export const ParameterName = z
  .string()
  .regex(
    new RegExp(`^${NAME_PATTERN}$`),
    'use a letter, then up to 62 letters, digits, "-" or "_" (it is written {{name}} in the template)',
  )
  .describe('Referred to as {{name}} in the pools and virtual services.');

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** One value, or a list meaning "any of these" (`"equals": ["ca", "none"]`). */
export const ConditionValue = z.union([Scalar, z.array(Scalar).min(1)]);

/** Whether a parameter's value (undefined: it has none) satisfies a condition's `equals`. */
export function conditionHolds(value: unknown, equals: unknown): boolean {
  if (value === undefined) return false;
  return Array.isArray(equals) ? equals.includes(value) : value === equals;
}

const Condition = z
  .object({
    param: ParameterName.describe('Another parameter (not a list, not itself conditional).'),
    equals: ConditionValue.describe(
      'The value it must have for this parameter to apply; a list: any of those values.',
    ),
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
      'Port on the real server. Omitted: the port the pool gives the list, else the ' +
        "parameter's defaultPort.",
    ),
    weight: z.number().int().min(0).max(1000).optional().describe('Relative share (weighted round-robin).'),
  })
  .strict();
export type RealServerEntry = z.infer<typeof RealServerEntry>;

/** What a `list` parameter holds: host names for content rules, or paths (deny paths). */
export const LIST_ITEMS = ['hostName', 'path'] as const;

const HOST_NAME =
  /^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** A port, or `"{{p}}"` naming a port parameter whose value is used. */
export const PortOrRef = z
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
          'Port for entries that name none, unless the pool that uses the list gives one.',
        ),
        portPerServer: z
          .boolean()
          .default(true)
          .describe(
            'false: entries may not name a port; every pool that uses the list sets it (the same ' +
              'servers in one pool on 4443 and another on 8080, say).',
          ),
      })
      .strict()
      .describe(
        'A list of { name, address, port?, weight? } that fills a pool\'s servers: "servers": "{{p}}", ' +
          'or "servers": { "$realServers": "{{p}}", "port": 4443 | "{{portParameter}}" }; inside ' +
          'a servers array the entries are spliced in. Port of each server: its own port, else the ' +
          "port the pool gives the list, else the parameter's defaultPort.",
      ),
    z
      .object({
        type: z.literal('list'),
        ...common,
        items: z
          .enum(LIST_ITEMS)
          .describe('hostName: exact names or *.wildcards (content rules); path: paths that start with "/".'),
        default: z.array(z.string()).optional(),
        minItems: z.number().int().min(0).max(1000).default(1),
        maxItems: z.number().int().min(1).max(1000).default(100),
      })
      .strict()
      .describe(
        'A list of host names or paths, used as a whole value: "host": "{{p}}", "denyPaths": "{{p}}". ' +
          'Given as a JSON list, or as one text with the entries separated by commas or spaces (a form field).',
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
    case 'list':
      return listValue(param);
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
  for (const p of parameters)
    if (p.when && conditionHolds(out.effective.get(p.when.param), p.when.equals)) resolve(p);
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

/** A list parameter: a JSON list, or text split on commas and white space; no entry twice. */
function listValue(param: Extract<TemplateParameter, { type: 'list' }>) {
  const item =
    param.items === 'hostName'
      ? z
          .string({ error: 'use a host name' })
          .max(253, 'use at most 253 characters')
          .regex(HOST_NAME, 'use a host name such as mail.contoso.com, or *.contoso.com')
      : z
          .string({ error: 'use a path' })
          .max(2048, 'use at most 2048 characters')
          .regex(/^\/[^\s]*$/, 'a path starts with "/" and has no spaces');
  const noun = param.items === 'hostName' ? 'host name' : 'path';
  const count = (n: number) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return z
    .union([z.array(z.unknown()), z.string()], { error: `use a list of ${noun}s` })
    .transform((v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v))
    .pipe(
      z
        .array(item)
        .min(param.minItems, `give at least ${count(param.minItems)}`)
        .max(param.maxItems, `give at most ${count(param.maxItems)}`)
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          list.forEach((entry, i) => {
            const key = param.items === 'hostName' ? entry.toLowerCase() : entry;
            if (seen.has(key))
              ctx.addIssue({ code: 'custom', path: [i], message: `"${entry}" is listed twice` });
            seen.add(key);
          });
        }),
    );
}
