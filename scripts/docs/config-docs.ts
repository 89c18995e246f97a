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
    const tag = variants.every((v) => v.properties?.protocol)
      ? 'protocol'
      : variants.every((v) => v.properties?.mode)
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

export function section(title: string, s: Json, out: string[]): void {
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

/** A minimal file: one HTTP service balancing two real servers. */
export const EXAMPLE = {
  version: 2,
  pools: [
    {
      name: 'web',
      healthCheck: { type: 'http', path: '/health', intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 2 },
      servers: [
        { name: 'web1', address: '10.0.0.11', port: 80 },
        { name: 'web2', address: '10.0.0.12', port: 80 },
      ],
    },
  ],
  virtualServices: [
    { name: 'web', listen: { address: '0.0.0.0', port: 8080 }, protocol: 'http', pool: 'web' },
  ],
};

/**
 * Exchange 2010 CAS array: HTTPS offloaded and re-encrypted to every CAS with cookie
 * persistence, plain HTTP redirected, and SMTP and IMAP over the same CAS pool (probed once).
 */
export const EXCHANGE = {
  version: 2,
  pools: [
    {
      name: 'cas',
      scheduler: 'least-connections',
      persistence: { mode: 'cookie', cookieName: 'PORTICO_CAS' },
      healthCheck: { type: 'https', path: '/owa/', expectStatus: [200, 302] },
      reencrypt: { verify: 'ca', ca: 'corp-root', serverName: 'mail.contoso.com' },
      timeouts: { serverMs: 1800000 },
      servers: [
        { name: 'cas1', address: '10.0.1.11', port: 443 },
        { name: 'cas2', address: '10.0.1.12', port: 443 },
      ],
    },
    {
      name: 'cas-smtp',
      scheduler: 'least-connections',
      healthCheck: { type: 'tcp' },
      servers: [
        { name: 'cas1', address: '10.0.1.11', port: 25 },
        { name: 'cas2', address: '10.0.1.12', port: 25 },
      ],
    },
  ],
  virtualServices: [
    {
      name: 'exchange-https',
      listen: { address: '192.0.2.10', port: 443 },
      protocol: 'https',
      tls: { certificates: ['mail-contoso'] },
      pool: 'cas',
      denyPaths: ['/ecp'],
      timeouts: { idleMs: 1800000 },
    },
    { name: 'exchange-http', listen: { address: '192.0.2.10', port: 80 }, protocol: 'redirect' },
    { name: 'exchange-smtp', listen: { address: '192.0.2.10', port: 25 }, protocol: 'tcp', pool: 'cas-smtp' },
  ],
};

/**
 * Lync/Skype reverse proxy: 443 → the Front Ends' 4443 and 80 → 8080 (port flipping: the
 * same servers, two pools), re-encrypted with Host forwarded, long idle timeouts.
 */
export const LYNC = {
  version: 2,
  pools: [
    {
      name: 'fe-4443',
      healthCheck: { type: 'tcp', port: 4443 },
      reencrypt: { verify: 'ca', ca: 'corp-root', serverName: 'lyncweb.contoso.com' },
      timeouts: { serverMs: 1800000 },
      servers: [
        { name: 'fe1', address: '10.0.2.21', port: 4443 },
        { name: 'fe2', address: '10.0.2.22', port: 4443 },
      ],
    },
    {
      name: 'fe-8080',
      healthCheck: { type: 'tcp' },
      servers: [
        { name: 'fe1', address: '10.0.2.21', port: 8080 },
        { name: 'fe2', address: '10.0.2.22', port: 8080 },
      ],
    },
  ],
  virtualServices: [
    {
      name: 'lync-https',
      listen: { address: '192.0.2.20', port: 443 },
      protocol: 'https',
      tls: { certificates: ['lyncweb-contoso'] },
      pool: 'fe-4443',
      timeouts: { idleMs: 1800000 },
    },
    { name: 'lync-http', listen: { address: '192.0.2.20', port: 80 }, protocol: 'http', pool: 'fe-8080' },
  ],
};

const json = (value: unknown) => ['```json', JSON.stringify(value, null, 2), '```', ''];

/** How a version-1 file becomes version 2 (shared/model/migrate-v1.ts). */
const VERSION_1 = [
  '## Version 1 files',
  '',
  'Portico 0.1 wrote each virtual service with its real servers inline (`realServers`, and again in',
  'every content rule). Such a file still loads: the agent converts it when it starts or reloads it,',
  'keeps the original beside it as `config.v1.json`, and writes the converted form to `config.json`;',
  '`portico-agent check` shows the converted form without writing anything, and `config.apply` accepts',
  'a version-1 document too. The conversion:',
  '',
  '- each service becomes a pool of the same name (its real servers, scheduler, persistence, health',
  '  check, `reencrypt`, `connectMs`/`serverMs`) and a service that names it;',
  "- each content rule's servers become a pool `<service>-<rule>`;",
  '- a service with `redirect` becomes `protocol: "redirect"`;',
  '- `forwardedHeaders: true` / `false` become `"append"` / `"off"` (left out, it is `"replace"`).',
  '',
  'Servers of the default pool keep their persistence cookies; servers of content rules get new ones.',
  '',
];

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
    'A file names its **pools** of real servers (each with its scheduler, persistence, health check,',
    'and how to reach its servers: plain or re-encrypted), and **virtual services** that refer to them',
    'by name: one pool may serve several services and is probed once. A real server is known as',
    '`pool/server` everywhere (health, stats, events, the Console). A minimal file, one HTTP service on',
    'port 8080 balancing two real servers:',
    '',
    ...json(EXAMPLE),
    'Exchange 2010 CAS array: HTTPS offloaded and re-encrypted to every CAS with cookie persistence,',
    '`/ecp` kept off the internet, plain HTTP redirected, and SMTP balanced over the same servers:',
    '',
    ...json(EXCHANGE),
    "Lync/Skype reverse proxy: 443 → the Front Ends' 4443 and 80 → 8080 (the same servers in two pools,",
    "as a pool's port belongs to each server), re-encrypted, with long idle timeouts:",
    '',
    ...json(LYNC),
    ...VERSION_1,
  ];
  out.push(...PATH_RULES);
  section('Top level', schema, out);
  return `${out.join('\n').trimEnd()}\n`;
}
