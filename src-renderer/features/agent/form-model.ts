/**
 * The virtual-service form's values and their conversion to and from the configuration
 * document. Pure: no React, no DesktopApi.
 *
 * Inputs hold strings (what the admin typed), so a half-typed port stays on screen and the
 * schema, not this file, decides what is wrong with it. An edited service is the base of the
 * document it becomes: every field the form does not show (timeouts, content rules, deny paths,
 * a real server's maxConnections …) goes back to the agent as it came.
 */
import {
  type HealthCheck,
  type Persistence,
  type RealServer,
  Scheduler,
  type VirtualService,
} from '../../../shared/model/config.ts';

/** "redirect" is not a protocol: it is an http service with a `redirect` block (port 80 → HTTPS). */
export const SERVICE_TYPES = ['tcp', 'http', 'https', 'redirect'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const SCHEDULERS = Scheduler.options;
export const PERSISTENCE_MODES = ['none', 'source-ip', 'cookie'] as const satisfies Persistence['mode'][];
export const HEALTH_TYPES = ['none', 'tcp', 'http', 'https'] as const satisfies HealthCheck['type'][];

/** The form fields of one real server; booleans need no text. */
export const REAL_SERVER_FIELDS = ['name', 'address', 'port', 'weight', 'enabled'] as const;
export type RealServerField = (typeof REAL_SERVER_FIELDS)[number];

export interface RealServerRow {
  /** Stable across adds and removes, so React keys and problems stay on the right row. */
  rowId: string;
  name: string;
  address: string;
  port: string;
  weight: string;
  enabled: boolean;
  /** The server as the agent runs it, when the row was loaded: the fields the form hides. */
  original?: RealServer;
}

export interface FormValues {
  name: string;
  type: ServiceType;
  listenAddress: string;
  listenPort: string;
  scheduler: VirtualService['scheduler'];
  persistence: Persistence['mode'];
  /** Empty = the schema's default (PORTICO). */
  cookieName: string;
  healthType: HealthCheck['type'];
  /** Empty = the schema's default ("/"). */
  healthPath: string;
  /** Empty = the schema's default (5000). */
  healthIntervalMs: string;
  /** The default (first) certificate; any further ones of the service are kept after it. */
  certificate: string;
  redirectPort: string;
  reencrypt: boolean;
  reencryptVerify: 'ca' | 'none';
  reencryptCa: string;
  /** Empty = the real server's address. */
  reencryptSni: string;
  realServers: RealServerRow[];
}

/** Each field the form shows, by a key problems are filed under. */
export type ServiceField = Exclude<keyof FormValues, 'realServers'>;

/** The key of one real-server input, e.g. `rs:rs-3:port`. */
export const realServerKey = (rowId: string, field: RealServerField): string => `rs:${rowId}:${field}`;

let lastRowId = 0;
export const newRowId = (): string => `rs-${++lastRowId}`;

export function newRealServerRow(): RealServerRow {
  return { rowId: newRowId(), name: '', address: '', port: '', weight: '1', enabled: true };
}

export function emptyValues(): FormValues {
  return {
    name: '',
    type: 'http',
    listenAddress: '0.0.0.0',
    listenPort: '',
    scheduler: 'round-robin',
    persistence: 'none',
    cookieName: '',
    healthType: 'none',
    healthPath: '',
    healthIntervalMs: '',
    certificate: '',
    redirectPort: '443',
    reencrypt: false,
    reencryptVerify: 'ca',
    reencryptCa: '',
    reencryptSni: '',
    realServers: [],
  };
}

export function serviceType(vs: Pick<VirtualService, 'protocol' | 'redirect'>): ServiceType {
  return vs.redirect ? 'redirect' : vs.protocol;
}

export function toFormValues(vs: VirtualService): FormValues {
  const check = vs.healthCheck;
  return {
    name: vs.name,
    type: serviceType(vs),
    listenAddress: vs.listen.address,
    listenPort: String(vs.listen.port),
    scheduler: vs.scheduler,
    persistence: vs.persistence.mode,
    cookieName: vs.persistence.mode === 'cookie' ? vs.persistence.cookieName : '',
    healthType: check.type,
    healthPath: check.type === 'http' || check.type === 'https' ? check.path : '',
    healthIntervalMs: check.type === 'none' ? '' : String(check.intervalMs),
    certificate: vs.tls?.certificates[0] ?? '',
    redirectPort: String(vs.redirect?.toPort ?? 443),
    reencrypt: vs.reencrypt !== undefined,
    reencryptVerify: vs.reencrypt?.verify ?? 'ca',
    reencryptCa: vs.reencrypt?.verify === 'ca' ? vs.reencrypt.ca : '',
    reencryptSni: vs.reencrypt?.serverName ?? '',
    realServers: vs.realServers.map(rowOf),
  };
}

function rowOf(rs: RealServer): RealServerRow {
  return {
    rowId: newRowId(),
    name: rs.name,
    address: rs.address,
    port: String(rs.port),
    weight: String(rs.weight),
    enabled: rs.enabled,
    original: rs,
  };
}

/**
 * A typed number, or undefined when empty (the schema then applies its default or says the
 * field is required). "12abc" becomes NaN, which the schema refuses: the admin sees why.
 */
function numberOf(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

/** Sets `key` only when there is a value: absent keys get the schema's default. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, V>);
}

/**
 * The document the form describes, on top of `base` (the service as the agent runs it, when
 * editing). Not validated here: the schema does that on the result.
 */
export function toDocument(values: FormValues, base?: VirtualService): Record<string, unknown> {
  const { tls: _tls, redirect: _redirect, reencrypt: _reencrypt, ...kept } = base ?? {};
  const doc: Record<string, unknown> = {
    ...kept,
    name: values.name.trim(),
    protocol: values.type === 'redirect' ? 'http' : values.type,
    listen: {
      ...base?.listen,
      address: values.listenAddress.trim(),
      port: numberOf(values.listenPort),
    },
    scheduler: values.scheduler,
    persistence: persistenceOf(values, base?.persistence),
    healthCheck: healthCheckOf(values, base?.healthCheck),
    realServers: values.realServers.map(realServerOf),
  };
  if (values.type === 'https') {
    const certificate = values.certificate.trim();
    const others = (base?.tls?.certificates ?? []).slice(1).filter((c) => c !== certificate);
    // An empty name yields an empty list on purpose: the schema then names the problem at the field.
    doc.tls = { ...base?.tls, certificates: certificate === '' ? [] : [certificate, ...others] };
  }
  if (values.type === 'redirect') {
    doc.redirect = { ...base?.redirect, toPort: numberOf(values.redirectPort) };
  }
  if (values.reencrypt) {
    const serverName = optional('serverName', values.reencryptSni.trim());
    doc.reencrypt =
      values.reencryptVerify === 'ca'
        ? { verify: 'ca', ca: values.reencryptCa.trim(), ...serverName }
        : { verify: 'none', ...serverName };
  }
  return doc;
}

function persistenceOf(values: FormValues, base: Persistence | undefined): Record<string, unknown> {
  switch (values.persistence) {
    case 'none':
      return { mode: 'none' };
    case 'source-ip':
      // The timeout is not in the form: keep the one the service had.
      return { ...(base?.mode === 'source-ip' ? base : {}), mode: 'source-ip' };
    case 'cookie':
      return {
        ...(base?.mode === 'cookie' ? base : {}),
        mode: 'cookie',
        ...optional('cookieName', values.cookieName.trim()),
      };
  }
}

const CHECK_COMMON = ['intervalMs', 'timeoutMs', 'rise', 'fall', 'port'] as const;

function healthCheckOf(values: FormValues, base: HealthCheck | undefined): Record<string, unknown> {
  if (values.healthType === 'none') return { type: 'none' };
  const isHttp = (t: string | undefined) => t === 'http' || t === 'https';
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
  return {
    ...carried,
    type: values.healthType,
    ...optional('intervalMs', numberOf(values.healthIntervalMs)),
    ...(isHttp(values.healthType) ? optional('path', values.healthPath.trim()) : {}),
  };
}

function realServerOf(row: RealServerRow): Record<string, unknown> {
  return {
    ...row.original,
    name: row.name.trim(),
    address: row.address.trim(),
    port: numberOf(row.port),
    ...optional('weight', numberOf(row.weight)),
    enabled: row.enabled,
  };
}

/**
 * After a reload (the revision moved on), the form's values stay the admin's, but what the form
 * hides comes from the newer service: a real server keeps its edits on top of its newer self.
 */
export function rebaseRows(rows: RealServerRow[], latest: VirtualService | undefined): RealServerRow[] {
  if (!latest) return rows;
  // Names are unique across a service's groups (the schema checks), so a name finds one server.
  const byName = new Map(
    [...latest.realServers, ...latest.contentRules.flatMap((r) => r.realServers)].map((rs) => [rs.name, rs]),
  );
  return rows.map((row) => {
    const newer = row.original && byName.get(row.original.name);
    return newer ? { ...row, original: newer } : row;
  });
}

/** The fields on screen for these values: a problem for a hidden field goes to the list on top. */
export function shownFields(values: FormValues): Set<string> {
  const shown = new Set<string>([
    'name',
    'type',
    'listenAddress',
    'listenPort',
    'scheduler',
    'persistence',
    'healthType',
    'reencrypt',
  ]);
  const add = (...fields: ServiceField[]) => fields.forEach((f) => shown.add(f));
  if (values.persistence === 'cookie') add('cookieName');
  if (values.healthType !== 'none') add('healthIntervalMs');
  if (values.healthType === 'http' || values.healthType === 'https') add('healthPath');
  if (values.type === 'https') add('certificate');
  if (values.type === 'redirect') add('redirectPort');
  if (values.reencrypt) add('reencryptVerify', 'reencryptSni');
  if (values.reencrypt && values.reencryptVerify === 'ca') add('reencryptCa');
  for (const row of values.realServers) {
    for (const field of REAL_SERVER_FIELDS) shown.add(realServerKey(row.rowId, field));
  }
  return shown;
}
