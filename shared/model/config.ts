/**
 * The agent's desired configuration, version 2: named pools of real servers, and virtual
 * services that refer to them by name (as HAProxy's frontends name backends and Traefik's
 * routers name services). One zod schema is the single source of truth: the agent validates
 * `<data-dir>/config.json` with it, the management API validates `config.apply` with it,
 * docs/config.md and the published JSON Schema are generated from it. A version-1 document
 * (Portico 0.1) is converted by migrate-v1.ts where a config enters (load-config.ts).
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { z } from 'zod';
import {
  ForwardedHeaders,
  group,
  HealthCheck,
  limitFields,
  ListenAddress,
  ListenerTls,
  ObjectName,
  Persistence,
  Port,
  RealServer,
  Reencrypt,
  Scheduler,
  timeoutFields,
} from './config-parts.ts';

export {
  ForwardedHeaders,
  HealthCheck,
  Host,
  ListenAddress,
  ListenerTls,
  ObjectName,
  Persistence,
  Port,
  RealServer,
  Reencrypt,
  Scheduler,
} from './config-parts.ts';

export const CONFIG_VERSION = 2;

/** Real servers and everything about reaching them; services and content rules name it. */
export const Pool = z
  .object({
    name: ObjectName.describe(
      'Unique among pools; services and content rules name it, and its servers are known as pool/server.',
    ),
    servers: z.array(RealServer).default([]).describe('The real servers; names unique within the pool.'),
    scheduler: Scheduler.default('round-robin'),
    persistence: Persistence.default({ mode: 'none' }),
    healthCheck: HealthCheck.default({ type: 'none' }),
    reencrypt: Reencrypt.optional().describe('Speak TLS to the servers; omitted = plain TCP/HTTP.'),
    timeouts: group({ connectMs: timeoutFields.connectMs, serverMs: timeoutFields.serverMs }).describe(
      'Time limits towards the servers.',
    ),
    retries: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(2)
      .describe(
        'Other servers tried after one fails, where RFC 9110 allows it (a failed connect, or an idempotent request without a body).',
      ),
  })
  .strict();

export const ContentRule = z
  .object({
    name: ObjectName,
    host: z
      .array(z.string().min(1).max(253))
      .optional()
      .describe('Host header (or SNI) values that match: exact names or *.wildcards. Omitted = any.'),
    pathPrefix: z
      .string()
      .startsWith('/')
      .optional()
      .describe('Path prefix that matches, on segment boundaries (see below). Omitted = any.'),
    pool: ObjectName.describe('The pool a matching request goes to.'),
  })
  .strict();

const base = {
  name: ObjectName.describe('Unique among virtual services.'),
  enabled: z.boolean().default(true).describe('A disabled service does not listen.'),
  listen: ListenAddress.describe('Where clients connect.'),
};

/** What every HTTP service (http and https) has. */
const l7 = {
  pool: ObjectName.optional().describe(
    'Pool for requests no content rule matches; omitted: those get 404 "no service for this host/path".',
  ),
  contentRules: z
    .array(ContentRule)
    .default([])
    .describe('Checked in order; the first match picks its pool, otherwise the default pool serves.'),
  denyPaths: z
    .array(z.string().startsWith('/'))
    .default([])
    .describe('Path prefixes answered 403, on the canonical path (see below).'),
  forwardedHeaders: ForwardedHeaders.default('replace'),
  maxHeaderBytes: z
    .number()
    .int()
    .min(1024)
    .max(1048576)
    .default(16384)
    .describe('Largest request head accepted (431 beyond).'),
  limits: group(limitFields).describe('What clients may hold.'),
};

const httpTimeouts = {
  clientHeaderMs: timeoutFields.clientHeaderMs,
  clientBodyMs: timeoutFields.clientBodyMs,
  idleMs: timeoutFields.idleMs,
};

const connectionLimits = group({
  maxConnections: limitFields.maxConnections,
  maxConnectionsPerSource: limitFields.maxConnectionsPerSource,
}).describe('What clients may hold.');

export const TcpService = z
  .object({
    ...base,
    protocol: z.literal('tcp').describe('An L4 pipe: bytes both ways, one real server per connection.'),
    pool: ObjectName.describe('The pool connections go to.'),
    timeouts: group({ idleMs: timeoutFields.idleMs }).describe('Time limits towards clients.'),
    limits: connectionLimits,
  })
  .strict();

export const HttpService = z
  .object({
    ...base,
    protocol: z.literal('http').describe('L7 HTTP/1.1.'),
    ...l7,
    timeouts: group(httpTimeouts).describe('Time limits towards clients.'),
  })
  .strict();

export const HttpsService = z
  .object({
    ...base,
    protocol: z.literal('https').describe('L7 HTTP/1.1 with TLS offload.'),
    tls: ListenerTls.describe('The certificates clients see.'),
    sniHostMismatch: z
      .enum(['refuse', 'route-by-host'])
      .optional()
      .describe(
        "A request whose Host is not the name its TLS connection was made for (SNI): refuse answers 421 Misdirected Request (RFC 9110 §15.5.20), route-by-host routes it by its Host. Omitted: refuse when tls.certificates names more than one certificate (SNI chose one application's certificate and the request asks for another), route-by-host with one. Names are compared without port, case or trailing dot; a request without SNI or without Host is never refused for this.",
      ),
    ...l7,
    timeouts: group({ ...httpTimeouts, tlsHandshakeMs: timeoutFields.tlsHandshakeMs }).describe(
      'Time limits towards clients.',
    ),
  })
  .strict();

export const RedirectService = z
  .object({
    ...base,
    protocol: z
      .literal('redirect')
      .describe("Kemp's port 80 redirector: every request is sent to the same URL over HTTPS."),
    toPort: Port.default(443).describe('HTTPS port to redirect to.'),
    status: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).default(301),
    timeouts: group({ clientHeaderMs: timeoutFields.clientHeaderMs, idleMs: timeoutFields.idleMs }).describe(
      'Time limits towards clients.',
    ),
    limits: connectionLimits,
  })
  .strict();

export const VirtualService = z
  .discriminatedUnion('protocol', [TcpService, HttpService, HttpsService, RedirectService])
  .describe('Where clients connect, by protocol; each protocol has only its own fields.');

export const AgentConfig = z
  .object({
    $schema: z.string().optional(),
    version: z
      .literal(CONFIG_VERSION)
      .default(CONFIG_VERSION)
      .describe('Version of this format; a file without it and without pools is read as version 1.'),
    revision: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Managed by the agent: goes up by one with every applied change.'),
    pools: z.array(Pool).default([]).describe('Named pools of real servers.'),
    virtualServices: z.array(VirtualService).default([]).describe('The services this agent runs.'),
  })
  .strict()
  .superRefine(checkReferences);

export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;
export type Pool = z.infer<typeof Pool>;
export type PoolInput = z.input<typeof Pool>;
export type VirtualService = z.infer<typeof VirtualService>;
export type VirtualServiceInput = z.input<typeof VirtualService>;
export type TcpService = z.infer<typeof TcpService>;
export type HttpService = z.infer<typeof HttpService>;
export type HttpsService = z.infer<typeof HttpsService>;
export type RedirectService = z.infer<typeof RedirectService>;
/** The services that forward HTTP requests to pools. */
export type L7Service = HttpService | HttpsService;
export type RealServer = z.infer<typeof RealServer>;
export type ContentRule = z.infer<typeof ContentRule>;
export type HealthCheck = z.infer<typeof HealthCheck>;
export type Persistence = z.infer<typeof Persistence>;
export type Scheduler = z.infer<typeof Scheduler>;
export type ForwardedHeaders = z.infer<typeof ForwardedHeaders>;
export type ListenerTls = z.infer<typeof ListenerTls>;
export type Reencrypt = z.infer<typeof Reencrypt>;

export function isL7(vs: VirtualService): vs is L7Service {
  return vs.protocol === 'http' || vs.protocol === 'https';
}

/** What an https service does with a request whose Host is not its SNI: the field, or its default. */
export function sniHostMismatchOf(vs: HttpsService): 'refuse' | 'route-by-host' {
  return vs.sniHostMismatch ?? (vs.tls.certificates.length > 1 ? 'refuse' : 'route-by-host');
}

/** The certificate an https service serves without SNI (or for a name none has): tls.defaultCertificate, or the first. */
export function defaultCertificateOf(tls: ListenerTls): string {
  return tls.defaultCertificate ?? tls.certificates[0]!;
}

/** The pools a service sends to: its default pool, then each content rule's, once each. */
export function poolsOf(vs: VirtualService): string[] {
  if (vs.protocol === 'redirect') return [];
  if (vs.protocol === 'tcp') return [vs.pool];
  const names = new Set<string>();
  if (vs.pool !== undefined) names.add(vs.pool);
  for (const rule of vs.contentRules) names.add(rule.pool);
  return [...names];
}

/** The canonical name of a real server everywhere: health, stats, events, the Console. */
export function serverKey(pool: string, server: string): string {
  return `${pool}/${server}`;
}

/** Rules that span objects: unique names, one service per address:port, references resolve. */
function checkReferences(
  cfg: { pools: Pool[]; virtualServices: VirtualService[] },
  ctx: z.RefinementCtx,
): void {
  const pools = new Map<string, Pool>();
  cfg.pools.forEach((pool, i) => {
    if (pools.has(pool.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['pools', i, 'name'],
        message: `pool "${pool.name}" is defined twice`,
      });
      return;
    }
    pools.set(pool.name, pool);
    const names = new Set<string>();
    pool.servers.forEach((rs, j) => {
      if (names.has(rs.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pools', i, 'servers', j, 'name'],
          message: `real server "${rs.name}" is in pool "${pool.name}" twice`,
        });
      }
      names.add(rs.name);
    });
    if (pool.healthCheck.type === 'https' && !pool.reencrypt) {
      ctx.addIssue({
        code: 'custom',
        path: ['pools', i, 'healthCheck', 'type'],
        message: 'an https health check needs reencrypt settings on the pool',
      });
    }
  });

  const services = new Set<string>();
  const endpoints = new Map<string, string>();
  cfg.virtualServices.forEach((vs, i) => {
    const at = (...p: (string | number)[]) => ['virtualServices', i, ...p];
    if (services.has(vs.name)) {
      ctx.addIssue({
        code: 'custom',
        path: at('name'),
        message: `virtual service "${vs.name}" is defined twice`,
      });
    }
    services.add(vs.name);

    if (vs.enabled) {
      const ep = `${vs.listen.address}:${vs.listen.port}`;
      const other = endpoints.get(ep);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: at('listen'),
          message: `${ep} is already used by "${other}"; use content rules to share one address`,
        });
      } else endpoints.set(ep, vs.name);
    }

    const refer = (name: string, path: (string | number)[]) => {
      const pool = pools.get(name);
      if (!pool) {
        ctx.addIssue({ code: 'custom', path: at(...path), message: `there is no pool "${name}"` });
        return;
      }
      if (vs.protocol === 'tcp' && pool.persistence.mode === 'cookie') {
        ctx.addIssue({
          code: 'custom',
          path: at(...path),
          message: `pool "${name}" keeps clients by cookie, which needs an http or https service; use source-ip persistence for tcp`,
        });
      }
    };
    if (vs.protocol === 'tcp') refer(vs.pool, ['pool']);
    if (isL7(vs)) {
      if (vs.pool !== undefined) refer(vs.pool, ['pool']);
      const ruleNames = new Set<string>();
      vs.contentRules.forEach((rule, r) => {
        if (ruleNames.has(rule.name)) {
          ctx.addIssue({
            code: 'custom',
            path: at('contentRules', r, 'name'),
            message: `content rule "${rule.name}" is used twice`,
          });
        }
        ruleNames.add(rule.name);
        if (!rule.host && !rule.pathPrefix) {
          ctx.addIssue({
            code: 'custom',
            path: at('contentRules', r),
            message: 'a content rule needs host or pathPrefix',
          });
        }
        refer(rule.pool, ['contentRules', r, 'pool']);
      });
    }
  });
}
