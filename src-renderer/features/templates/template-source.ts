/**
 * The template the admin works with, wherever it came from: a built-in (sent by id, so each
 * agent renders its own copy), an imported one (the agents do not have it, so the whole
 * document is sent) or a file loaded on this screen (the document exactly as read).
 *
 * The form is built from the parameters with shared/templates/parameters.ts's schema, so types,
 * patterns and list bounds are the agent's. A parameter that schema does not know (a newer
 * agent's type) still gets a plain text field: the agent checks it on preview.
 */
import type { TemplateEntry } from '../../../shared/ipc/templates.ts';
import { TemplateParameter } from '../../../shared/templates/parameters.ts';
import { Template } from '../../../shared/templates/template.ts';
import { toProblems, type ConfigProblem } from '../../../shared/model/validate.ts';

export type TemplateSource = TemplateEntry['source'] | 'file';

/** A parameter of a type this Console does not know: a text field, checked by the agent only. */
export interface OtherParameter {
  type: 'other';
  /** The type the template declares. */
  declaredType: string;
  name: string;
  label: string;
  description: string;
  required: boolean;
  default?: unknown;
  when?: undefined;
}

export type FormParameter = TemplateParameter | OtherParameter;

export interface ChosenTemplate {
  /** Identifies the choice: changing it resets the form, the preview and the apply. */
  key: string;
  source: TemplateSource;
  /** What previewTemplate / applyTemplate get as `template`. */
  ref: string | Record<string, unknown>;
  name: string;
  version?: string | number;
  description: string;
  parameters: FormParameter[];
  /** A loaded file's problems as this Console's copy of the schema sees them (agents check again). */
  problems: ConfigProblem[];
}

/** A template file is a few KiB; this only keeps a wrong file (an ISO image) from being read. */
export const MAX_TEMPLATE_FILE_BYTES = 1024 * 1024;

export function fromEntry(entry: TemplateEntry): ChosenTemplate {
  const t = entry.template;
  return {
    key: `${entry.source}:${t.id}`,
    source: entry.source,
    // The agents ship the built-ins; an imported template lives only in this Console.
    ref: entry.source === 'builtin' ? t.id : (t as Record<string, unknown>),
    name: t.name,
    version: t.version,
    description: t.description,
    parameters: toFormParameters(t.parameters),
    problems: [],
  };
}

export type ReadResult = { ok: true; template: ChosenTemplate } | { ok: false; message: string };

/** A file's text → the template to preview; only "not JSON" and "not an object" stop here. */
export function readTemplateFile(fileName: string, text: string): ReadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${fileName} is not JSON: ${(err as Error).message}` };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, message: `${fileName} is not a template: a template file holds one JSON object` };
  }
  const obj = doc as Record<string, unknown>;
  const checked = Template.safeParse(obj);
  const version = obj.version;
  return {
    ok: true,
    template: {
      key: `file:${fileName}:${text.length}:${Date.now()}`,
      source: 'file',
      ref: obj,
      name: typeof obj.name === 'string' && obj.name ? obj.name : fileName,
      ...(typeof version === 'string' || typeof version === 'number' ? { version } : {}),
      description: typeof obj.description === 'string' ? obj.description : '',
      parameters: toFormParameters(Array.isArray(obj.parameters) ? obj.parameters : []),
      problems: checked.success ? [] : toProblems(checked.error),
    },
  };
}

/** Each parameter typed by the shared schema (defaults applied), else as an OtherParameter. */
export function toFormParameters(list: readonly unknown[]): FormParameter[] {
  const out: FormParameter[] = [];
  const seen = new Set<string>();
  for (const raw of list) {
    if (raw === null || typeof raw !== 'object') continue;
    const parsed = TemplateParameter.safeParse(raw);
    const p = parsed.success ? parsed.data : other(raw as Record<string, unknown>);
    // Nameless or repeated parameters cannot be given a value; the agent names the problem.
    if (!p || seen.has(p.name)) continue;
    seen.add(p.name);
    out.push(p);
  }
  return out;
}

function other(raw: Record<string, unknown>): OtherParameter | undefined {
  if (typeof raw.name !== 'string' || !raw.name) return undefined;
  return {
    type: 'other',
    declaredType: typeof raw.type === 'string' ? raw.type : 'unknown',
    name: raw.name,
    label: typeof raw.label === 'string' && raw.label ? raw.label : raw.name,
    description: typeof raw.description === 'string' ? raw.description : '',
    required: raw.required === true,
    ...(raw.default === undefined ? {} : { default: raw.default }),
  };
}
