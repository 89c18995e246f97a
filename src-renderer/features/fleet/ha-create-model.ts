/**
 * The "create an HA pair" form's values, checked field by field in plain words, then as the
 * agents check a pair (shared/model/ha.ts: the same family on both members, a virtual IP that is
 * no member's own address…), each problem put on the field it is about. Pure: tested in
 * ha-create-model.test.ts.
 */
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { CreatePairParams } from '../../../shared/ipc/ha.ts';
import { HaFile, InterfaceName, IpAddress } from '../../../shared/model/ha.ts';
import { ObjectName } from '../../../shared/model/config-parts.ts';

export interface MemberValues {
  agentId: string;
  address: string;
  interface: string;
}

export interface CreatePairValues {
  name: string;
  routerId: string;
  members: [MemberValues, MemberValues];
  /** 0 or 1: which member is preferred. */
  preferred: 0 | 1;
  /** One per line: `192.0.2.10/24`, or `192.0.2.10/24 on eth1`. */
  virtualIps: string;
  preempt: boolean;
}

export type CreatePairField =
  | 'name'
  | 'routerId'
  | 'virtualIps'
  | `member${0 | 1}.agentId`
  | `member${0 | 1}.address`
  | `member${0 | 1}.interface`
  | 'form';

export type CreatePairProblems = Partial<Record<CreatePairField, string>>;

export const EMPTY_PAIR: CreatePairValues = {
  name: '',
  routerId: '',
  members: [
    { agentId: '', address: '', interface: 'eth0' },
    { agentId: '', address: '', interface: 'eth0' },
  ],
  preferred: 0,
  virtualIps: '',
  preempt: false,
};

const VIP_LINE = /^(\S+)\/(\d{1,3})(?:\s+on\s+(\S+))?$/;

/** The values as the channel's params, or every problem by field. */
export function checkCreatePair(
  values: CreatePairValues,
  agentName: (agentId: string) => string,
): { ok: true; params: ParamsInput<'createPair'> } | { ok: false; problems: CreatePairProblems } {
  const problems: CreatePairProblems = {};
  const name = values.name.trim();
  if (!name) problems.name = 'Give the pair a name, e.g. edge.';
  else if (!ObjectName.safeParse(name).success)
    problems.name = 'A pair name is 1–63 letters, digits, "-" or "_", starting with a letter or digit.';

  const routerId = Number(values.routerId.trim());
  if (!values.routerId.trim() || !Number.isInteger(routerId) || routerId < 1 || routerId > 255)
    problems.routerId =
      'The router id is a whole number from 1 to 255 that no other VRRP router on this network uses.';

  values.members.forEach((m, i) => {
    const at = `member${i as 0 | 1}` as const;
    if (!m.agentId) problems[`${at}.agentId`] = 'Choose an agent.';
    if (!m.address.trim())
      problems[`${at}.address`] = "Give this member's own address on the interface, e.g. 192.0.2.11.";
    else if (!IpAddress.safeParse(m.address.trim()).success)
      problems[`${at}.address`] = `"${m.address.trim()}" is not an IPv4 or IPv6 address.`;
    if (!InterfaceName.safeParse(m.interface.trim()).success)
      problems[`${at}.interface`] = 'Use an interface name such as eth0 (at most 15 characters, no spaces).';
  });
  if (values.members[0].agentId && values.members[0].agentId === values.members[1].agentId)
    problems['member1.agentId'] = 'Choose another agent: a pair has two different members.';

  const lines = values.virtualIps
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const virtualIps: { address: string; prefix: number; interface?: string }[] = [];
  if (lines.length === 0)
    problems.virtualIps = 'Give at least one virtual IP with its prefix length, e.g. 192.0.2.10/24.';
  for (const [n, line] of lines.entries()) {
    const m = VIP_LINE.exec(line);
    const where = lines.length > 1 ? `Line ${n + 1} ("${line}")` : `"${line}"`;
    if (!m) {
      problems.virtualIps ??= `${where}: write an address and its prefix length, e.g. 192.0.2.10/24 (or 192.0.2.10/24 on eth1).`;
      continue;
    }
    if (!IpAddress.safeParse(m[1]).success) {
      problems.virtualIps ??= `${where}: "${m[1]}" is not an IPv4 or IPv6 address.`;
      continue;
    }
    if (m[3] !== undefined && !InterfaceName.safeParse(m[3]).success) {
      problems.virtualIps ??= `${where}: "${m[3]}" is not an interface name such as eth1.`;
      continue;
    }
    virtualIps.push({ address: m[1]!, prefix: Number(m[2]), ...(m[3] ? { interface: m[3] } : {}) });
  }
  if (Object.keys(problems).length) return { ok: false, problems };

  const params = {
    name,
    routerId,
    members: values.members.map((m) => ({
      agentId: m.agentId,
      address: m.address.trim(),
      interface: m.interface.trim(),
    })),
    preferred: values.members[values.preferred].agentId,
    virtualIps,
    preempt: values.preempt,
  } satisfies ParamsInput<'createPair'>;

  // As the agents will check it: what only the whole pair shows.
  const names = values.members.map((m) => agentName(m.agentId));
  const pair = {
    name,
    routerId,
    members: params.members.map((m, i) => ({ name: names[i]!, address: m.address, interface: m.interface })),
    preferred: names[values.preferred]!,
    virtualIps,
    preempt: values.preempt,
  };
  const whole = HaFile.safeParse({ version: 1, pair, self: names[0] });
  const channel = CreatePairParams.safeParse(params);
  const issues = [
    ...(whole.success ? [] : whole.error.issues.map((i) => ({ path: i.path.slice(1), message: i.message }))),
    ...(channel.success ? [] : channel.error.issues.map((i) => ({ path: i.path, message: i.message }))),
  ];
  for (const issue of issues) {
    const field = fieldOf(issue.path.map(String).join('.'));
    problems[field] ??= sentence(issue.message, field, issue.path, names);
  }
  return Object.keys(problems).length ? { ok: false, problems } : { ok: true, params };
}

/** A problem path (`members.1.address`, `virtualIps.0.address`, `self`) → the form's field. */
export function fieldOf(path: string): CreatePairField {
  const member = /^members\.([01])\.(agentId|address|interface|name)/.exec(path);
  if (member) {
    const key = member[2] === 'name' ? 'agentId' : member[2];
    return `member${Number(member[1]) as 0 | 1}.${key as 'agentId' | 'address' | 'interface'}`;
  }
  if (path.startsWith('virtualIps')) return 'virtualIps';
  if (path === 'name') return 'name';
  if (path === 'routerId') return 'routerId';
  return 'form';
}

function sentence(message: string, field: CreatePairField, path: PropertyKey[], names: string[]): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  // An agent's name is the member's name in the pair: say which agent cannot be one.
  if (path.join('.').match(/^members\.[01]\.name$/)) {
    const i = Number(path[1]);
    return `The agent's name "${names[i]}" cannot name a pair member: ${message}. Rename the agent (--name) first.`;
  }
  return field === 'form' ? `${text}.` : text.endsWith('.') ? text : `${text}.`;
}

/** Problems the Console or an agent answered with (details.problems: path, message) → fields. */
export function problemsFromAnswer(details: unknown): CreatePairProblems {
  const list = (details as { problems?: unknown } | undefined)?.problems;
  if (!Array.isArray(list)) return {};
  const problems: CreatePairProblems = {};
  for (const p of list as { path?: unknown; message?: unknown }[]) {
    if (typeof p.message !== 'string') continue;
    const field = fieldOf(typeof p.path === 'string' ? p.path : '');
    problems[field] ??= p.message;
  }
  return problems;
}
