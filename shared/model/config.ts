/**
 * The agent's desired configuration: virtual services, their real servers and every knob an
 * admin sets. One zod schema is the single source of truth: the agent validates
 * `<data-dir>/config.json` with it, the management API validates `config.apply` with it,
 * docs/config.md and the published JSON Schema are generated from it.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { z } from 'zod';

/** A name other objects can refer to: one word of letters, digits, `-` and `_`. */
export const ObjectName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
    'use 1–63 letters, digits, "-" or "_", starting with a letter or digit',
  )
  .describe('One word: letters, digits, "-" and "_" (at most 63 characters).');

export const Port = z
  .number()
  .int('a port is a whole number')
  .min(1)
  .max(65535)
  .describe('TCP port, 1–65535.');

/** An IPv4/IPv6 literal or a DNS host name. */
export const Host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:_%[\]-]+$/, 'use an IP address or a host name')
  .describe('IP address (v4 or v6) or host name.');

export const ListenAddress = z
  .object({
    address: Host.default('0.0.0.0').describe('Address to listen on; 0.0.0.0 or :: for all interfaces.'),
    port: Port,
  })
  .strict();

export const RealServer = z
  .object({
    name: ObjectName.describe('Unique within the virtual service; used in health, stats and cookies.'),
    address: Host.describe('Address of the real server.'),
    port: Port.describe(
      'Port on the real server; may differ from the listen port (port flipping, 443 → 4443).',
    ),
    weight: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(1)
      .describe('Relative share for weighted round-robin; 0 takes no new traffic.'),
    enabled: z
      .boolean()
      .default(true)
      .describe('false drains the server: no new connections, existing ones finish.'),
    maxConnections: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Most concurrent connections (L4) or requests (L7) sent to this server; 0 = no limit.'),
  })
  .strict();

export const Scheduler = z
  .enum(['round-robin', 'weighted-round-robin', 'least-connections', 'source-ip-hash'])
  .describe('How a real server is chosen for a new connection or request.');

export const Persistence = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('none') }).strict(),
    z
      .object({
        mode: z.literal('source-ip'),
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(604800)
          .default(3600)
          .describe('How long a client address stays bound to its server after its last request.'),
      })
      .strict(),
    z
      .object({
        mode: z.literal('cookie'),
        cookieName: z
          .string()
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, 'use a cookie token (letters, digits, -, _)')
          .default('PORTICO')
          .describe('Name of the inserted cookie, for example MS-WSMAN.'),
        timeoutSeconds: z
          .number()
          .int()
          .min(0)
          .max(31536000)
          .default(0)
          .describe('Max-Age of the cookie; 0 = a session cookie that ends with the browser.'),
        httpOnly: z.boolean().default(true).describe('Mark the cookie HttpOnly.'),
      })
      .strict(),
  ])
  .describe('Keeps a client on one real server.');

const checkCommon = {
  intervalMs: z.number().int().min(100).max(3600000).default(5000).describe('Time between checks.'),
  timeoutMs: z
    .number()
    .int()
    .min(10)
    .max(600000)
    .default(2000)
    .describe('A check not answered in time fails.'),
  rise: z.number().int().min(1).max(100).default(2).describe('Consecutive passes that mark a server up.'),
  fall: z.number().int().min(1).max(100).default(3).describe('Consecutive failures that mark a server down.'),
  port: Port.optional().describe("Port to check instead of the real server's own."),
};

const httpCheck = {
  ...checkCommon,
  method: z.enum(['GET', 'HEAD', 'OPTIONS']).default('GET').describe('Request method.'),
  path: z.string().startsWith('/', 'a path starts with "/"').max(2048).default('/').describe('Request path.'),
  host: z.string().max(253).optional().describe("Host header; defaults to the real server's address."),
  expectStatus: z
    .array(z.number().int().min(100).max(599))
    .min(1)
    .default([200])
    .describe('Status codes that count as a pass.'),
};

export const HealthCheck = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none') }).strict(),
    z.object({ type: z.literal('tcp'), ...checkCommon }).strict(),
    z.object({ type: z.literal('http'), ...httpCheck }).strict(),
    z
      .object({ type: z.literal('https'), ...httpCheck })
      .strict()
      .describe('An HTTPS request using the virtual service re-encrypt settings.'),
  ])
  .describe('How real servers are checked; with none, every enabled server counts as up.');

export const Timeouts = z
  .object({
    connectMs: z.number().int().min(1).max(600000).default(3000).describe('Connecting to a real server.'),
    clientHeaderMs: z
      .number()
      .int()
      .min(1)
      .max(600000)
      .default(10000)
      .describe('A client must send its request headers within this time (408 otherwise).'),
    idleMs: z
      .number()
      .int()
      .min(1)
      .max(86400000)
      .default(60000)
      .describe('An idle client connection (keep-alive, L4 pipe, WebSocket) is closed after this.'),
    serverMs: z
      .number()
      .int()
      .min(1)
      .max(86400000)
      .default(60000)
      .describe('A real server must start its response within this time (504 otherwise).'),
    clientBodyMs: z
      .number()
      .int()
      .min(1)
      .max(3600000)
      .default(20000)
      .describe(
        'A request body must start within this time of its head; with limits.minBodyRate each further second is earned by that many bytes (408 otherwise).',
      ),
    tlsHandshakeMs: z
      .number()
      .int()
      .min(100)
      .max(600000)
      .default(10000)
      .describe('A client must finish its TLS handshake within this time (closed otherwise; https).'),
  })
  .strict();

/**
 * What one service lets its clients hold. Over a limit a client is refused (the status or the
 * close below), a counter goes up and a rate-limited log line says which limit.
 */
export const Limits = z
  .object({
    maxConnections: z
      .number()
      .int()
      .min(1)
      .max(1000000)
      .default(20000)
      .describe('Client connections open at once on this listener; a connection over it is closed at once.'),
    maxConnectionsPerSource: z
      .number()
      .int()
      .min(0)
      .max(1000000)
      .default(0)
      .describe(
        'Client connections open at once from one address; over it a connection is closed at once. 0 = no limit (the default: offices behind one NAT address look like one client).',
      ),
    maxTunnels: z
      .number()
      .int()
      .min(0)
      .max(1000000)
      .default(10000)
      .describe('WebSocket tunnels open at once on this service; an upgrade over it gets 503.'),
    minBodyRate: z
      .number()
      .int()
      .min(0)
      .max(1073741824)
      .default(500)
      .describe(
        'Bytes per second a request body must keep up after timeouts.clientBodyMs (408 otherwise); 0 = the whole body must arrive within timeouts.clientBodyMs.',
      ),
  })
  .strict();

/**
 * Who sets the X-Forwarded-* headers. `replace`: this balancer is the edge, so what a client
 * sent itself (X-Forwarded-For/-Proto/-Host, Forwarded, X-Real-IP) is removed and ours set;
 * `append`: a proxy in front of us is trusted, its X-Forwarded-For is kept and the client
 * address appended; `off`: headers pass untouched. Version 0.1 wrote a boolean: `true` meant
 * what `append` does, `false` what `off` does, and both still load.
 */
export const ForwardedHeaders = z
  .union([z.enum(['replace', 'append', 'off']), z.boolean()])
  .transform((v) => (v === true ? 'append' : v === false ? 'off' : v))
  .describe(
    "replace (default): drop the X-Forwarded-*, Forwarded and X-Real-IP a client sent and set ours; append: keep a trusted proxy's X-Forwarded-For and append the client; off: add nothing. true/false from version 0.1 mean append/off.",
  );

export const TlsVersion = z.enum(['TLSv1.2', 'TLSv1.3']);

export const ListenerTls = z
  .object({
    certificates: z
      .array(ObjectName)
      .min(1, 'name at least one certificate from the store')
      .describe(
        'Certificates from the store; chosen by SNI (exact, then wildcard), the first is the default.',
      ),
    minVersion: TlsVersion.default('TLSv1.2'),
    cipherProfile: z.enum(['modern', 'intermediate', 'legacy']).default('intermediate'),
  })
  .strict();

export const Reencrypt = z
  .discriminatedUnion('verify', [
    z
      .object({
        verify: z.literal('ca'),
        ca: ObjectName.describe('CA bundle from the store that real-server certificates must chain to.'),
        serverName: z
          .string()
          .max(253)
          .optional()
          .describe("SNI and expected name; default the server's address."),
      })
      .strict(),
    z
      .object({
        verify: z.literal('none').describe('Explicitly unverified; logged as a warning.'),
        serverName: z.string().max(253).optional(),
      })
      .strict(),
  ])
  .describe('TLS from the agent to the real servers ("SSL bridging").');

export const ContentRule = z
  .object({
    name: ObjectName,
    host: z
      .array(z.string().min(1).max(253))
      .optional()
      .describe('Host header (or SNI) values that match: exact names or *.wildcards. Omitted = any.'),
    pathPrefix: z.string().startsWith('/').optional().describe('Path prefix that matches. Omitted = any.'),
    realServers: z.array(RealServer).describe('The group of real servers this rule sends to.'),
  })
  .strict();

export const Redirect = z
  .object({
    toPort: Port.default(443).describe('HTTPS port to redirect to.'),
    status: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).default(301),
  })
  .strict();

export const VirtualService = z
  .object({
    name: ObjectName,
    enabled: z.boolean().default(true).describe('A disabled service does not listen.'),
    listen: ListenAddress.describe('Where clients connect.'),
    protocol: z
      .enum(['tcp', 'http', 'https'])
      .describe('tcp = L4 pipe; http = L7 HTTP/1.1; https = L7 with TLS offload.'),
    scheduler: Scheduler.default('round-robin'),
    persistence: Persistence.default({ mode: 'none' }),
    healthCheck: HealthCheck.default({ type: 'none' }),
    timeouts: Timeouts.default(() => Timeouts.parse({})).describe('Time limits; see below.'),
    maxHeaderBytes: z
      .number()
      .int()
      .min(1024)
      .max(1048576)
      .default(16384)
      .describe('Largest request head accepted (431 beyond).'),
    forwardedHeaders: ForwardedHeaders.default('replace'),
    limits: Limits.default(() => Limits.parse({})).describe('What clients may hold; see below.'),
    realServers: z.array(RealServer).default([]).describe('The default group of real servers.'),
    contentRules: z
      .array(ContentRule)
      .default([])
      .describe('Checked in order; the first match picks its group, otherwise the default group serves.'),
    tls: ListenerTls.optional().describe('Required when protocol is https.'),
    reencrypt: Reencrypt.optional().describe('Speak TLS to the real servers.'),
    redirect: Redirect.optional().describe(
      'Answer every request with a redirect to HTTPS (port 80 redirector).',
    ),
    denyPaths: z
      .array(z.string().startsWith('/'))
      .default([])
      .describe('Path prefixes answered 403 (deny plain-HTTP access to chosen URLs).'),
  })
  .strict();

export const AgentConfig = z
  .object({
    $schema: z.string().optional(),
    revision: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Managed by the agent: goes up by one with every applied change.'),
    virtualServices: z.array(VirtualService).default([]).describe('The services this agent runs.'),
  })
  .strict()
  .superRefine(checkReferences);

export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;
export type VirtualService = z.infer<typeof VirtualService>;
export type RealServer = z.infer<typeof RealServer>;
export type ContentRule = z.infer<typeof ContentRule>;
export type HealthCheck = z.infer<typeof HealthCheck>;
export type Persistence = z.infer<typeof Persistence>;
export type Scheduler = z.infer<typeof Scheduler>;
export type Timeouts = z.infer<typeof Timeouts>;
export type Limits = z.infer<typeof Limits>;
export type ForwardedHeaders = z.infer<typeof ForwardedHeaders>;
export type ListenerTls = z.infer<typeof ListenerTls>;
export type Reencrypt = z.infer<typeof Reencrypt>;

/** Rules that span fields: unique names, one service per address:port, protocol fit. */
function checkReferences(cfg: { virtualServices: VirtualService[] }, ctx: z.RefinementCtx): void {
  const names = new Map<string, number>();
  const endpoints = new Map<string, number>();
  cfg.virtualServices.forEach((vs, i) => {
    const at = (...p: (string | number)[]) => ['virtualServices', i, ...p];
    const prior = names.get(vs.name);
    if (prior !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: at('name'),
        message: `name "${vs.name}" is already used by virtualServices[${prior}]`,
      });
    } else names.set(vs.name, i);

    if (vs.enabled) {
      const ep = `${vs.listen.address}:${vs.listen.port}`;
      const other = endpoints.get(ep);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: at('listen'),
          message: `${ep} is already used by virtualServices[${other}]; use content rules to share one address`,
        });
      } else endpoints.set(ep, i);
    }

    const l7 = vs.protocol !== 'tcp';
    if (vs.protocol === 'https' && !vs.tls) {
      ctx.addIssue({ code: 'custom', path: at('tls'), message: 'an https service needs tls.certificates' });
    }
    if (vs.protocol !== 'https' && vs.tls) {
      ctx.addIssue({ code: 'custom', path: at('tls'), message: 'tls is only for protocol https' });
    }
    if (!l7) {
      if (vs.persistence.mode === 'cookie') {
        ctx.addIssue({
          code: 'custom',
          path: at('persistence', 'mode'),
          message: 'cookie persistence needs protocol http or https; use source-ip for tcp',
        });
      }
      for (const [field, empty] of [
        ['contentRules', vs.contentRules.length === 0],
        ['redirect', !vs.redirect],
        ['denyPaths', vs.denyPaths.length === 0],
      ] as const) {
        if (!empty)
          ctx.addIssue({ code: 'custom', path: at(field), message: `${field} needs protocol http or https` });
      }
    }
    if (vs.redirect && vs.protocol !== 'http') {
      ctx.addIssue({
        code: 'custom',
        path: at('redirect'),
        message: 'a redirect service uses protocol http',
      });
    }
    if (vs.healthCheck.type === 'https' && !vs.reencrypt) {
      ctx.addIssue({
        code: 'custom',
        path: at('healthCheck', 'type'),
        message: 'an https health check needs reencrypt settings',
      });
    }

    const rsNames = new Set<string>();
    const checkServers = (list: RealServer[], ...base: (string | number)[]) =>
      list.forEach((rs, j) => {
        if (rsNames.has(rs.name)) {
          ctx.addIssue({
            code: 'custom',
            path: at(...base, j, 'name'),
            message: `real server name "${rs.name}" is used twice in this service`,
          });
        }
        rsNames.add(rs.name);
      });
    checkServers(vs.realServers, 'realServers');
    const ruleNames = new Set<string>();
    vs.contentRules.forEach((rule, r) => {
      if (ruleNames.has(rule.name)) {
        ctx.addIssue({
          code: 'custom',
          path: at('contentRules', r, 'name'),
          message: `content rule name "${rule.name}" is used twice`,
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
      checkServers(rule.realServers, 'contentRules', r, 'realServers');
    });
  });
}
