/**
 * A previewed change as sentences an admin reads before applying: what a service is (protocol,
 * where it listens, its servers) and, for a replacement, each changed field with its value
 * before and after. Field paths are config-diff's (`listen.port`, `realServers["cas2"].address`):
 * named list members are addressed by name, so they are looked up by name here too.
 */
import type { VirtualService } from '../../../shared/model/config.ts';
import type { TemplatePreview } from '../../../shared/ipc/templates.ts';

export type Change = TemplatePreview['changes'][number];

export interface FieldChange {
  path: string;
  before: string;
  after: string;
}

/** "https on 0.0.0.0:443, 2 real servers: fe01 10.0.2.11:4443, fe02 10.0.2.12:4443". */
export function describeService(vs: VirtualService): string {
  const servers = vs.realServers.map((rs) => `${rs.name} ${hostPort(rs.address, rs.port)}`);
  const count = servers.length === 1 ? '1 real server' : `${servers.length} real servers`;
  return `${vs.protocol} on ${hostPort(vs.listen.address, vs.listen.port)}, ${count}${
    servers.length ? `: ${servers.join(', ')}` : ''
  }`;
}

export function changeSummary(change: Change): string {
  switch (change.op) {
    case 'add':
      return `Add ${change.virtualService}: ${describeService(change.after)}`;
    case 'replace':
      return `Replace ${change.virtualService}: ${
        change.fields.length === 1 ? '1 field changes' : `${change.fields.length} fields change`
      }`;
    case 'remove':
      return `Remove ${change.virtualService} (${describeService(change.before)})`;
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
