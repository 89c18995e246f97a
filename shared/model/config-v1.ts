/**
 * Version 1 of the configuration (Portico 0.1): one flat object per virtual service with its
 * real servers written inline, in every content rule too. Kept only to read files and
 * `config.apply` documents written for 0.1; migrate-v1.ts turns them into the current model.
 * Nothing runs on this shape.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */
import { z } from 'zod';
import {
  ForwardedHeaders,
  HealthCheck,
  ListenAddress,
  ListenerTls,
  ObjectName,
  Persistence,
  RealServer,
  Redirect,
  Reencrypt,
  Scheduler,
  limitFields,
  timeoutFields,
  group,
} from './config-parts.ts';

/** Version 0.1 wrote a boolean: `true` did what `append` does, `false` what `off` does. */
const ForwardedHeadersV1 = z.union([ForwardedHeaders, z.boolean()]);

const Timeouts = group(timeoutFields);
const Limits = group(limitFields);

export const ContentRuleV1 = z
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

export const VirtualServiceV1 = z
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
    timeouts: Timeouts.describe('Time limits; see below.'),
    maxHeaderBytes: z
      .number()
      .int()
      .min(1024)
      .max(1048576)
      .default(16384)
      .describe('Largest request head accepted (431 beyond).'),
    forwardedHeaders: ForwardedHeadersV1.default('replace'),
    limits: Limits.describe('What clients may hold; see below.'),
    realServers: z.array(RealServer).default([]).describe('The default group of real servers.'),
    contentRules: z
      .array(ContentRuleV1)
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

export const AgentConfigV1 = z
  .object({
    $schema: z.string().optional(),
    revision: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Managed by the agent: goes up by one with every applied change.'),
    virtualServices: z.array(VirtualServiceV1).default([]).describe('The services this agent runs.'),
  })
  .strict()
  .superRefine(checkReferences);

export type AgentConfigV1 = z.infer<typeof AgentConfigV1>;
export type VirtualServiceV1 = z.infer<typeof VirtualServiceV1>;

/** Rules that span fields: unique names, one service per address:port, protocol fit. */
function checkReferences(cfg: { virtualServices: VirtualServiceV1[] }, ctx: z.RefinementCtx): void {
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
    const checkServers = (list: z.infer<typeof RealServer>[], ...base: (string | number)[]) =>
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
