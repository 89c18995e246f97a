/**
 * A previewed change as sentences an admin reads before applying: what a pool is (its servers)
 * or a virtual service (protocol, where it listens, the pools it sends to) and, for a
 * replacement, each changed field with its value before and after. Field paths are
 * config-diff's (`listen.port`, `servers["cas2"].address`): named list members are addressed by
 * name, so they are looked up by name here too.
 *
 * The one wording of a change: the Console's template preview and activity view, and
 * `portico template apply --dry-run`, all say it with these functions. Runtime-neutral.
 */
import type { ObjectKind, ObjectRef } from '../model/config-diff.ts';
import { poolsOf, type Pool, type VirtualService } from '../model/config.ts';
import type { ResultOf } from '../protocol/methods.ts';

export type Change = ResultOf<'template.preview'>['changes'][number];

export interface FieldChange {
  path: string;
  before: string;
  after: string;
}

const KIND_WORDS: Record<ObjectKind, string> = { pool: 'pool', virtualService: 'virtual service' };

/** "pool lync-fe", "virtual service lync-https". */
export function refText(ref: ObjectRef): string {
  return `${KIND_WORDS[ref.kind]} ${ref.name}`;
}

/** "pools a, b and virtual service c": refs grouped by kind, pools first. */
export function refsText(refs: readonly ObjectRef[]): string {
  const phrase = (kind: ObjectKind) => {
    const names = refs.filter((r) => r.kind === kind).map((r) => r.name);
    if (names.length === 0) return '';
    return `${KIND_WORDS[kind]}${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
  };
  return [phrase('pool'), phrase('virtualService')].filter(Boolean).join(' and ');
}

/** "2 real servers: fe01 10.0.2.11:4443, fe02 10.0.2.12:4443". */
export function describePool(pool: Pool): string {
  const servers = pool.servers.map((rs) => `${rs.name} ${hostPort(rs.address, rs.port)}`);
  const count = servers.length === 1 ? '1 real server' : `${servers.length} real servers`;
  return `${count}${servers.length ? `: ${servers.join(', ')}` : ''}`;
}

/** "https on 0.0.0.0:443 → pool lync-fe", "redirect on 0.0.0.0:80 to port 443 (301)". */
export function describeService(vs: VirtualService): string {
  const where = `${vs.protocol} on ${hostPort(vs.listen.address, vs.listen.port)}`;
  if (vs.protocol === 'redirect') return `${where} to port ${vs.toPort} (${vs.status})`;
  const pools = poolsOf(vs);
  if (pools.length === 0) return `${where}, no pool (404 for every request)`;
  return `${where} → pool${pools.length === 1 ? '' : 's'} ${pools.join(', ')}`;
}

/**
 * The wire carries the object next to its kind, not typed by it (one union for both kinds):
 * the kind says which it is, as the agent's diff wrote it.
 */
function describeObject(kind: ObjectKind, value: Pool | VirtualService): string {
  return kind === 'pool' ? describePool(value as Pool) : describeService(value as VirtualService);
}

export function changeSummary(change: Change): string {
  const what = refText(change);
  switch (change.op) {
    case 'add':
      return `Add ${what}: ${describeObject(change.kind, change.after)}`;
    case 'replace':
      return `Replace ${what}: ${
        change.fields.length === 1 ? '1 field changes' : `${change.fields.length} fields change`
      }`;
    case 'remove':
      return `Remove ${what} (${describeObject(change.kind, change.before)})`;
  }
}

/** Each changed field of a replacement with its value before and after. */
export function fieldChanges(change: Extract<Change, { op: 'replace' }>): FieldChange[] {
  return change.fields.map((path) => ({
    path,
    before: formatValue(valueAt(change.before, path)),
    after: formatValue(valueAt(change.after, path)),
  }));
}

const TOKEN = /\.?([^.[\]]+)|\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]/gy;

/** The value at a config-diff path; undefined when it is absent on that side. */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < path.length && (m = TOKEN.exec(path))) {
    if (node === undefined || node === null) return undefined;
    if (m[1] !== undefined) node = (node as Record<string, unknown>)[m[1]];
    else if (m[2] !== undefined) {
      const name = JSON.parse(m[2]) as string;
      node = Array.isArray(node)
        ? node.find((x) => typeof x === 'object' && x !== null && (x as { name?: unknown }).name === name)
        : undefined;
    } else node = Array.isArray(node) ? node[Number(m[3])] : undefined;
  }
  return node;
}

const MAX_VALUE_CHARS = 120;

/** Short text for a value: scalars as they are, a real server as "name address:port", else JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (isServer(value)) {
    const weight = value.weight === undefined ? '' : `, weight ${String(value.weight)}`;
    return `${value.name} ${hostPort(value.address, value.port)}${weight}`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function isServer(v: unknown): v is { name: string; address: string; port: number; weight?: unknown } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.name === 'string' && typeof o.address === 'string' && typeof o.port === 'number';
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
