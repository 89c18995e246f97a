/**
 * Problems with a virtual service, filed under the form field they concern. The same mapping
 * serves the form's own check (zod issues, paths as arrays) and the agent's refusal
 * (INVALID_CONFIG problems, paths as `virtualServices[2].listen.port` strings), so a problem
 * sits next to the same input whoever found it. What maps to no field on screen is listed on
 * top of the form with its path: nothing the schema or the agent says is dropped.
 * Pure: no React, no DesktopApi.
 */
import { z } from 'zod';
import { ConsoleError } from '../../../shared/ipc/errors.ts';
import { AgentConfig, VirtualService } from '../../../shared/model/config.ts';
import { formatPath } from '../../../shared/model/validate.ts';
import { Problem } from '../../../shared/protocol/codes.ts';
import {
  type FormValues,
  REAL_SERVER_FIELDS,
  type RealServerField,
  realServerKey,
  shownFields,
  toDocument,
} from './form-model.ts';

export type PathPart = string | number;

export interface FormProblems {
  /** Field key (a ServiceField or a realServerKey) → the first message about it. */
  fields: Record<string, string>;
  /** Problems no shown field owns, as "path: message". */
  general: string[];
}

export const NO_PROBLEMS: FormProblems = { fields: {}, general: [] };

export const hasProblems = (p: FormProblems): boolean =>
  Object.keys(p.fields).length > 0 || p.general.length > 0;

/** Where the form is: what the agent runs besides, and which service is being edited. */
export interface ServiceContext {
  services: readonly VirtualService[];
  /** Name of the service being edited; undefined when creating one. */
  editing: string | undefined;
}

/** The path of a problem inside one virtual service → the key of the field that shows it. */
export function fieldOf(path: readonly PathPart[], values: FormValues): string | undefined {
  const [head, next, last] = path;
  switch (head) {
    case 'name':
      return 'name';
    case 'protocol':
      return 'type';
    case 'listen':
      // A bare `listen` is the "address:port already used" rule: the port is what one changes.
      return next === 'address' ? 'listenAddress' : 'listenPort';
    case 'scheduler':
      return 'scheduler';
    case 'persistence':
      if (next === 'cookieName') return 'cookieName';
      return next === undefined || next === 'mode' ? 'persistence' : undefined;
    case 'healthCheck':
      if (next === 'path') return 'healthPath';
      if (next === 'intervalMs') return 'healthIntervalMs';
      return next === undefined || next === 'type' ? 'healthType' : undefined;
    case 'tls':
      // "tls is only for protocol https" is about the type; anything on certificates, the name.
      if (values.type !== 'https') return 'type';
      return next === undefined || next === 'certificates' ? 'certificate' : undefined;
    case 'redirect':
      if (next === 'toPort') return 'redirectPort';
      return next === undefined ? 'type' : undefined;
    case 'reencrypt':
      if (next === 'ca') return 'reencryptCa';
      if (next === 'serverName') return 'reencryptSni';
      return 'reencryptVerify';
    case 'realServers': {
      const row = typeof next === 'number' ? values.realServers[next] : undefined;
      const field = REAL_SERVER_FIELDS.find((f) => f === last) as RealServerField | undefined;
      return row && field ? realServerKey(row.rowId, field) : undefined;
    }
    default:
      return undefined;
  }
}

/** Files each problem (path inside the service) under its field, or in the general list. */
export function fileProblems(
  problems: readonly { path: readonly PathPart[]; message: string; label?: string }[],
  values: FormValues,
): FormProblems {
  const shown = shownFields(values);
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const problem of problems) {
    // A labelled problem is outside this service: no field of the form owns it.
    const field = problem.label === undefined ? fieldOf(problem.path, values) : undefined;
    if (field !== undefined && shown.has(field)) fields[field] ??= problem.message;
    else general.push(`${problem.label ?? (formatPath(problem.path) || 'service')}: ${problem.message}`);
  }
  return { fields, general };
}

/**
 * zod's type errors say "expected number, received NaN": an admin typed into a number field,
 * so say what the field wants instead.
 */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'enter a whole number';
  return issue.message;
}

/** Where the service sits in the agent's list: its own index when edited, the end when new. */
export function indexOf(context: ServiceContext): number {
  const at =
    context.editing === undefined ? -1 : context.services.findIndex((vs) => vs.name === context.editing);
  return at === -1 ? context.services.length : at;
}

/** `virtualServices[2].listen` → `virtualServices[2] ("mail").listen`: an index alone means little. */
function labelOf(path: readonly PathPart[], services: readonly VirtualService[]): string {
  const [head, index, ...rest] = path;
  const name = head === 'virtualServices' && typeof index === 'number' ? services[index]?.name : undefined;
  if (name === undefined) return formatPath(path) || 'configuration';
  const tail = formatPath(rest);
  const joined = tail === '' || tail.startsWith('[') ? tail : `.${tail}`;
  return `virtualServices[${String(index)}] ("${name}")${joined}`;
}

/**
 * Problems with paths in the whole configuration: the ones inside this service go to its
 * fields; the others (another service whose address this one takes) to the list, labelled.
 */
function fromConfigPaths(
  problems: readonly { path: readonly PathPart[]; message: string }[],
  values: FormValues,
  context: ServiceContext,
): FormProblems {
  const index = indexOf(context);
  return fileProblems(
    problems.map(({ path, message }) => {
      const [head, at, ...inside] = path;
      if (head === 'virtualServices' && at === index) {
        // The engine names a whole service (a certificate it cannot load): no one field owns that.
        return inside.length > 0 ? { path: inside, message } : { path, message, label: 'this service' };
      }
      return { path, message, label: labelOf(path, context.services) };
    }),
    values,
  );
}

export type Validation = { ok: true; document: VirtualService } | { ok: false; problems: FormProblems };

/**
 * The form's check before anything is sent: the VirtualService schema first (each field), then
 * the rules across services (unique name, one service per address:port, protocol fit) by
 * checking the whole configuration as it would be, the way the agent will.
 */
export function validateForm(
  values: FormValues,
  base: VirtualService | undefined,
  context: ServiceContext,
): Validation {
  const parsed = VirtualService.safeParse(toDocument(values, base));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path as PathPart[],
      message: messageOf(issue),
    }));
    return { ok: false, problems: fileProblems(issues, values) };
  }
  const document = parsed.data;
  // The agent replaces a service of the same name: creating one must not do that unnoticed.
  if (context.editing === undefined && context.services.some((vs) => vs.name === document.name)) {
    return {
      ok: false,
      problems: fileProblems(
        [{ path: ['name'], message: `"${document.name}" exists already on this agent: edit it instead` }],
        values,
      ),
    };
  }
  const services = [...context.services];
  services[indexOf(context)] = document;
  const whole = AgentConfig.safeParse({ virtualServices: services });
  if (!whole.success) {
    const issues = whole.error.issues.map((issue) => ({
      path: issue.path as PathPart[],
      message: messageOf(issue),
    }));
    return { ok: false, problems: fromConfigPaths(issues, values, context) };
  }
  return { ok: true, document };
}

/** `virtualServices[0].realServers[1].port` → ['virtualServices', 0, 'realServers', 1, 'port']. */
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
export function problemsFromError(
  error: unknown,
  values: FormValues,
  context: ServiceContext,
): FormProblems | undefined {
  if (!(error instanceof ConsoleError)) return undefined;
  if (error.code !== 'INVALID_CONFIG' && error.code !== 'INVALID_PARAMS') return undefined;
  const details = WithProblems.safeParse(error.details);
  if (!details.success) return undefined;
  const problems = details.data.problems.map((p) => ({ path: parsePath(p.path), message: p.message }));
  if (error.code === 'INVALID_CONFIG') return fromConfigPaths(problems, values, context);
  return fileProblems(
    problems.map(({ path, message }) =>
      path[0] === 'virtualService' && path.length > 1
        ? { path: path.slice(1), message }
        : { path, message, label: formatPath(path) || 'request' },
    ),
    values,
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
