/**
 * Template documents: a JSON data file with typed parameters and the pools and virtual services
 * it writes, with `{{parameter}}` placeholders. The agent renders and applies them; the Console
 * imports them from files and builds its parameter form from the same schema, so both ends
 * refuse a broken template with the same words. The format is described in ./README.md.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { z } from 'zod';
import { ObjectName } from '../model/config.ts';
import type { ConfigProblem } from '../model/validate.ts';
import { checkTemplate } from './check-template.ts';
import { TemplateParameter } from './parameters.ts';

/** A problem with a template or its parameters; `params` names the parameters behind it. */
export interface TemplateProblem extends ConfigProblem {
  /** Parameters whose values produced the field in trouble (when the path is not already one). */
  params?: string[];
  /** The pool the path is in, by name, when there is one. */
  pool?: string;
  /** The virtual service the path is in, by name, when there is one. */
  virtualService?: string;
}

const Objects = z.array(z.record(z.string(), z.unknown()));

export const TemplateDocument = z
  .object({
    $schema: z.string().optional(),
    id: ObjectName.describe('Stable identifier, e.g. exchange-2010-cas.'),
    version: z.number().int().min(1).describe('Raised whenever what the template produces changes.'),
    name: z.string().min(1).max(120).describe('Title shown to admins.'),
    description: z.string().max(4000).default(''),
    parameters: z.array(TemplateParameter).default([]),
    pools: Objects.default([]).describe(
      'Pools (see the config reference) with placeholders. A real-server list parameter fills a ' +
        'pool\'s servers ("servers": "{{p}}"); several services and content rules then name the ' +
        'pool. Name pools from a parameter ("{{name}}-cas") so the template can be applied twice.',
    ),
    virtualServices: Objects.default([]).describe(
      'Virtual services (see the config reference) with placeholders. A string that is exactly ' +
        '"{{p}}" takes the typed value of p (number, boolean, list); {{p}} inside a longer string ' +
        'is replaced by the value as text. When p has no value (optional, no default, or its ' +
        '"when" does not hold) the field or array element holding the placeholder is left out, ' +
        'so the config default applies.',
    ),
  })
  .strict();

export const Template = TemplateDocument.superRefine(checkTemplate).describe(
  'A template: typed parameters and the pools and virtual services they fill in.',
);

export type Template = z.infer<typeof Template>;
export type TemplateInput = z.input<typeof Template>;
