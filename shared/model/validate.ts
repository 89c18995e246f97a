/**
 * Where a config enters (file, SIGHUP, management API, templates): parse it and say every
 * problem in the admin's words (the catalogue in problems.ts: places by name, never by index).
 */
import type { z } from 'zod';
import { AgentConfig } from './config.ts';
import { AgentConfigV1 } from './config-v1.ts';
import { isVersion1, migrateV1 } from './migrate-v1.ts';
import { describeProblem, formatPath, problemsOf, type Problem } from './problems.ts';

export { formatPath };

/** A problem with a config: `path` for programs, `where` and `message` for people. */
export type ConfigProblem = Problem;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/** zod's issues as problems; `document` (what was checked) names the places. */
export function toProblems(error: z.ZodError, document?: unknown): ConfigProblem[] {
  return problemsOf(error, document);
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: toProblems(result.error, input) };
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
  return problems.map((p) => describeProblem(p)).join('\n');
}
