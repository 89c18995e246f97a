/**
 * Turns zod's issues into problems an admin can act on: a dotted path to the field and a
 * sentence. Used wherever a config enters (file, SIGHUP, management API).
 */
import type { z } from 'zod';
import { AgentConfig } from './config.ts';
import { AgentConfigV1 } from './config-v1.ts';
import { isVersion1, migrateV1 } from './migrate-v1.ts';

export interface ConfigProblem {
  /** Where the problem is, e.g. `virtualServices[0].listen.port`; empty for the whole document. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function toProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: toProblems(result.error) };
}

/** A config read where it enters; `convertedFrom` says a version-1 document was converted. */
export type ParsedConfig = ParseResult<AgentConfig> & { convertedFrom?: 1 };

/**
 * Validates a config document of either version. A version-1 document is checked in its own
 * terms (problems name the fields the admin wrote), then converted (migrate-v1.ts).
 */
export function parseAgentConfig(input: unknown): ParsedConfig {
  if (!isVersion1(input)) return parseWith(AgentConfig, input);
  const v1 = parseWith(AgentConfigV1, input);
  if (!v1.ok) return v1;
  const converted = parseWith(AgentConfig, migrateV1(input));
  return converted.ok ? { ...converted, convertedFrom: 1 } : converted;
}

/** One line per problem, for logs and the command line. */
export function describeProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `${p.path || '(config)'}: ${p.message}`).join('\n');
}
