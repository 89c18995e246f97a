/**
 * The templates shipped with the agent: JSON data files in ./builtin, one per template, named
 * after its id, imported as modules so that bundles (the appliance package, the Console's demo
 * agent) carry them. They go through the same checks as an imported template; a broken one is
 * a bug in this repository, so loading throws (and the built-in tests fail) rather than
 * quietly offering fewer templates.
 */
import type { Template } from './template.ts';
import { describeProblems } from '../model/validate.ts';
import adfs from './builtin/adfs.json' with { type: 'json' };
import exchange2010Cas from './builtin/exchange-2010-cas.json' with { type: 'json' };
import exchange2016 from './builtin/exchange-2016.json' with { type: 'json' };
import httpRedirect from './builtin/http-redirect.json' with { type: 'json' };
import httpsOffload from './builtin/https-offload.json' with { type: 'json' };
import httpsReencrypt from './builtin/https-reencrypt.json' with { type: 'json' };
import lyncReverseProxy from './builtin/lync-reverse-proxy.json' with { type: 'json' };
import oneAddress from './builtin/one-address.json' with { type: 'json' };
import tcp from './builtin/tcp.json' with { type: 'json' };
import { parseTemplate } from './parse-template.ts';

/** File name → content; a test checks this lists every file in ./builtin. */
export const BUILTIN_FILES: Readonly<Record<string, unknown>> = {
  'adfs.json': adfs,
  'exchange-2010-cas.json': exchange2010Cas,
  'exchange-2016.json': exchange2016,
  'http-redirect.json': httpRedirect,
  'https-offload.json': httpsOffload,
  'https-reencrypt.json': httpsReencrypt,
  'lync-reverse-proxy.json': lyncReverseProxy,
  'one-address.json': oneAddress,
  'tcp.json': tcp,
};

let cache: ReadonlyMap<string, Template> | undefined;

function load(): ReadonlyMap<string, Template> {
  if (cache) return cache;
  const templates = new Map<string, Template>();
  for (const [file, content] of Object.entries(BUILTIN_FILES).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parsed = parseTemplate(content);
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
