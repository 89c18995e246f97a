/**
 * Problems with a pool or a virtual service, filed under the form field they concern. The same
 * mapping serves the form's own check (zod issues, paths as arrays) and the agent's refusal
 * (INVALID_CONFIG problems, paths as `pools[1].servers[0].port` or
 * `virtualServices[2].listen.port` strings), so a problem sits next to the same input whoever
 * found it. What maps to no field on screen is listed on top of the form with its path: nothing
 * the schema or the agent says is dropped. Pure: no React, no DesktopApi.
 */
import { z } from 'zod';
import { ConsoleError } from '../../../shared/ipc/errors.ts';
import { AgentConfig } from '../../../shared/model/config.ts';
import { whereOf } from '../../../shared/model/problems.ts';
import { formatPath } from '../../../shared/model/validate.ts';
import { Problem } from '../../../shared/protocol/codes.ts';

export type PathPart = string | number;

export interface FormProblems {
  /** Field key → the first message about it. */
  fields: Record<string, string>;
  /** Problems no shown field owns, as "path: message". */
  general: string[];
}

export const NO_PROBLEMS: FormProblems = { fields: {}, general: [] };

export const hasProblems = (p: FormProblems): boolean =>
  Object.keys(p.fields).length > 0 || p.general.length > 0;

/** The two lists of named objects in a configuration; a form edits one object of one list. */
export type ObjectList = 'pools' | 'virtualServices';

type Objects = Pick<AgentConfig, 'pools' | 'virtualServices'>;

/** Where a form is, and how a path inside its object finds the input that shows it. */
export interface FormTarget {
  list: ObjectList;
  /** The configuration the form edits against (the revision it expects). */
  config: Objects;
  /** Name of the object edited; undefined when creating one. */
  editing: string | undefined;
  /** A path inside the object → the key of the field that shows it; undefined for none. */
  fieldOf: (path: readonly PathPart[]) => string | undefined;
  /**
   * A path elsewhere in the configuration that is still about this object's fields (a service
   * naming this pool, which the pool's persistence does not suit) → a field key.
   */
  fieldOfElsewhere?: (path: readonly PathPart[]) => string | undefined;
  /** The field keys on screen: a problem for a hidden field goes to the list on top. */
  shown: ReadonlySet<string>;
  /** How a problem about the whole object is labelled: "this pool", "this service". */
  self: string;
  /** The key the channel's params carry the object under (INVALID_PARAMS paths start with it). */
  paramKey: 'pool' | 'virtualService';
}

/** Where the object sits in its list: its own index when edited, the end when new. */
export function indexOf(target: Pick<FormTarget, 'list' | 'config' | 'editing'>): number {
  const list: readonly { name: string }[] = target.config[target.list];
  const at = target.editing === undefined ? -1 : list.findIndex((o) => o.name === target.editing);
  return at === -1 ? list.length : at;
}

interface Filed {
  path: readonly PathPart[];
  message: string;
  /** Set for a problem outside the object: no field of the form owns it, unless fieldOfElsewhere says so. */
  label?: string;
}

/** Files each problem (path inside the object) under its field, or in the general list. */
export function fileProblems(problems: readonly Filed[], target: FormTarget): FormProblems {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const problem of problems) {
    const field =
      problem.label === undefined ? target.fieldOf(problem.path) : target.fieldOfElsewhere?.(problem.path);
    if (field !== undefined && target.shown.has(field)) fields[field] ??= problem.message;
    else general.push(`${problem.label ?? (formatPath(problem.path) || target.self)}: ${problem.message}`);
  }
  return { fields, general };
}

/** The plain-words catalogue (shared/model/problems.ts, zod's error map) has worded it already. */
export function messageOf(issue: z.core.$ZodIssue): string {
  return issue.message;
}

/**
 * `virtualServices[2].listen` → `service "mail", listen`: by the names the admin gave, never an
 * index (the plain-words catalogue's whereOf, so the agent, the CLI and the forms say it alike).
 */
function labelOf(path: readonly PathPart[], config: Objects): string {
  return whereOf(path, config) || formatPath(path) || 'configuration';
}

/**
 * Problems with paths in the whole configuration: the ones inside this object go to its
 * fields; the others (another service whose address this one takes) to the list, labelled.
 */
export function fromConfigPaths(problems: readonly Filed[], target: FormTarget): FormProblems {
  const index = indexOf(target);
  return fileProblems(
    problems.map(({ path, message }) => {
      const [head, at, ...inside] = path;
      if (head === target.list && at === index) {
        // The engine names a whole object (a certificate it cannot load): no one field owns that.
        return inside.length > 0 ? { path: inside, message } : { path, message, label: target.self };
      }
      return { path, message, label: labelOf(path, target.config) };
    }),
    target,
  );
}

export type Validation<T> = { ok: true; document: T } | { ok: false; problems: FormProblems };

/**
 * The form's check before anything is sent: the object's schema first (each field), then the
 * rules across objects (unique names, one service per address:port, references to pools, a
 * pool's fit for the services using it) by checking the whole configuration as it would be,
 * the way the agent will.
 */
export function validateObject<T extends { name: string }>(
  schema: z.ZodType<T>,
  document: Record<string, unknown>,
  target: FormTarget,
): Validation<T> {
  const issues = (error: z.ZodError) =>
    error.issues.map((issue) => ({ path: issue.path as PathPart[], message: messageOf(issue) }));
  const parsed = schema.safeParse(document);
  if (!parsed.success) return { ok: false, problems: fileProblems(issues(parsed.error), target) };
  const object = parsed.data;
  const list: readonly { name: string }[] = target.config[target.list];
  // The agent replaces an object of the same name: creating one must not do that unnoticed.
  if (target.editing === undefined && list.some((o) => o.name === object.name)) {
    const message = `"${object.name}" exists already on this agent: edit it instead`;
    return { ok: false, problems: fileProblems([{ path: ['name'], message }], target) };
  }
  const replaced = [...list];
  replaced[indexOf(target)] = object;
  const whole = AgentConfig.safeParse({ ...target.config, [target.list]: replaced });
  if (!whole.success) return { ok: false, problems: fromConfigPaths(issues(whole.error), target) };
  return { ok: true, document: object };
}

/** `virtualServices[0].contentRules[1].pool` → ['virtualServices', 0, 'contentRules', 1, 'pool']. */
export function parsePath(path: string): PathPart[] {
  const parts: PathPart[] = [];
  for (const match of path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) {
    parts.push(match[1] === undefined ? (match[2] as string) : Number(match[1]));
  }
  return parts;
}

/** What the Console passes on: the agent's `data` with its code (src-main/core/errors.ts). */
const WithProblems = z.looseObject({ problems: z.array(Problem) });

/**
 * The agent's (INVALID_CONFIG: paths in the whole configuration) or the Console's
 * (INVALID_PARAMS: paths in the channel's params) refusal, filed like the form's own problems.
 * Undefined for any other error: those have no fields to point at.
 */
export function problemsFromError(error: unknown, target: FormTarget): FormProblems | undefined {
  if (!(error instanceof ConsoleError)) return undefined;
  if (error.code !== 'INVALID_CONFIG' && error.code !== 'INVALID_PARAMS') return undefined;
  const details = WithProblems.safeParse(error.details);
  if (!details.success) return undefined;
  const problems = details.data.problems.map((p) => ({ path: parsePath(p.path), message: p.message }));
  if (error.code === 'INVALID_CONFIG') return fromConfigPaths(problems, target);
  return fileProblems(
    problems.map(({ path, message }) =>
      path[0] === target.paramKey && path.length > 1
        ? { path: path.slice(1), message }
        : { path, message, label: formatPath(path) || 'request' },
    ),
    target,
  );
}

/** The revision the agent runs now, from a CONFLICT's details. */
export function currentRevisionOf(error: unknown): number | undefined {
  if (!(error instanceof ConsoleError) || error.code !== 'CONFLICT') return undefined;
  const details = z.looseObject({ currentRevision: z.number().int() }).safeParse(error.details);
  return details.success ? details.data.currentRevision : undefined;
}

export const isConflict = (error: unknown): boolean =>
  error instanceof ConsoleError && error.code === 'CONFLICT';
