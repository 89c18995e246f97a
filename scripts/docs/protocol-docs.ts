/**
 * docs/protocol.md is generated from the shared protocol schemas (METHODS, EVENTS, ERRORS),
 * so the reference cannot drift from what the agent accepts and answers: `npm run docs`
 * writes it and scripts/docs/generated.test.ts fails when the committed file differs.
 *
 * Configuration documents are not repeated here: they are `$ref`s to config.schema.json
 * (and explained in config.md), which are generated from the same model.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AgentConfig, Pool, VirtualService } from '../../shared/model/config.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/agent.ts';
import { CLOSES, ERROR_DATA, ERRORS, type ErrorCodeName } from '../../shared/protocol/codes.ts';
import { CertSummaryWire } from '../../shared/protocol/cert.ts';
import { ConfigDocument, PoolDocument, VirtualServiceDocument } from '../../shared/protocol/common.ts';
import { RealServerHealthWire } from '../../shared/protocol/health.ts';
import { PoolMemberStatus, VirtualServiceStatus } from '../../shared/protocol/stats.ts';
import { MAX_ID_LENGTH } from '../../shared/protocol/envelopes.ts';
import { EVENTS, TOPICS } from '../../shared/protocol/events.ts';
import { METHODS } from '../../shared/protocol/methods.ts';
import {
  AGENT_HEARTBEAT_MS,
  MAX_ANSWER_FRAME_BYTES,
  MAX_FRAME_DEPTH,
  MAX_REQUEST_FRAME_BYTES,
} from '../../shared/protocol/transport.ts';
import type { JsonSchema } from './json-schema.ts';

type Json = JsonSchema;

const REFS = new Map<unknown, { ref: string; title: string }>([
  [AgentConfig, { ref: 'config.schema.json', title: 'AgentConfig' }],
  [ConfigDocument, { ref: 'config.schema.json', title: 'AgentConfig' }],
  [VirtualService, { ref: 'config.schema.json#/properties/virtualServices/items', title: 'VirtualService' }],
  [Pool, { ref: 'config.schema.json#/properties/pools/items', title: 'Pool' }],
  [PoolDocument, { ref: 'config.schema.json#/properties/pools/items', title: 'Pool' }],
  [
    VirtualServiceDocument,
    { ref: 'config.schema.json#/properties/virtualServices/items', title: 'VirtualService' },
  ],
]);

/** Types used in several places: one table each under "Types", linked from the others. */
const TYPES: [string, z.ZodType][] = [
  ['CertSummary', CertSummaryWire],
  ['RealServerHealth', RealServerHealthWire],
  ['PoolMemberStatus', PoolMemberStatus],
  ['VirtualServiceStatus', VirtualServiceStatus],
];
const TYPE_REFS = new Map<unknown, { ref: string; title: string }>(
  TYPES.map(([title, schema]) => [schema, { ref: `#${title.toLowerCase()}`, title }]),
);

function refOf(schema: unknown, refs: Map<unknown, { ref: string; title: string }>) {
  // `.describe()` makes a clone whose parent is the original.
  for (let s = schema as { _zod?: { parent?: unknown } } | undefined; s; s = s._zod?.parent as typeof s) {
    const found = refs.get(s);
    if (found) return found;
  }
  return undefined;
}

/**
 * JSON Schema of a wire schema. Configuration documents become `$ref`s to config.schema.json;
 * with `forTables`, the shared types become links to their own table (not valid JSON Schema,
 * so only for the tables, never for the schema blocks).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output', forTables = false): Json {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const json = ctx.jsonSchema as Record<string, unknown>;
      // The format says it; the regex zod spells it out with is noise in a reference.
      if (json.format === 'date-time') delete json.pattern;
      const ref =
        refOf(ctx.zodSchema, REFS) ??
        (forTables && (ctx.zodSchema as unknown) !== schema ? refOf(ctx.zodSchema, TYPE_REFS) : undefined);
      if (!ref) return;
      const description = json.description;
      for (const key of Object.keys(json)) delete json[key];
      Object.assign(json, { $ref: ref.ref, title: ref.title }, description ? { description } : {});
    },
  }) as Json & { $schema?: string };
  delete out.$schema;
  return out;
}

function typeOf(s: Json): string {
  if (s.$ref)
    return `[${(s as { title?: string }).title ?? 'see'}](${s.$ref.startsWith('config') ? 'config.md' : s.$ref})`;
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const variants = s.oneOf ?? s.anyOf;
  if (variants) {
    const tag = ['op', 'topic'].find((t) => variants.every((v) => v.properties?.[t]?.const !== undefined));
    return tag ? `object, by \`${tag}\`` : variants.map(typeOf).join(' \\| ');
  }
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'string' && s.format === 'date-time') return 'string (ISO 8601)';
  if (s.type === 'string' && s.maxLength !== undefined) return `string (≤ ${s.maxLength})`;
  if (s.type === 'object' && !s.properties && s.additionalProperties !== undefined) return 'object';
  if (s.type === 'integer' && s.minimum !== undefined && s.maximum !== undefined && s.maximum < 2 ** 53 - 1)
    return `integer ${s.minimum}–${s.maximum}`;
  if (s.type === 'integer' && s.minimum !== undefined && s.minimum >= 0) return 'integer ≥ 0';
  return Array.isArray(s.type) ? s.type.join(' \\| ') : String(s.type ?? 'any');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Rows for every field, nested ones as `a.b` and `list[].c`, so one table says everything. */
function rows(s: Json, prefix: string, out: string[], depth = 0): void {
  const props = s.properties ?? {};
  for (const [name, p] of Object.entries(props)) {
    const path = `${prefix}${name}`;
    const required = s.required?.includes(name) ?? false;
    out.push(`| \`${path}\` | ${typeOf(p)} | ${required ? 'yes' : ''} | ${cell(p.description ?? '')} |`);
    if (depth >= 4) continue;
    const inner = p.type === 'array' && p.items ? p.items : p;
    const innerPrefix = `${path}${p.type === 'array' ? '[]' : ''}.`;
    if (inner.properties) rows(inner, innerPrefix, out, depth + 1);
  }
}

function table(title: string, s: Json): string[] {
  const out = [`**${title}**`, ''];
  if (s.oneOf || s.anyOf) {
    for (const v of (s.oneOf ?? s.anyOf)!) {
      out.push(...table(`${title}, ${typeOf(v.properties?.op ?? v.properties?.topic ?? v)}`, v));
    }
    return out;
  }
  if (!s.properties || Object.keys(s.properties).length === 0) {
    out.push(s.type === 'object' ? 'None: `{}` or omitted.' : typeOf(s), '');
    return out;
  }
  out.push('| Field | Type | Required | Meaning |', '|---|---|---|---|');
  rows(s, '', out);
  out.push('');
  return out;
}

const COMMON_ERRORS: ErrorCodeName[] = [
  'INVALID_REQUEST',
  'METHOD_NOT_FOUND',
  'INVALID_PARAMS',
  'INTERNAL_ERROR',
  'BUSY',
  'UNAUTHORIZED',
];

const GROUPS: [string, string][] = [
  ['agent', 'Agent'],
  ['config', 'Configuration'],
  ['virtualService', 'Configuration'],
  ['realServer', 'Configuration'],
  ['cert', 'Certificates'],
  ['template', 'Templates'],
  ['health', 'Health'],
  ['stats', 'Statistics'],
  ['events', 'Events'],
];

function example(value: unknown): string[] {
  return ['```json', JSON.stringify(value), '```', ''];
}

function details(summary: string, schema: Json): string[] {
  return [
    `<details><summary>${summary}</summary>`,
    '',
    '```json',
    JSON.stringify(schema, null, 2),
    '```',
    '',
    '</details>',
    '',
  ];
}

/**
 * The document as committed: rendered, then laid out by the repository's own prettier (run
 * synchronously, as the document list expects a string), so `npm run lint` accepts the file
 * as generated and nobody is tempted to hand-format it.
 */
export function protocolMarkdown(): string {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const prettier = fileURLToPath(new URL('../../node_modules/prettier/bin/prettier.cjs', import.meta.url));
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', 'docs/protocol.md'], {
    cwd: root,
    input: renderProtocol(),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function renderProtocol(): string {
  const out: string[] = [
    '# Management protocol reference',
    '',
    '<!-- Generated by `npm run docs` from shared/protocol. Do not edit by hand. -->',
    '',
    `Protocol version ${PROTOCOL_VERSION}. The Console (and any script) talks to an agent over one WebSocket,`,
    'with JSON-RPC 2.0 messages. The schemas in `shared/protocol` are the contract: the agent checks',
    'every frame against them where it enters, and answers with results that match them.',
    '',
    '## Connecting',
    '',
    "- `wss://HOST:PORT/v1` only. TLS with the agent's identity certificate (ECDSA P-256, self-signed);",
    '  its SHA-256 fingerprint (`agent.json`, `agent.info`) is what a Console pins on first contact.',
    '  There is no plain-text listener.',
    '- Authenticate on the upgrade request: `Authorization: Bearer <token>`. Without the right token the',
    '  answer is `401` with `WWW-Authenticate: Bearer` and no WebSocket is created. An address that keeps',
    '  failing is slowed down, then refused with `429` and `Retry-After` (even with the right token).',
    '- Other paths answer `404`; beyond the session limit the upgrade gets `503`.',
    `- The agent pings every ${AGENT_HEARTBEAT_MS / 1000} s; a session that does not answer the previous ping is terminated.`,
    '',
    '## Framing',
    '',
    '- One JSON-RPC 2.0 message per **text** frame, UTF-8. Binary frames are answered `INVALID_REQUEST`.',
    `- Requests larger than ${MAX_REQUEST_FRAME_BYTES / 1024 / 1024} MiB close the session with 1009; the Console accepts answers and events up to ${MAX_ANSWER_FRAME_BYTES / 1024 / 1024} MiB. Nesting deeper than ${MAX_FRAME_DEPTH} levels is refused.`,
    '- Batches (arrays) are not supported: send one request per frame.',
    `- Every request has an \`id\`: a string of 1–${MAX_ID_LENGTH} characters or a safe integer (not \`null\`).`,
    '  Client notifications are not accepted. Answers may come in any order; match them by id.',
    '- `params` is an object (by name) or omitted; unknown fields are refused.',
    '- A bad frame is answered with an error and the session stays open.',
    '- Dates are ISO 8601 strings in UTC.',
    '',
    'A request and its answers:',
    '',
    ...example({
      jsonrpc: '2.0',
      id: 7,
      method: 'config.apply',
      params: { config: { virtualServices: [] }, expectRevision: 12 },
    }),
    ...example({ jsonrpc: '2.0', id: 7, result: { revision: 13 } }),
    ...example({
      jsonrpc: '2.0',
      id: 7,
      error: {
        code: -32002,
        message: 'expected revision 12 but the agent is at revision 14; reload and try again',
        data: { currentRevision: 14 },
      },
    }),
    '',
    '## Errors',
    '',
    '| Code | Name | Meaning | `data` |',
    '|---|---|---|---|',
  ];
  for (const [name, e] of Object.entries(ERRORS) as [ErrorCodeName, (typeof ERRORS)[ErrorCodeName]][]) {
    const data = (ERROR_DATA as Partial<Record<ErrorCodeName, z.ZodType>>)[name];
    const fields = data
      ? Object.keys(jsonSchemaOf(data, 'output').properties ?? {})
          .map((f) => `\`${f}\``)
          .join(', ')
      : '';
    out.push(`| ${e.code} | \`${name}\` | ${cell(e.meaning)} | ${fields} |`);
  }
  out.push(
    '',
    `Any request can get ${COMMON_ERRORS.map((n) => `\`${n}\``).join(', ')}; each method lists the others it uses.`,
    '`data.problems` is a list of `{ path, message }`: `path` is dotted with `[i]` for list items',
    '(`virtualServices[0].listen.port`), empty for the whole value.',
    '',
    '## Close codes',
    '',
    '| Code | Name | Meaning |',
    '|---|---|---|',
    ...Object.entries(CLOSES).map(([name, c]) => `| ${c.code} | \`${name}\` | ${cell(c.meaning)} |`),
    '',
    '## Methods',
    '',
  );

  let group = '';
  for (const [name, spec] of Object.entries(METHODS)) {
    const title = GROUPS.find(([prefix]) => name.startsWith(`${prefix}.`))?.[1] ?? 'Other';
    if (title !== group) {
      out.push(`### ${title}`, '');
      group = title;
    }
    out.push(`#### \`${name}\``, '', spec.description, '');
    const params = jsonSchemaOf(spec.params, 'input');
    const result = jsonSchemaOf(spec.result, 'output');
    out.push(
      ...table('Params', jsonSchemaOf(spec.params, 'input', true)),
      ...table('Result', jsonSchemaOf(spec.result, 'output', true)),
    );
    out.push(
      `**Errors:** ${spec.errors.length ? spec.errors.map((e) => `\`${e}\` (${ERRORS[e].code})`).join(', ') : 'only the common ones'}.`,
      '',
    );
    out.push(...details('JSON Schema: params', params), ...details('JSON Schema: result', result));
  }

  out.push(
    '## Events',
    '',
    'After `events.subscribe`, the agent sends notifications (no `id`):',
    '',
    ...example({
      jsonrpc: '2.0',
      method: 'event',
      params: {
        topic: 'config',
        data: { revision: 14, actor: { tokenId: 'ab12cd34', peer: '10.0.0.5:51234' } },
      },
    }),
  );
  for (const topic of TOPICS) {
    const event = EVENTS[topic];
    out.push(
      `### \`${topic}\``,
      '',
      event.description,
      '',
      ...table('Data', jsonSchemaOf(event.data, 'output', true)),
      ...details('JSON Schema: data', jsonSchemaOf(event.data, 'output')),
    );
  }
  out.push('## Types', '');
  for (const [title, schema] of TYPES) {
    out.push(`### ${title}`, '', ...table('Fields', jsonSchemaOf(schema, 'output')));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
