/**
 * The pool form's values and their conversion to and from the pool document, and where each
 * problem path of a pool shows in the form. Pure: no React, no DesktopApi.
 *
 * An edited pool is the base of the document it becomes: every field the form does not show (a
 * check's own port, a server's maxConnections …) goes back to the agent as it came.
 */
import {
  type HealthCheck,
  type Persistence,
  type Pool,
  type RealServer,
  Scheduler,
} from '../../../shared/model/config.ts';
import type { PathPart } from './form-problems.ts';
import { newRowId, numberOf, optional, rebaseUntouched, splitList } from './form-values.ts';

export const SCHEDULERS = Scheduler.options;
export const PERSISTENCE_MODES = ['none', 'source-ip', 'cookie'] as const satisfies Persistence['mode'][];
export const HEALTH_TYPES = ['none', 'tcp', 'http', 'https'] as const satisfies HealthCheck['type'][];
export const HEALTH_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const satisfies HttpCheck['method'][];

type HttpCheck = Extract<HealthCheck, { type: 'http' | 'https' }>;
const isHttp = (t: string | undefined): boolean => t === 'http' || t === 'https';

/** The form fields of one real server; booleans need no text. */
export const SERVER_FIELDS = ['name', 'address', 'port', 'weight', 'enabled'] as const;
export type ServerField = (typeof SERVER_FIELDS)[number];

export interface ServerRow {
  rowId: string;
  name: string;
  address: string;
  port: string;
  weight: string;
  enabled: boolean;
  /** The server as the agent runs it, when the row was loaded: the fields the form hides. */
  original?: RealServer;
}

export interface PoolFormValues {
  name: string;
  scheduler: Pool['scheduler'];
  persistence: Persistence['mode'];
  /** Empty = the schema's default (PORTICO). */
  cookieName: string;
  /** Seconds; empty = the schema's default for the mode. */
  persistenceTimeout: string;
  healthType: HealthCheck['type'];
  /** Empty = the schema's default ("/"). */
  healthPath: string;
  /** Empty = the schema's default (5000). */
  healthIntervalMs: string;
  /** The advanced check settings; each empty = the schema's default. http/https only: */
  healthMethod: HttpCheck['method'];
  /** Empty = the pool's re-encrypt SNI name, else the server's address. */
  healthHost: string;
  /** Status codes, comma- or space-separated; empty = 200. */
  healthExpect: string;
  /** Every type but none: */
  healthTimeoutMs: string;
  healthRise: string;
  healthFall: string;
  reencrypt: boolean;
  reencryptVerify: 'ca' | 'none';
  reencryptCa: string;
  /** Empty = the real server's address. */
  reencryptSni: string;
  /** Empty = the schema's defaults. */
  connectMs: string;
  serverMs: string;
  retries: string;
  servers: ServerRow[];
}

/** Each field the form shows, by the key problems are filed under. */
export type PoolField = Exclude<keyof PoolFormValues, 'servers'>;

/** The key of one server input, e.g. `srv:srv-3:port`. */
export const serverKey = (rowId: string, field: ServerField): string => `srv:${rowId}:${field}`;

export function newServerRow(): ServerRow {
  return { rowId: newRowId('srv'), name: '', address: '', port: '', weight: '1', enabled: true };
}

export function emptyPoolValues(): PoolFormValues {
  return {
    name: '',
    scheduler: 'round-robin',
    persistence: 'none',
    cookieName: '',
    persistenceTimeout: '',
    healthType: 'none',
    healthPath: '',
    healthIntervalMs: '',
    healthMethod: 'GET',
    healthHost: '',
    healthExpect: '',
    healthTimeoutMs: '',
    healthRise: '',
    healthFall: '',
    reencrypt: false,
    reencryptVerify: 'ca',
    reencryptCa: '',
    reencryptSni: '',
    connectMs: '',
    serverMs: '',
    retries: '',
    servers: [],
  };
}

export function toPoolValues(pool: Pool): PoolFormValues {
  const check = pool.healthCheck;
  const http = check.type === 'http' || check.type === 'https' ? check : undefined;
  const p = pool.persistence;
  return {
    name: pool.name,
    scheduler: pool.scheduler,
    persistence: p.mode,
    cookieName: p.mode === 'cookie' ? p.cookieName : '',
    persistenceTimeout: p.mode === 'none' ? '' : String(p.timeoutSeconds),
    healthType: check.type,
    healthPath: check.type === 'http' || check.type === 'https' ? check.path : '',
    healthIntervalMs: check.type === 'none' ? '' : String(check.intervalMs),
    healthMethod: http ? http.method : 'GET',
    healthHost: http?.host ?? '',
    healthExpect: http ? http.expectStatus.join(', ') : '',
    healthTimeoutMs: check.type === 'none' ? '' : String(check.timeoutMs),
    healthRise: check.type === 'none' ? '' : String(check.rise),
    healthFall: check.type === 'none' ? '' : String(check.fall),
    reencrypt: pool.reencrypt !== undefined,
    reencryptVerify: pool.reencrypt?.verify ?? 'ca',
    reencryptCa: pool.reencrypt?.verify === 'ca' ? pool.reencrypt.ca : '',
    reencryptSni: pool.reencrypt?.serverName ?? '',
    connectMs: String(pool.timeouts.connectMs),
    serverMs: String(pool.timeouts.serverMs),
    retries: String(pool.retries),
    servers: pool.servers.map(rowOf),
  };
}

function rowOf(rs: RealServer): ServerRow {
  return {
    rowId: newRowId('srv'),
    name: rs.name,
    address: rs.address,
    port: String(rs.port),
    weight: String(rs.weight),
    enabled: rs.enabled,
    original: rs,
  };
}

/**
 * The document the form describes, on top of `base` (the pool as the agent runs it, when
 * editing). Not validated here: the schema does that on the result.
 */
export function toPoolDocument(values: PoolFormValues, base?: Pool): Record<string, unknown> {
  const { reencrypt: _reencrypt, retries: _retries, ...kept } = base ?? {};
  const timeouts: Record<string, unknown> = { ...base?.timeouts };
  // An emptied field goes back to the schema's default, not to the value it had.
  for (const key of ['connectMs', 'serverMs'] as const) {
    const value = numberOf(values[key]);
    if (value === undefined) delete timeouts[key];
    else timeouts[key] = value;
  }
  const doc: Record<string, unknown> = {
    ...kept,
    name: values.name.trim(),
    scheduler: values.scheduler,
    persistence: persistenceOf(values, base?.persistence),
    healthCheck: healthCheckOf(values, base?.healthCheck),
    timeouts,
    ...optional('retries', numberOf(values.retries)),
    servers: values.servers.map(serverOf),
  };
  if (values.reencrypt) {
    const serverName = optional('serverName', values.reencryptSni.trim());
    doc.reencrypt =
      values.reencryptVerify === 'ca'
        ? { verify: 'ca', ca: values.reencryptCa.trim(), ...serverName }
        : { verify: 'none', ...serverName };
  }
  return doc;
}

function persistenceOf(values: PoolFormValues, base: Persistence | undefined): Record<string, unknown> {
  const timeout = optional('timeoutSeconds', numberOf(values.persistenceTimeout));
  switch (values.persistence) {
    case 'none':
      return { mode: 'none' };
    case 'source-ip':
      return { mode: 'source-ip', ...timeout };
    case 'cookie':
      return {
        // httpOnly is not in the form: keep the one the pool had.
        ...(base?.mode === 'cookie' ? { httpOnly: base.httpOnly } : {}),
        mode: 'cookie',
        ...optional('cookieName', values.cookieName.trim()),
        ...timeout,
      };
  }
}

const CHECK_COMMON = ['intervalMs', 'timeoutMs', 'rise', 'fall', 'port'] as const;

function healthCheckOf(values: PoolFormValues, base: HealthCheck | undefined): Record<string, unknown> {
  if (values.healthType === 'none') return { type: 'none' };
  // Each check type is a strict object: carry over only what the new type also has.
  const carried: Record<string, unknown> = {};
  if (base && base.type !== 'none') {
    const keys: readonly string[] =
      isHttp(base.type) && isHttp(values.healthType) ? Object.keys(base) : CHECK_COMMON;
    for (const key of keys) {
      const value = (base as Record<string, unknown>)[key];
      if (value !== undefined) carried[key] = value;
    }
  }
  // What the form shows comes from the form: an emptied field goes back to its default.
  for (const key of ['intervalMs', 'timeoutMs', 'rise', 'fall', 'path', 'method', 'host', 'expectStatus']) {
    delete carried[key];
  }
  const expect = splitList(values.healthExpect).map(Number);
  return {
    ...carried,
    type: values.healthType,
    ...optional('intervalMs', numberOf(values.healthIntervalMs)),
    ...optional('timeoutMs', numberOf(values.healthTimeoutMs)),
    ...optional('rise', numberOf(values.healthRise)),
    ...optional('fall', numberOf(values.healthFall)),
    ...(isHttp(values.healthType)
      ? {
          ...optional('path', values.healthPath.trim()),
          method: values.healthMethod,
          ...optional('host', values.healthHost.trim()),
          ...(expect.length ? { expectStatus: expect } : {}),
        }
      : {}),
  };
}

function serverOf(row: ServerRow): Record<string, unknown> {
  return {
    ...row.original,
    name: row.name.trim(),
    address: row.address.trim(),
    port: numberOf(row.port),
    ...optional('weight', numberOf(row.weight)),
    enabled: row.enabled,
  };
}

/** The pool's own fields a reload takes from the newer pool where the admin did not change them. */
const REBASED = [
  'scheduler',
  'persistence',
  'cookieName',
  'persistenceTimeout',
  'healthType',
  'healthPath',
  'healthIntervalMs',
  'healthMethod',
  'healthHost',
  'healthExpect',
  'healthTimeoutMs',
  'healthRise',
  'healthFall',
  'reencrypt',
  'reencryptVerify',
  'reencryptCa',
  'reencryptSni',
  'connectMs',
  'serverMs',
  'retries',
] as const satisfies PoolField[];

/** After a reload: the admin's edits on top of the newer pool (`opened`: what they started from). */
export function rebasePoolValues(
  values: PoolFormValues,
  opened: Pool | undefined,
  latest: Pool | undefined,
): PoolFormValues {
  const rebased =
    opened && latest ? rebaseUntouched(values, toPoolValues(opened), toPoolValues(latest), REBASED) : values;
  return { ...rebased, servers: rebaseServers(values.servers, latest) };
}

/**
 * After a reload (the revision moved on), the form's values stay the admin's, but what the form
 * hides comes from the newer pool: a server keeps its edits on top of its newer self.
 */
export function rebaseServers(rows: ServerRow[], latest: Pool | undefined): ServerRow[] {
  if (!latest) return rows;
  const byName = new Map(latest.servers.map((rs) => [rs.name, rs]));
  return rows.map((row) => {
    const newer = row.original && byName.get(row.original.name);
    return newer ? { ...row, original: newer } : row;
  });
}

/** A health check's key → the form field that edits it (its own port has none). */
const CHECK_FIELDS = {
  path: 'healthPath',
  intervalMs: 'healthIntervalMs',
  method: 'healthMethod',
  host: 'healthHost',
  expectStatus: 'healthExpect',
  timeoutMs: 'healthTimeoutMs',
  rise: 'healthRise',
  fall: 'healthFall',
} as const satisfies Record<string, PoolField>;

/** The path of a problem inside a pool → the key of the field that shows it. */
export function poolFieldOf(path: readonly PathPart[], values: PoolFormValues): string | undefined {
  const [head, next, last] = path;
  switch (head) {
    case 'name':
    case 'scheduler':
    case 'retries':
      return head;
    case 'persistence':
      if (next === 'cookieName') return 'cookieName';
      if (next === 'timeoutSeconds') return 'persistenceTimeout';
      return next === undefined || next === 'mode' ? 'persistence' : undefined;
    case 'healthCheck':
      if (next !== undefined && next in CHECK_FIELDS) return CHECK_FIELDS[next as keyof typeof CHECK_FIELDS];
      return next === undefined || next === 'type' ? 'healthType' : undefined;
    case 'reencrypt':
      if (next === 'ca') return 'reencryptCa';
      if (next === 'serverName') return 'reencryptSni';
      return 'reencryptVerify';
    case 'timeouts':
      return next === 'serverMs' ? 'serverMs' : 'connectMs';
    case 'servers': {
      const row = typeof next === 'number' ? values.servers[next] : undefined;
      const field = SERVER_FIELDS.find((f) => f === last);
      return row && field ? serverKey(row.rowId, field) : undefined;
    }
    default:
      return undefined;
  }
}

/** The fields on screen for these values: a problem for a hidden field goes to the list on top. */
export function shownPoolFields(values: PoolFormValues): Set<string> {
  const shown = new Set<string>([
    'name',
    'scheduler',
    'persistence',
    'healthType',
    'reencrypt',
    'connectMs',
    'serverMs',
    'retries',
  ]);
  const add = (...fields: PoolField[]) => fields.forEach((f) => shown.add(f));
  if (values.persistence === 'cookie') add('cookieName');
  if (values.persistence !== 'none') add('persistenceTimeout');
  if (values.healthType !== 'none') add('healthIntervalMs', 'healthTimeoutMs', 'healthRise', 'healthFall');
  if (isHttp(values.healthType)) add('healthPath', 'healthMethod', 'healthHost', 'healthExpect');
  if (values.reencrypt) add('reencryptVerify', 'reencryptSni');
  if (values.reencrypt && values.reencryptVerify === 'ca') add('reencryptCa');
  for (const row of values.servers) {
    for (const field of SERVER_FIELDS) shown.add(serverKey(row.rowId, field));
  }
  return shown;
}
