/**
 * docs/config.md and docs/config.schema.json are generated from the zod schemas, so the
 * reference cannot drift from what the agent accepts: `npm run docs` writes them and a test
 * fails when the committed files differ from what the schemas say.
 */
import { z } from 'zod';
import { AgentConfig } from '../../shared/model/config.ts';
import type { JsonSchema } from './json-schema.ts';

type Json = JsonSchema;

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AgentConfig, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { ...schema, title: 'Portico agent configuration (<data-dir>/config.json)' };
}

function typeOf(s: Json): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.oneOf || s.anyOf) {
    const variants = (s.oneOf ?? s.anyOf)!;
    const tag = variants.every((v) => v.properties?.mode)
      ? 'mode'
      : variants.every((v) => v.properties?.type)
        ? 'type'
        : variants.every((v) => v.properties?.verify)
          ? 'verify'
          : undefined;
    if (tag) return `object, by \`${tag}\``;
    return variants.map(typeOf).join(' \\| ');
  }
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'integer' && s.minimum !== undefined && s.maximum !== undefined)
    return `integer ${s.minimum}–${s.maximum}`;
  return String(s.type ?? 'any');
}

function row(name: string, s: Json, required: boolean): string {
  const def = s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : required ? '*required*' : '';
  return `| \`${name}\` | ${typeOf(s)} | ${def} | ${(s.description ?? '').replace(/\|/g, '\\|')} |`;
}

const ROOT = 'Top level';

function section(title: string, s: Json, out: string[]): void {
  const props = s.properties ?? {};
  out.push(`## ${title}`, '', '| Field | Type | Default | Meaning |', '|---|---|---|---|');
  const nested: [string, Json][] = [];
  for (const [name, p] of Object.entries(props)) {
    if (name === '$schema') continue;
    out.push(row(name, p, s.required?.includes(name) ?? false));
    const inner = p.type === 'array' ? p.items : p;
    const path = `${title === ROOT ? '' : `${title}.`}${name}${p.type === 'array' ? '[]' : ''}`;
    if (inner && (inner.properties || inner.oneOf)) nested.push([path, inner]);
  }
  out.push('');
  for (const [t, inner] of nested) {
    if (inner.oneOf) {
      for (const v of inner.oneOf) {
        const [tag, val] = Object.entries(v.properties ?? {}).find(([, p]) => p.const !== undefined) ?? [];
        section(tag ? `${t} (${tag}: ${JSON.stringify(val?.const)})` : t, v, out);
      }
    } else section(t, inner, out);
  }
}

const EXAMPLE = {
  virtualServices: [
    {
      name: 'web',
      listen: { address: '0.0.0.0', port: 8080 },
      protocol: 'http',
      healthCheck: { type: 'http', path: '/health', intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 2 },
      realServers: [
        { name: 'web1', address: '10.0.0.11', port: 80 },
        { name: 'web2', address: '10.0.0.12', port: 80 },
      ],
    },
  ],
};

/** What denyPaths and pathPrefix promise: agent/engine/http/target.ts keeps this true. */
const PATH_RULES = [
  '## How paths are compared (`denyPaths`, content rules)',
  '',
  'Every request has one canonical target, computed once and used by content rules, `denyPaths`,',
  'the redirect and what the real server is sent. `denyPaths` guarantees that no request whose',
  'path a real server would resolve to a denied prefix reaches a real server:',
  '',
  '- An absolute-form target (`GET http://host/admin HTTP/1.1`) is reduced to its path; its host',
  "  must be the Host header's, else 400.",
  '- Percent-escapes of unreserved characters (letters, digits, `-._~`) are decoded, so `/%61dmin`',
  '  is `/admin`; other escapes are kept (upper-cased).',
  '- Dot segments are removed and repeated slashes merged: `/x/../admin`, `/./admin` and `//admin`',
  '  are `/admin`, and the real server is sent `/admin`.',
  '- What has no single meaning is refused with 400, never guessed: an encoded `/` (`%2F`), `\\`',
  '  (`%5C`) or NUL (`%00`), a raw `\\`, a `..` that climbs above the root, a `..;` or `.;`',
  '  segment (Tomcat and Spring read `..;x` as `..`), a fragment (`#`), a',
  '  malformed escape, more than one Host header, or a Host that is not a host name.',
  '- Paths are compared without regard to case (IIS, behind most of these services, ignores case):',
  '  `/ADMIN` is `/admin`.',
  '- A prefix matches on segment boundaries: `/admin` covers `/admin`, `/admin/…` and `/admin;…`',
  '  (a path parameter, which Tomcat strips), but not `/administrator`. A trailing slash in the',
  '  prefix makes no difference.',
  '- One level of percent-decoding is applied, as every real server does: `%2561` stays `%2561`.',
  '  A real server that decodes twice needs its own rule.',
  '- The query string is not looked at.',
  '',
];

export function configMarkdown(): string {
  const schema = configJsonSchema() as Json;
  const out = [
    '# Agent configuration reference',
    '',
    '<!-- Generated by `npm run docs` from shared/model/config.ts. Do not edit by hand. -->',
    '',
    'The agent reads `<data-dir>/config.json` at start and again on `SIGHUP`. A file that does not',
    'validate is refused with every problem listed (path and reason) and the running configuration',
    'stays. Editors can validate the file against [config.schema.json](config.schema.json): put',
    '`"$schema": "<path to>/docs/config.schema.json"` at the top of the file.',
    '',
    '`portico-agent check --data-dir DIR` validates a file without running it.',
    '',
    'A minimal file: one HTTP virtual service on port 8080 balancing two real servers.',
    '',
    '```json',
    JSON.stringify(EXAMPLE, null, 2),
    '```',
    '',
  ];
  out.push(...PATH_RULES);
  section('Top level', schema, out);
  return `${out.join('\n').trimEnd()}\n`;
}
