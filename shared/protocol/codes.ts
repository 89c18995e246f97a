/**
 * JSON-RPC error codes the agent answers with, and the shape of each one's `data`.
 *
 * The -32700…-32603 codes are JSON-RPC 2.0's own; ours sit in the -32000…-32099 range the
 * specification leaves to servers. Codes are part of the contract with every Console version
 * in a fleet: add new ones, never renumber.
 *
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';

/** Each error: its number and what it means (docs/protocol.md is generated from this). */
export const ERRORS = {
  PARSE_ERROR: { code: -32700, meaning: 'The frame is not JSON.' },
  INVALID_REQUEST: {
    code: -32600,
    meaning:
      'JSON, but not one JSON-RPC 2.0 request: wrong shape, batch array, binary frame, missing or null id, nesting deeper than 64.',
  },
  METHOD_NOT_FOUND: { code: -32601, meaning: 'No such method.' },
  INVALID_PARAMS: {
    code: -32602,
    meaning: "The params do not match the method's schema; each field is named.",
  },
  INTERNAL_ERROR: {
    code: -32603,
    meaning: 'Something failed inside the agent; the message names a log reference, never internals.',
  },
  UNAUTHORIZED: { code: -32001, meaning: "The session's token was rotated; the session closes (4001)." },
  CONFLICT: {
    code: -32002,
    meaning: '`expectRevision` is not the running revision; `currentRevision` says which is.',
  },
  INVALID_CONFIG: {
    code: -32003,
    meaning:
      'The configuration (or the engine: certificates, ports) refuses the change; every problem is listed.',
  },
  NOT_FOUND: {
    code: -32004,
    meaning: 'The named virtual service, real server, certificate or template does not exist.',
  },
  IN_USE: { code: -32005, meaning: 'The certificate or pool is still used by virtual services.' },
  CERT_ERROR: {
    code: -32006,
    meaning: 'The certificate material is refused; `code` is a CertCode, `issues` lists all.',
  },
  BUSY: {
    code: -32007,
    meaning: 'Too many requests in flight on this session; send more after answers arrive.',
  },
  UNAVAILABLE: { code: -32008, meaning: 'The feature is not available in this agent build.' },
  TEMPLATE_INVALID: {
    code: -32009,
    meaning: 'The template document or its parameter values are refused; each problem is named.',
  },
  HA_STATE: {
    code: -32010,
    meaning:
      "This member's HA state does not allow it (not in a pair, or not master for a failover); `state` says which.",
  },
  ACME_ERROR: {
    code: -32011,
    meaning:
      'The ACME CA refused or could not validate: `domain` names the name that failed, `type` is the problem document’s type, the message says why.',
  },
} as const;

export type ErrorCodeName = keyof typeof ERRORS;

/** Name → number, e.g. `ERROR_CODES.CONFLICT === -32002`. */
export const ERROR_CODES = Object.fromEntries(Object.entries(ERRORS).map(([name, e]) => [name, e.code])) as {
  readonly [K in ErrorCodeName]: (typeof ERRORS)[K]['code'];
};

export type ErrorCode = (typeof ERROR_CODES)[ErrorCodeName];

/** The name of a numeric code, for logs and documentation. */
export function errorCodeName(code: number): ErrorCodeName | undefined {
  return (Object.keys(ERRORS) as ErrorCodeName[]).find((name) => ERRORS[name].code === code);
}

/** Where a problem is (dotted path, `[i]` for array items; empty = the whole thing) and why. */
export const Problem = z
  .object({
    path: z
      .string()
      .describe(
        'Dotted path to the field for programs, e.g. `virtualServices[0].listen.port`; empty = the whole value.',
      ),
    where: z
      .string()
      .optional()
      .describe('The same place for people, by the names the admin gave, e.g. `service "owa", listen.port`.'),
    message: z.string().describe('What is wrong, in a sentence an admin can act on.'),
  })
  .strict();
export type Problem = z.infer<typeof Problem>;

/** A template problem: a Problem, plus the parameters and virtual service behind it. */
export const TemplateProblemWire = z
  .object({
    path: z.string().describe('Dotted path in the template or its parameters.'),
    message: z.string(),
    params: z.array(z.string()).optional().describe('Parameters whose values produced the field in trouble.'),
    virtualService: z.string().optional().describe('The virtual service the path is in, by name.'),
    pool: z.string().optional().describe('The pool the path is in, by name.'),
  })
  .strict();

/** One certificate problem (a CertIssue on the wire: `code` stays a string so newer codes parse). */
export const CertIssueWire = z
  .object({
    code: z.string().describe('A CertCode (shared/certs/codes.ts), e.g. `KEY_MISMATCH`.'),
    message: z.string(),
    fingerprint: z.string().optional().describe('SHA-256 fingerprint of the certificate concerned.'),
  })
  .strict();

/** `data` of each error code that carries one. */
export const ERROR_DATA = {
  PARSE_ERROR: z.object({ reason: z.string() }).strict(),
  INVALID_REQUEST: z.object({ reason: z.string(), problems: z.array(Problem).optional() }).strict(),
  METHOD_NOT_FOUND: z.object({
    method: z.string().describe('The method asked for (cut to 100 characters).'),
  }),
  INVALID_PARAMS: z.object({ problems: z.array(Problem) }).strict(),
  INTERNAL_ERROR: z.object({ ref: z.string().describe('Reference of the agent log line with the details.') }),
  CONFLICT: z.object({ currentRevision: z.number().int().min(0) }).strict(),
  INVALID_CONFIG: z.object({ problems: z.array(Problem) }).strict(),
  NOT_FOUND: z.object({ kind: z.string(), name: z.string() }).strict(),
  IN_USE: z.object({ usedBy: z.array(z.string()).describe('Virtual services that use it.') }).strict(),
  CERT_ERROR: z.object({ code: z.string(), issues: z.array(CertIssueWire) }).strict(),
  BUSY: z.object({ maxInFlight: z.number().int() }).strict(),
  TEMPLATE_INVALID: z.object({ problems: z.array(TemplateProblemWire) }).strict(),
  HA_STATE: z.object({ state: z.string().describe('The VRRP state now.') }).strict(),
  ACME_ERROR: z
    .object({
      name: z.string().describe('The store entry being requested or renewed.'),
      domain: z.string().optional().describe('The domain that failed, when one did.'),
      type: z
        .string()
        .optional()
        .describe('The RFC 8555 problem type, e.g. `urn:ietf:params:acme:error:connection`.'),
    })
    .strict(),
} as const satisfies Partial<Record<ErrorCodeName, z.ZodType>>;

/** WebSocket close codes the agent uses; 4000–4999 are the application's own (RFC 6455 §7.4.2). */
export const CLOSES = {
  GOING_AWAY: { code: 1001, meaning: 'The agent is stopping.' },
  MESSAGE_TOO_BIG: { code: 1009, meaning: "A frame was larger than the agent's maxPayload." },
  TOKEN_ROTATED: {
    code: 4001,
    meaning: 'The token this session authenticated with was rotated: reconnect with the new one.',
  },
  TOO_SLOW: {
    code: 4002,
    meaning: 'What the agent sent (events, answers) piled up unread beyond its buffer limit.',
  },
} as const;

/** Name → number, e.g. `CLOSE_CODES.TOKEN_ROTATED === 4001`. */
export const CLOSE_CODES = Object.fromEntries(Object.entries(CLOSES).map(([name, c]) => [name, c.code])) as {
  readonly [K in keyof typeof CLOSES]: (typeof CLOSES)[K]['code'];
};
