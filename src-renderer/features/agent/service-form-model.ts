/**
 * The virtual-service form's values and their conversion to and from the service document (a
 * union on protocol: each protocol has only its own fields), and where each problem path of a
 * service shows in the form. Pure: no React, no DesktopApi.
 *
 * An edited service is the base of the document it becomes: what the form does not show (TLS
 * versions and ciphers, whether it is enabled) goes back as it came. Timeouts, limits and the
 * header size are fields of the form, each protocol showing only those its model has.
 */
import { ForwardedHeaders, type VirtualService } from '../../../shared/model/config.ts';
import type { PathPart } from './form-problems.ts';
import { newRowId, numberOf, optional, rebaseUntouched, splitList } from './form-values.ts';

export const PROTOCOLS = ['tcp', 'http', 'https', 'redirect'] as const satisfies VirtualService['protocol'][];
export type Protocol = (typeof PROTOCOLS)[number];
export const FORWARDED_MODES = ForwardedHeaders.options;
export const REDIRECT_STATUSES = ['301', '302', '307', '308'] as const;

/** The form fields of one content rule. */
export const RULE_FIELDS = ['name', 'hosts', 'pathPrefix', 'pool'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

export interface RuleRow {
  rowId: string;
  name: string;
  /** Host names (or *.wildcards), comma- or space-separated; empty = any host. */
  hosts: string;
  /** Empty = any path. */
  pathPrefix: string;
  /** Empty until one is chosen. */
  pool: string;
}

export interface ServiceFormValues {
  name: string;
  protocol: Protocol;
  listenAddress: string;
  listenPort: string;
  /** tcp: required; http/https: the default pool, empty = none (404 when no rule matches). */
  pool: string;
  rules: RuleRow[];
  /** Path prefixes answered 403, comma- or space-separated. */
  denyPaths: string;
  forwardedHeaders: ForwardedHeaders;
  /** Certificate names from the store, comma-separated. */
  certificates: string;
  /**
   * The certificate served to clients without SNI (tls.defaultCertificate): one of
   * `certificates`, or empty for the first. One no longer listed is dropped, not refused.
   */
  defaultCertificate: string;
  toPort: string;
  status: (typeof REDIRECT_STATUSES)[number];
  /** https: empty = the model's default (refuse with more than one certificate). */
  sniHostMismatch: '' | SniHostMismatch;
  /** https: the oldest TLS version clients may use, and the cipher profile. */
  tlsMinVersion: (typeof TLS_VERSIONS)[number];
  cipherProfile: (typeof CIPHER_PROFILES)[number];
  /** Timeouts (ms), limits and the header size; each empty = the schema's default. */
  clientHeaderMs: string;
  clientBodyMs: string;
  idleMs: string;
  tlsHandshakeMs: string;
  maxConnections: string;
  maxConnectionsPerSource: string;
  maxTunnels: string;
  minBodyRate: string;
  maxHeaderBytes: string;
}

export type SniHostMismatch = 'refuse' | 'route-by-host';
export const SNI_HOST_MISMATCH = ['', 'refuse', 'route-by-host'] as const;
export const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
export const CIPHER_PROFILES = ['modern', 'intermediate', 'legacy'] as const;

export type ServiceField = Exclude<keyof ServiceFormValues, 'rules'>;

/**
 * The timeouts, limits and other numbers each protocol's model has (each protocol is a strict
 * object: an http service turned tcp keeps its idle timeout and connection limits, not its
 * header timeout).
 */
export const NUMBER_FIELDS = {
  tcp: { timeouts: ['idleMs'], limits: ['maxConnections', 'maxConnectionsPerSource'], other: [] },
  http: {
    timeouts: ['clientHeaderMs', 'clientBodyMs', 'idleMs'],
    limits: ['maxConnections', 'maxConnectionsPerSource', 'maxTunnels', 'minBodyRate'],
    other: ['maxHeaderBytes'],
  },
  https: {
    timeouts: ['clientHeaderMs', 'clientBodyMs', 'idleMs', 'tlsHandshakeMs'],
    limits: ['maxConnections', 'maxConnectionsPerSource', 'maxTunnels', 'minBodyRate'],
    other: ['maxHeaderBytes'],
  },
  redirect: {
    timeouts: ['clientHeaderMs', 'idleMs'],
    limits: ['maxConnections', 'maxConnectionsPerSource'],
    other: [],
  },
} as const satisfies Record<
  Protocol,
  { timeouts: readonly TimeoutField[]; limits: readonly LimitField[]; other: readonly 'maxHeaderBytes'[] }
>;
type TimeoutField = 'clientHeaderMs' | 'clientBodyMs' | 'idleMs' | 'tlsHandshakeMs';
type LimitField = 'maxConnections' | 'maxConnectionsPerSource' | 'maxTunnels' | 'minBodyRate';
export type NumberField = TimeoutField | LimitField | 'maxHeaderBytes';

/** The number fields of a protocol, in the order the form shows them. */
export function numberFieldsOf(protocol: Protocol): NumberField[] {
  const f = NUMBER_FIELDS[protocol];
  return [...f.timeouts, ...f.limits, ...f.other];
}

/** The key of one content-rule input, e.g. `rule:rule-3:pool`. */
export const ruleKey = (rowId: string, field: RuleField): string => `rule:${rowId}:${field}`;

export function newRuleRow(): RuleRow {
  return { rowId: newRowId('rule'), name: '', hosts: '', pathPrefix: '', pool: '' };
}

export function emptyServiceValues(): ServiceFormValues {
  return {
    name: '',
    protocol: 'http',
    listenAddress: '0.0.0.0',
    listenPort: '',
    pool: '',
    rules: [],
    denyPaths: '',
    forwardedHeaders: 'replace',
    certificates: '',
    defaultCertificate: '',
    toPort: '443',
    status: '301',
    sniHostMismatch: '',
    tlsMinVersion: 'TLSv1.2',
    cipherProfile: 'intermediate',
    clientHeaderMs: '',
    clientBodyMs: '',
    idleMs: '',
    tlsHandshakeMs: '',
    maxConnections: '',
    maxConnectionsPerSource: '',
    maxTunnels: '',
    minBodyRate: '',
    maxHeaderBytes: '',
  };
}

export function toServiceValues(vs: VirtualService): ServiceFormValues {
  const values: ServiceFormValues = {
    ...emptyServiceValues(),
    name: vs.name,
    protocol: vs.protocol,
    listenAddress: vs.listen.address,
    listenPort: String(vs.listen.port),
    ...(vs.protocol === 'https'
      ? {
          sniHostMismatch: vs.sniHostMismatch ?? '',
          tlsMinVersion: vs.tls.minVersion,
          cipherProfile: vs.tls.cipherProfile,
        }
      : {}),
  };
  // Each number the protocol has, from the group it lives in.
  const f = NUMBER_FIELDS[vs.protocol];
  const read = (from: object, keys: readonly NumberField[]) => {
    for (const key of keys) {
      const value = (from as Record<string, unknown>)[key];
      if (value !== undefined) values[key] = String(value);
    }
  };
  read(vs.timeouts, f.timeouts);
  read(vs.limits, f.limits);
  read(vs, f.other);
  switch (vs.protocol) {
    case 'tcp':
      return { ...values, pool: vs.pool };
    case 'redirect':
      return {
        ...values,
        toPort: String(vs.toPort),
        status: String(vs.status) as ServiceFormValues['status'],
      };
    case 'http':
    case 'https':
      return {
        ...values,
        pool: vs.pool ?? '',
        rules: vs.contentRules.map((rule) => ({
          rowId: newRowId('rule'),
          name: rule.name,
          hosts: (rule.host ?? []).join(', '),
          pathPrefix: rule.pathPrefix ?? '',
          pool: rule.pool,
        })),
        denyPaths: vs.denyPaths.join(', '),
        forwardedHeaders: vs.forwardedHeaders,
        certificates: vs.protocol === 'https' ? vs.tls.certificates.join(', ') : '',
        defaultCertificate: vs.protocol === 'https' ? (vs.tls.defaultCertificate ?? '') : '',
      };
  }
}

/**
 * The document the form describes, on top of `base` (the service as the agent runs it, when
 * editing). Not validated here: the schema does that on the result.
 */
export function toServiceDocument(values: ServiceFormValues, base?: VirtualService): Record<string, unknown> {
  const protocol = values.protocol;
  const f = NUMBER_FIELDS[protocol];
  // An emptied number goes back to the schema's default, not to the value it had.
  const numbers = (keys: readonly NumberField[]) => {
    const out: Record<string, unknown> = {};
    for (const key of keys) Object.assign(out, optional(key, numberOf(values[key])));
    return out;
  };
  const doc: Record<string, unknown> = {
    name: values.name.trim(),
    ...(base ? { enabled: base.enabled } : {}),
    listen: { ...base?.listen, address: values.listenAddress.trim(), port: numberOf(values.listenPort) },
    protocol,
    ...nonEmpty('timeouts', numbers(f.timeouts)),
    ...nonEmpty('limits', numbers(f.limits)),
    ...numbers(f.other),
  };
  const pool = values.pool.trim();
  switch (protocol) {
    case 'tcp':
      // Left out when empty: the schema then says the pool is required, at its field.
      return { ...doc, ...optional('pool', pool) };
    case 'redirect':
      return { ...doc, ...optional('toPort', numberOf(values.toPort)), status: Number(values.status) };
    case 'http':
    case 'https': {
      const l7 = {
        ...doc,
        ...optional('pool', pool),
        contentRules: values.rules.map(ruleOf),
        denyPaths: splitList(values.denyPaths),
        forwardedHeaders: values.forwardedHeaders,
      };
      if (protocol === 'http') return l7;
      const certificates = splitList(values.certificates);
      // The default for clients without SNI holds while it is listed; once taken out of the
      // list, the first certificate is the default again (as the form's choice then shows).
      const byDefault = values.defaultCertificate;
      const stays = byDefault !== '' && certificates.includes(byDefault);
      // None named gives an empty list on purpose: the schema then names the problem at the field.
      return {
        ...l7,
        ...optional('sniHostMismatch', values.sniHostMismatch),
        tls: {
          minVersion: values.tlsMinVersion,
          cipherProfile: values.cipherProfile,
          certificates,
          ...(stays ? { defaultCertificate: byDefault } : {}),
        },
      };
    }
  }
}

/** A group of all defaults is left out, as a new service's document would be written. */
function nonEmpty(key: string, group: Record<string, unknown>): Record<string, unknown> {
  return Object.keys(group).length ? { [key]: group } : {};
}

function ruleOf(row: RuleRow): Record<string, unknown> {
  const hosts = splitList(row.hosts);
  return {
    name: row.name.trim(),
    ...(hosts.length ? { host: hosts } : {}),
    ...optional('pathPrefix', row.pathPrefix.trim()),
    ...optional('pool', row.pool),
  };
}

/** The path of a problem inside a service → the key of the field that shows it. */
export function serviceFieldOf(path: readonly PathPart[], values: ServiceFormValues): string | undefined {
  const [head, next, last] = path;
  switch (head) {
    case 'name':
    case 'pool':
    case 'denyPaths':
    case 'forwardedHeaders':
    case 'toPort':
    case 'status':
      return head;
    case 'protocol':
    case 'maxHeaderBytes':
    case 'sniHostMismatch':
      return head;
    case 'timeouts':
    case 'limits': {
      const group: readonly NumberField[] = NUMBER_FIELDS[values.protocol][head];
      // A whole group refused (a wrong type) shows at its first field.
      return next === undefined ? group[0] : group.find((f) => f === next);
    }
    case 'listen':
      // A bare `listen` is the "address:port already used" rule: the port is what one changes.
      return next === 'address' ? 'listenAddress' : 'listenPort';
    case 'tls':
      if (next === 'minVersion') return 'tlsMinVersion';
      if (next === 'cipherProfile') return 'cipherProfile';
      return next === 'defaultCertificate' ? 'defaultCertificate' : 'certificates';
    case 'contentRules': {
      const row = typeof next === 'number' ? values.rules[next] : undefined;
      if (!row) return undefined;
      // "needs host or pathPrefix" is about the whole rule: the hosts are where one starts.
      if (last === undefined || last === 'host') return ruleKey(row.rowId, 'hosts');
      const field = RULE_FIELDS.find((f) => f === last);
      return field ? ruleKey(row.rowId, field) : undefined;
    }
    default:
      return undefined;
  }
}

/** The fields on screen for these values: a problem for a hidden field goes to the list on top. */
export function shownServiceFields(values: ServiceFormValues): Set<string> {
  const shown = new Set<string>(['name', 'protocol', 'listenAddress', 'listenPort']);
  const add = (...fields: ServiceField[]) => fields.forEach((f) => shown.add(f));
  const l7 = values.protocol === 'http' || values.protocol === 'https';
  if (values.protocol === 'tcp' || l7) add('pool');
  if (l7) add('denyPaths', 'forwardedHeaders');
  if (values.protocol === 'https')
    add('certificates', 'defaultCertificate', 'sniHostMismatch', 'tlsMinVersion', 'cipherProfile');
  add(...numberFieldsOf(values.protocol));
  if (values.protocol === 'redirect') add('toPort', 'status');
  if (l7) {
    for (const row of values.rules) for (const field of RULE_FIELDS) shown.add(ruleKey(row.rowId, field));
  }
  return shown;
}

/** The fields a reload takes from the newer service where the admin did not change them. */
const REBASED = [
  'sniHostMismatch',
  'tlsMinVersion',
  'cipherProfile',
  'clientHeaderMs',
  'clientBodyMs',
  'idleMs',
  'tlsHandshakeMs',
  'maxConnections',
  'maxConnectionsPerSource',
  'maxTunnels',
  'minBodyRate',
  'maxHeaderBytes',
] as const satisfies (keyof ServiceFormValues)[];

/** After a reload: the admin's edits on top of the newer service (`opened`: what they started from). */
export function rebaseServiceValues(
  values: ServiceFormValues,
  opened: VirtualService | undefined,
  latest: VirtualService | undefined,
): ServiceFormValues {
  if (!opened || !latest) return values;
  return rebaseUntouched(values, toServiceValues(opened), toServiceValues(latest), REBASED);
}
