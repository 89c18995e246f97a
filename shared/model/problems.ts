/**
 * The one catalogue of plain words for what a validation finds wrong, shared by the agent, the
 * `portico` command line and the Console: what is wrong and what to write instead, never the
 * validation library's own text ("Too big: expected number to be <=65535"), and places named by
 * the names the admin gave (`service "owa", listen.port`), never by array index
 * (`virtualServices[0]`).
 *
 * Two halves: `plainIssueMessage` says what is wrong with one value (zod calls it for every
 * issue whose schema does not carry its own sentence), `whereOf` says where, from the document
 * that was checked. Runtime-neutral: zod only.
 */
import { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

/** A value as an admin wrote it, short enough for one line. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const list = (values: readonly unknown[]): string => values.map((v) => String(v)).join(', ');

const KIND: Record<string, string> = {
  string: 'text in quotes',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list in [ ]',
  object: 'a set of fields in { }',
};

function wrongType(issue: Issue & { expected?: string }): string {
  if (issue.input === undefined) return 'this is required';
  const want = KIND[issue.expected ?? ''] ?? issue.expected ?? 'another kind of value';
  if ((issue.expected === 'number' || issue.expected === 'int') && typeof issue.input === 'string') {
    return issue.input.trim() === '' || Number.isNaN(Number(issue.input))
      ? `enter ${want}`
      : `write ${issue.input} as ${want}, without quotes`;
  }
  // NaN is what a form makes of a number field holding text ("soon"); JSON would show it as null.
  if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return `enter ${want}`;
  return `write ${want} here, not ${shown(issue.input)}`;
}

function tooSmall(
  issue: Issue & { origin?: string; minimum?: number | bigint; inclusive?: boolean },
): string {
  const min = Number(issue.minimum);
  switch (issue.origin) {
    case 'string':
      return min <= 1 ? 'this cannot be empty' : `use at least ${min} characters`;
    case 'array':
    case 'set':
      return min <= 1 ? 'add at least one' : `add at least ${min}`;
    default:
      return issue.inclusive === false ? `use a number above ${min}` : `use ${min} or more`;
  }
}

function tooBig(issue: Issue & { origin?: string; maximum?: number | bigint; inclusive?: boolean }): string {
  const max = Number(issue.maximum);
  switch (issue.origin) {
    case 'string':
      return `use at most ${max} characters`;
    case 'array':
    case 'set':
      return `list at most ${max}`;
    default:
      return issue.inclusive === false ? `use a number below ${max}` : `use ${max} or less`;
  }
}

function badFormat(issue: Issue & { format?: string; prefix?: string; suffix?: string }): string {
  switch (issue.format) {
    case 'starts_with':
      return `start it with "${issue.prefix ?? ''}"`;
    case 'ends_with':
      return `end it with "${issue.suffix ?? ''}"`;
    default:
      return `${shown(issue.input)} is not a valid ${issue.format ?? 'value'} here`;
  }
}

/**
 * What is wrong with one value, in words an admin acts on; undefined keeps a schema's own
 * sentence. zod's error-map signature: installed for every parse below, and usable as
 * `schema.safeParse(input, { error: plainIssueMessage })`.
 */
export function plainIssueMessage(issue: Issue): string {
  const any = issue as Issue & Record<string, unknown>;
  switch (issue.code) {
    case 'invalid_type':
      return wrongType(any);
    case 'too_small':
      return tooSmall(any);
    case 'too_big':
      return tooBig(any);
    case 'invalid_format':
      return badFormat(any);
    case 'invalid_value': {
      const values = (any.values as unknown[] | undefined) ?? [];
      return values.length === 1
        ? `write ${shown(values[0])} here`
        : `${shown(issue.input)} is not one of: ${list(values)}`;
    }
    case 'invalid_union': {
      const options = any.options as unknown[] | undefined;
      const key = any.discriminator as string | undefined;
      if (options && key) {
        // zod hands over the whole object: the admin wrote only its discriminator wrong.
        const input = issue.input as Record<string, unknown> | undefined;
        const value = input !== null && typeof input === 'object' ? input[key] : input;
        return value === undefined
          ? `${key} is required: use one of ${list(options)}`
          : `${shown(value)} is not a ${key} this accepts: use one of ${list(options)}`;
      }
      return 'this value fits none of the forms this field accepts';
    }
    case 'unrecognized_keys': {
      const keys = (any.keys as string[] | undefined) ?? [];
      return `${keys.map((k) => `"${k}"`).join(', ')} ${keys.length === 1 ? 'is not a setting' : 'are not settings'} here: remove ${keys.length === 1 ? 'it' : 'them'} or check the spelling`;
    }
    case 'not_multiple_of':
      return `use a multiple of ${String(any.divisor)}`;
    case 'invalid_key':
      return 'a key here is not accepted';
    case 'invalid_element':
      return 'an entry here is not accepted';
    default:
      return 'this value is not accepted here';
  }
}

// Every parse of a shared schema — agent, command line, Console main process and renderer —
// speaks these words: zod asks the global map for each issue whose schema has no sentence of
// its own, so no caller can forget it. (z.config merges: other settings stay.)
z.config({ customError: plainIssueMessage });

export type PathPart = PropertyKey;

/** What one item of a named list is called. */
const NOUNS: Record<string, string> = {
  pools: 'pool',
  servers: 'server',
  realServers: 'real server',
  virtualServices: 'service',
  contentRules: 'content rule',
  certificates: 'certificate',
  members: 'member',
  virtualIps: 'virtual IP',
};

const ordinal = (i: number): string => `entry ${i + 1}`;

/**
 * Where a problem is, named by what the admin called things: `pools[1].servers[0].port` in a
 * document whose second pool is "cas" and its first server "cas1" → `pool "cas", server "cas1",
 * port`; an unnamed item is counted from one (`denyPaths entry 2`). Empty for the whole document.
 */
export function whereOf(path: readonly PathPart[], document?: unknown): string {
  const parts: string[] = [];
  let fields: string[] = [];
  let node: unknown = document;
  const flush = () => {
    if (fields.length > 0) parts.push(fields.join('.'));
    fields = [];
  };
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const next = path[i + 1];
    const child =
      node !== null && typeof node === 'object'
        ? (node as Record<PropertyKey, unknown>)[key as never]
        : undefined;
    if (typeof key !== 'number' && typeof next === 'number') {
      // A list and one of its items: name the item.
      const item = Array.isArray(child) ? (child[next] as unknown) : undefined;
      const name = item !== null && typeof item === 'object' ? (item as { name?: unknown }).name : undefined;
      const noun = NOUNS[String(key)];
      if (noun !== undefined) {
        flush();
        parts.push(
          typeof name === 'string' && name !== '' ? `${noun} "${name}"` : `${noun} number ${next + 1}`,
        );
      } else {
        fields.push(String(key));
        const label =
          typeof item === 'string' && item !== '' && item.length <= 60 ? `"${item}"` : ordinal(next);
        parts.push(`${fields.join('.')} ${label}`);
        fields = [];
      }
      node = item;
      i++;
      continue;
    }
    if (typeof key === 'number') parts.push(ordinal(key));
    else fields.push(String(key));
    node = child;
  }
  flush();
  return parts.join(', ');
}

/** One problem: `path` for programs (forms file it under a field), `where` and `message` for people. */
export interface Problem {
  /** Where, for programs: e.g. `virtualServices[0].listen.port`; empty for the whole document. */
  path: string;
  /**
   * Where, for people: e.g. `service "owa", listen.port`; empty for the whole document. Code
   * that finds a problem without the document at hand leaves it out; `nameProblems` fills it in
   * where the document is known (the config store, the command line).
   */
  where?: string;
  /** What is wrong and what to do, e.g. `use 65535 or less`. */
  message: string;
}

/** `['virtualServices', 0, 'listen']` → `virtualServices[0].listen`: a path programs parse back. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** `virtualServices[0].contentRules[1].pool` → ['virtualServices', 0, 'contentRules', 1, 'pool']. */
export function parsePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const match of path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) {
    parts.push(match[1] === undefined ? (match[2] as string) : Number(match[1]));
  }
  return parts;
}

/** Problems found without the document (the engine's, the store's): each given its `where`. */
export function nameProblems<P extends Problem>(problems: readonly P[], document: unknown): P[] {
  return problems.map((p) =>
    p.where === undefined ? { ...p, where: whereOf(parsePath(p.path), document) } : p,
  );
}

/** zod's issues as problems; `document` (what was checked) names the places by their names. */
export function problemsOf(error: z.ZodError, document?: unknown): Problem[] {
  // Without the document `where` is left out: describeProblem then says it from the path.
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    ...(document === undefined ? {} : { where: whereOf(issue.path, document) }),
    message: issue.message,
  }));
}

/** A problem as one line, for logs, the command line and an error's message. */
export function describeProblem(problem: Problem): string {
  const where = problem.where ?? whereOf(parsePath(problem.path));
  return where ? `${where}: ${problem.message}` : problem.message;
}

/**
 * An address field given `host:port` (`10.0.0.5:8080`, `mail.example.com:443`,
 * `[2001:db8::1]:443`): the host and the port apart, so a form can split it and a check can say
 * where the port goes. Undefined for an address without a port (a bare IPv6 address has more
 * than one colon and no brackets).
 */
export function splitHostPort(value: string): { host: string; port: number } | undefined {
  const match = /^\[([0-9A-Fa-f:.%\w-]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:[\]]+):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1] as string, port } : undefined;
}

/** What an address field given `host:port` says: where each half goes. */
export function hostWithPortMessage(value: string): string | undefined {
  const split = splitHostPort(value);
  return split
    ? `"${value}" has a port in it: write ${split.host} here and ${split.port} in the port field`
    : undefined;
}

/** A failed request as the Console's fleet reports it (src-main/fleet/rpc-errors.ts Failure). */
export interface FailureLike {
  /** `not-connected`, `timeout`, `closed`, a protocol error name (`IN_USE` …), or `ERROR`. */
  code: string;
  message: string;
}

/**
 * What an action on one agent did not do, in an admin's words: `could not drain fe01: the agent
 * london is offline`, never `realServer.setEnabled: the agent is offline`. The action is said by
 * the caller ("remove service owa"); the method name the fleet puts in front of a message goes.
 */
export function couldNot(action: string, agent: string, failure: FailureLike): string {
  const reason = failure.message.replace(/^[a-z][A-Za-z]*(?:\.[A-Za-z]+)+: /, '');
  switch (failure.code) {
    case 'not-connected':
      return `could not ${action}: the agent ${agent} is offline (or not reached yet)`;
    case 'timeout':
      return `could not ${action}: the agent ${agent} did not answer in time; it may still have done it`;
    case 'closed':
      return `could not ${action}: the connection to ${agent} closed before it answered`;
    default:
      return `could not ${action} on ${agent}: ${reason}`;
  }
}
