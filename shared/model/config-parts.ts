/**
 * The building blocks of the agent's configuration, shared by the current model (config.ts)
 * and the version-1 model kept for conversion (config-v1.ts): names, addresses, real servers,
 * schedulers, persistence, health checks, TLS on either side, and each timeout and limit as a
 * field of its own, so both versions describe a knob in the same words.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { z } from 'zod';
import { hostWithPortMessage } from './problems.ts';

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
  // `10.0.0.5:8080` would pass the characters above and fail later as a DNS lookup of the
  // whole text: say where the port goes instead.
  .superRefine((value, ctx) => {
    const message = hostWithPortMessage(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  })
  .describe('IP address (v4 or v6) or host name.');

export const ListenAddress = z
  .object({
    address: Host.default('0.0.0.0').describe('Address to listen on; 0.0.0.0 or :: for all interfaces.'),
    port: Port,
  })
  .strict();

export const RealServer = z
  .object({
    name: ObjectName.describe(
      'Unique within its pool; the server is known as pool/server in health, stats and events.',
    ),
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
  host: z
    .string()
    .max(253)
    .optional()
    .describe("Host header; defaults to the pool's re-encrypt serverName, else the real server's address."),
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
      .describe("An HTTPS request using the pool's re-encrypt settings."),
  ])
  .describe('How real servers are checked; with none, every enabled server counts as up.');

/** Each time limit as a field; the models group them per object (pool, service protocol). */
export const timeoutFields = {
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
    .describe('A client must finish its TLS handshake within this time (closed otherwise).'),
};

/**
 * What a service lets its clients hold, each limit as a field. Over a limit a client is refused
 * (the status or the close each describes), a counter goes up and a rate-limited log line
 * says which limit.
 */
export const limitFields = {
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
};

/** An object of some of those fields, each with its default, defaulted as a whole. */
export function group<S extends z.ZodRawShape>(shape: S) {
  const schema = z.object(shape).strict();
  // Generic code cannot see that parse({}) yields no undefined: every field has a default.
  return schema.default(() => schema.parse({}) as never);
}

/**
 * Who sets the X-Forwarded-* headers. `replace`: this balancer is the edge, so what a client
 * sent itself (X-Forwarded-For/-Proto/-Host, Forwarded, X-Real-IP) is removed and ours set;
 * `append`: a proxy in front of us is trusted, its X-Forwarded-For is kept and the client
 * address appended; `off`: headers pass untouched.
 */
export const ForwardedHeaders = z
  .enum(['replace', 'append', 'off'])
  .describe(
    "replace (default): drop the X-Forwarded-*, Forwarded and X-Real-IP a client sent and set ours; append: keep a trusted proxy's X-Forwarded-For and append the client; off: add nothing.",
  );

export const TlsVersion = z.enum(['TLSv1.2', 'TLSv1.3']);

export const ListenerTls = z
  .object({
    certificates: z
      .array(ObjectName)
      .min(1, 'name at least one certificate from the store')
      .describe(
        'Certificates from the store; chosen by SNI (exact, then wildcard; the earlier where names overlap), otherwise the default (defaultCertificate, or the first).',
      ),
    defaultCertificate: ObjectName.optional().describe(
      'The certificate served to a client that sends no SNI, or a name no certificate has: one of `certificates`. Omitted: the first. Where names overlap, the earlier certificate in `certificates` is chosen, whichever is the default.',
    ),
    minVersion: TlsVersion.default('TLSv1.2'),
    cipherProfile: z.enum(['modern', 'intermediate', 'legacy']).default('intermediate'),
  })
  .strict()
  .superRefine((tls, ctx) => {
    if (tls.defaultCertificate !== undefined && !tls.certificates.includes(tls.defaultCertificate))
      ctx.addIssue({
        code: 'custom',
        path: ['defaultCertificate'],
        message: `the default certificate "${tls.defaultCertificate}" is not one of this service's certificates (${tls.certificates.join(', ')}): add it to the certificates, or name one of them`,
      });
  });

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

export const Redirect = z
  .object({
    toPort: Port.default(443).describe('HTTPS port to redirect to.'),
    status: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).default(301),
  })
  .strict();
