/**
 * Templates: data documents with typed parameters that produce pools and virtual services (Exchange
 * 2010 CAS, Lync/Skype reverse proxy, generic HTTPS offload …). `template` is a built-in id
 * or a whole template document the Console imported from a file.
 *
 * The template document schema is shared/templates/template.ts's business (the Console builds its
 * parameter forms from it). Here a document is carried as a JSON object and checked by the
 * agent, which answers TEMPLATE_INVALID with every problem; that keeps an older agent's frame
 * check from refusing a newer document outright. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { Pool, VirtualService } from '../model/config.ts';
import { ExpectRevision, method, NoParams, Revision } from './common.ts';

export const TemplateId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'a template id is lower-case letters, digits, "." and "-"')
  .describe('Id of a built-in template, e.g. `exchange-2010-cas`.');

export const TemplateDocument = z
  .record(z.string(), z.unknown())
  .describe('A whole template document (JSON), e.g. one imported from a file; checked by the agent.');

export const TemplateRef = z
  .union([TemplateId, TemplateDocument])
  .describe('A built-in template id, or a whole template document.');

export const TemplateParamValues = z
  .record(z.string().max(100), z.unknown())
  .describe("Parameter values by name; checked against the template's parameter types.");

/**
 * One parameter a template asks for: the fields a Console needs for a form. Loose, because the
 * full parameter schema (patterns, list bounds, conditions) is shared/templates/parameters.ts's and
 * grows there; those fields come through as they are.
 */
export const TemplateParameterInfo = z.looseObject({
  /** Parameter name, as given in `params`. */
  name: z.string().describe('Parameter name, as given in `params`.'),
  /** string, port, address, certificate, ca, realServers … */
  type: z.string().describe('`string`, `port`, `address`, `certificate`, `ca`, `realServers` …'),
  /** Short label for a form field. */
  label: z.string().optional().describe('Short label for a form field.'),
  /** What the parameter is for. */
  description: z.string().optional().describe('What the parameter is for.'),
  /** true when the template has no default for it. */
  required: z.boolean().describe('true when the template has no default for it.'),
  /** Value used when none is given. */
  default: z.unknown().optional().describe('Value used when none is given.'),
});

export const TemplateInfo = z.looseObject({
  /** Template id. */
  id: z.string().describe('Template id.'),
  /** Display name. */
  name: z.string().describe('Display name.'),
  /** Template version. */
  version: z.union([z.string(), z.number()]).describe('Template version.'),
  /** What the template sets up. */
  description: z.string().describe('What the template sets up.'),
  /** Parameters it asks for. */
  parameters: z.array(TemplateParameterInfo).describe('Parameters it asks for.'),
});
export type TemplateInfo = z.infer<typeof TemplateInfo>;

export const TemplateListResult = z
  .object({
    /** The built-in templates, as whole documents. */
    templates: z
      .array(TemplateInfo)
      .describe(
        'The built-in templates, as whole documents (shared/templates/template.ts): the Console builds its forms from them.',
      ),
  })
  .strict();

export const TemplatePreviewParams = z
  .object({
    /** Built-in id or template document. */
    template: TemplateRef,
    /** Parameter values. */
    params: TemplateParamValues.default({}),
  })
  .strict();

const Kind = z.enum(['pool', 'virtualService']).describe('What kind of object: a pool or a virtual service.');

/** A pool or virtual service by name. */
export const ObjectRef = z.object({ kind: Kind, name: z.string().describe('Its name.') }).strict();

const ObjectValue = z.union([Pool, VirtualService]);

/** One pool or virtual service the template would add, replace or remove (shared/model/config-diff.ts). */
export const ConfigChangeWire = z.discriminatedUnion('op', [
  z
    .object({
      /** A new object. */
      op: z.literal('add'),
      kind: Kind,
      /** Its name. */
      name: z.string().describe('Its name.'),
      /** The object as it would run. */
      after: ObjectValue.describe('The object as it would run.'),
    })
    .strict(),
  z
    .object({
      /** An existing object of the same name is replaced. */
      op: z.literal('replace'),
      kind: Kind,
      /** Its name. */
      name: z.string().describe('Its name.'),
      /** The object as it runs now. */
      before: ObjectValue.describe('The object as it runs now.'),
      /** The object as it would run. */
      after: ObjectValue.describe('The object as it would run.'),
      /** Dotted paths that differ, e.g. `listen.port`, `servers["cas2"].address`. */
      fields: z.array(z.string()).describe('Dotted paths that differ, e.g. `servers["cas2"].address`.'),
    })
    .strict(),
  z
    .object({
      /** An object would go. */
      op: z.literal('remove'),
      kind: Kind,
      /** Its name. */
      name: z.string().describe('Its name.'),
      /** The object as it runs now. */
      before: ObjectValue.describe('The object as it runs now.'),
    })
    .strict(),
]);

export const TemplatePreviewResult = z
  .object({
    /** Revision the preview was computed against; pass it as expectRevision to apply exactly this. */
    revision: Revision.describe(
      'Revision the preview was computed against; pass it as `expectRevision` to apply exactly this.',
    ),
    /** What would change, per pool and virtual service. */
    changes: z.array(ConfigChangeWire).describe('What would change, per pool and virtual service.'),
    /** Objects the template would write exactly as they already are. */
    unchanged: z.array(ObjectRef).describe('Objects the template would write exactly as they already are.'),
  })
  .strict();

export const TemplateApplyParams = z
  .object({
    /** Built-in id or template document. */
    template: TemplateRef,
    /** Parameter values. */
    params: TemplateParamValues.default({}),
    /** Apply only if the running revision is still this one. */
    expectRevision: ExpectRevision,
  })
  .strict();

export const TemplateApplyResult = z
  .object({
    /** The revision now running. */
    revision: Revision.describe('The revision now running.'),
    /** Pools and virtual services added. */
    created: z.array(ObjectRef).describe('Pools and virtual services added.'),
    /** Pools and virtual services replaced. */
    replaced: z.array(ObjectRef).describe('Pools and virtual services replaced.'),
    /** Objects the template wrote exactly as they were. */
    unchanged: z.array(ObjectRef).describe('Objects the template wrote exactly as they were.'),
  })
  .strict();

export const TEMPLATE_METHODS = {
  'template.list': method({
    description: 'The built-in templates with their parameters.',
    params: NoParams,
    result: TemplateListResult,
    errors: ['UNAVAILABLE'],
  }),
  'template.preview': method({
    description:
      'Renders a template with parameters and says what applying it would change, without changing anything.',
    params: TemplatePreviewParams,
    result: TemplatePreviewResult,
    errors: ['NOT_FOUND', 'TEMPLATE_INVALID', 'UNAVAILABLE'],
  }),
  'template.apply': method({
    description:
      'Renders a template and applies the pools and virtual services it writes in one configuration transaction.',
    params: TemplateApplyParams,
    result: TemplateApplyResult,
    errors: ['CONFLICT', 'NOT_FOUND', 'TEMPLATE_INVALID', 'INVALID_CONFIG', 'UNAVAILABLE'],
  }),
};
