/**
 * The templates shipped with the agent: JSON data files in ./builtin, one per template, named
 * after its id. They go through the same checks as an imported template; a broken one is a
 * bug in this repository, so loading throws (and the built-in tests fail) rather than
 * quietly offering fewer templates.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Template } from '../../shared/model/template.ts';
import { describeProblems } from '../../shared/model/validate.ts';
import { parseTemplate } from './parse-template.ts';

const DIR = new URL('./builtin/', import.meta.url);

let cache: ReadonlyMap<string, Template> | undefined;

function load(): ReadonlyMap<string, Template> {
  if (cache) return cache;
  const templates = new Map<string, Template>();
  for (const file of readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const parsed = parseTemplate(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')));
    if (!parsed.ok)
      throw new Error(`built-in template ${file} is broken:\n${describeProblems(parsed.problems)}`);
    if (`${parsed.template.id}.json` !== file) {
      throw new Error(`built-in template ${file} has id "${parsed.template.id}"; name the file after the id`);
    }
    templates.set(parsed.template.id, parsed.template);
  }
  cache = templates;
  return templates;
}

/** Every built-in template, by id. */
export function listBuiltinTemplates(): Template[] {
  return [...load().values()];
}

export function getBuiltinTemplate(id: string): Template | undefined {
  return load().get(id);
}
