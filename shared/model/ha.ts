/**
 * An HA pair: two agents that share virtual IPs through VRRP (keepalived, driven by each agent).
 *
 * Where it lives: in `<data-dir>/ha.json`, managed by the `ha.*` methods, not in config.json.
 * The services configuration must be the same document on both members (a pair apply compares
 * and writes it whole, and its revision counts service changes); the pair description differs
 * per member (which member this one is), and a `config.apply` from a tool that does not know
 * about pairs would otherwise remove the pair with everything it left out. Both members' ha.json
 * hold the same `pair` and differ only in `self`.
 *
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { group, ObjectName } from './config-parts.ts';

export const HA_FILE_VERSION = 1;

/** VRRP priorities the agent gives keepalived: the preferred member wins an election. */
export const PRIORITY = { preferred: 150, other: 100 } as const;

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
/** One string type in the docs, checked as either family. */
export const IpAddress = z
  .string()
  .max(45)
  .refine((s) => ipv4.safeParse(s).success || ipv6.safeParse(s).success, 'use an IPv4 or IPv6 address')
  .describe('An IPv4 or IPv6 address.');

/** A Linux interface name (IFNAMSIZ: at most 15 characters), no spaces or slashes. */
export const InterfaceName = z
  .string()
  .regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'use an interface name such as eth0 (at most 15 characters)')
  .describe('A network interface, e.g. `eth0` (at most 15 characters).');

export const HaMember = z
  .object({
    name: ObjectName.describe("The member's name in the pair; `preferred` and `self` name it."),
    agentId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("The member's agent id (agent.json), so a Console finds the pair's other member."),
    address: IpAddress.describe(
      "The member's own address on `interface`: VRRP advertisements go from it (unicast_src_ip) and to it (unicast_peer).",
    ),
    interface: InterfaceName.describe(
      'The interface VRRP speaks on; virtual IPs without an interface of their own are added here.',
    ),
  })
  .strict();

export const VirtualIp = z
  .object({
    address: IpAddress.describe('The address services listen on; it moves to the member that is master.'),
    prefix: z
      .number()
      .int()
      .min(0)
      .max(128)
      .describe('Prefix length of the address on its interface, e.g. 24.'),
    interface: InterfaceName.optional().describe("Where it is added; omitted = the member's `interface`."),
  })
  .strict();

export const EngineCheck = group({
  intervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(60)
    .default(1)
    .describe(
      'How often keepalived asks the agent whether its engine serves (keepalived counts whole seconds).',
    ),
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(10_000)
    .default(1000)
    .describe('An answer slower than this is a failure.'),
  fall: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(2)
    .describe('Failures in a row before the member gives up the virtual IPs (state fault).'),
  rise: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(2)
    .describe('Successes in a row before a member in fault may hold them again.'),
});

export const HaPair = z
  .object({
    name: ObjectName.describe('The pair, as Consoles and the CLI name it.'),
    routerId: z
      .number()
      .int()
      .min(1)
      .max(255)
      .describe('VRRP virtual router id: unique among the VRRP routers that hear each other.'),
    members: z
      .array(HaMember)
      .length(2, 'a pair has exactly two members')
      .describe('The two members, each with its own address and interface.'),
    preferred: ObjectName.describe(
      'The member that holds the virtual IPs when both are well (higher priority).',
    ),
    virtualIps: z
      .array(VirtualIp)
      .min(1)
      .max(32)
      .describe('The addresses the pair serves on; services listen on them on both members.'),
    preempt: z
      .boolean()
      .default(false)
      .describe(
        'true: the preferred member takes the virtual IPs back when it returns (after `preemptDelaySeconds`); false: whoever holds them keeps them, so a return costs no second interruption.',
      ),
    preemptDelaySeconds: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(0)
      .describe('With `preempt`: how long a returning preferred member waits before taking over.'),
    advertIntervalMs: z
      .number()
      .int()
      .min(10)
      .max(40_950)
      .default(1000)
      .describe(
        'VRRP advertisement interval; the backup takes over about 3 intervals after the last one. Whole seconds when `authentication` is set (VRRPv2).',
      ),
    authentication: z
      .object({
        password: z
          .string()
          .regex(/^[A-Za-z0-9._+=@%-]{1,8}$/, 'use 1–8 letters, digits or ._+=@%-')
          .describe('Shared by both members; sent in clear in every advertisement (VRRPv2 PASS).'),
      })
      .strict()
      .optional()
      .describe(
        'VRRPv2 simple password: keeps a misconfigured neighbour out, not an attacker (RFC 5798 dropped it; omitted = VRRPv3).',
      ),
    engineCheck: EngineCheck.describe(
      'How keepalived tracks the engine: a member whose engine stops serving gives up the virtual IPs.',
    ),
  })
  .strict();

/** `<data-dir>/ha.json`: the pair and which member this agent is. */
export const HaFile = z
  .object({
    version: z.literal(HA_FILE_VERSION).default(HA_FILE_VERSION).describe('Version of this format.'),
    pair: HaPair.describe('The pair: the same on both members.'),
    self: ObjectName.describe("Which of the pair's members this agent is."),
  })
  .strict()
  .superRefine(checkPair);

export type HaFile = z.infer<typeof HaFile>;
export type HaFileInput = z.input<typeof HaFile>;
export type HaPair = z.infer<typeof HaPair>;
export type HaMember = z.infer<typeof HaMember>;
export type VirtualIp = z.infer<typeof VirtualIp>;

/** VRRP states as the agent reports them; `stopped`: keepalived is not running. */
export const HA_STATES = ['master', 'backup', 'fault', 'stopped'] as const;
export type HaState = (typeof HA_STATES)[number];

const isV6 = (address: string) => address.includes(':');

/** This member and the other one; the file is valid, so both exist. */
export function membersOf(file: Pick<HaFile, 'pair' | 'self'>): { self: HaMember; peer: HaMember } {
  const self = file.pair.members.find((m) => m.name === file.self)!;
  const peer = file.pair.members.find((m) => m.name !== file.self)!;
  return { self, peer };
}

/** The pair without its secret, for answers, events and logs. */
export function redactPair(pair: HaPair): HaPair {
  return pair.authentication ? { ...pair, authentication: { password: '********' } } : pair;
}

function checkPair(file: { pair: HaPair; self: string }, ctx: z.RefinementCtx): void {
  const { pair } = file;
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const names = pair.members.map((m) => m.name);
  if (names.length === 2 && names[0] === names[1])
    issue(['pair', 'members', 1, 'name'], `both members are named "${names[0]}"`);
  if (!names.includes(pair.preferred))
    issue(['pair', 'preferred'], `"${pair.preferred}" is not a member (${names.join(', ')})`);
  if (!names.includes(file.self)) issue(['self'], `"${file.self}" is not a member (${names.join(', ')})`);
  const [a, b] = pair.members;
  if (a && b && a.address === b.address)
    issue(['pair', 'members', 1, 'address'], `both members have the address ${a.address}`);

  // One VRRP instance speaks one address family: its members' and its virtual IPs'.
  const v6 = pair.members.some((m) => isV6(m.address));
  pair.members.forEach((m, i) => {
    if (isV6(m.address) !== v6)
      issue(
        ['pair', 'members', i, 'address'],
        'both members need addresses of the same family (IPv4 or IPv6)',
      );
  });
  const seen = new Set<string>();
  pair.virtualIps.forEach((vip, i) => {
    const at = ['pair', 'virtualIps', i];
    if (isV6(vip.address) !== v6)
      issue(
        [...at, 'address'],
        `the members speak ${v6 ? 'IPv6' : 'IPv4'}: a virtual IP must be ${v6 ? 'IPv6' : 'IPv4'} too`,
      );
    if (!isV6(vip.address) && vip.prefix > 32) issue([...at, 'prefix'], 'an IPv4 prefix is at most 32');
    if (seen.has(vip.address)) issue([...at, 'address'], `${vip.address} is listed twice`);
    seen.add(vip.address);
    if (pair.members.some((m) => m.address === vip.address))
      issue([...at, 'address'], `${vip.address} is a member's own address; a virtual IP must be another one`);
  });

  if (pair.authentication) {
    if (v6) issue(['pair', 'authentication'], 'authentication needs VRRPv2, which speaks IPv4 only');
    if (pair.advertIntervalMs % 1000 !== 0 || pair.advertIntervalMs > 255_000)
      issue(
        ['pair', 'advertIntervalMs'],
        'with authentication (VRRPv2) the interval is whole seconds, 1000–255000 ms',
      );
  }
  if (!pair.preempt && pair.preemptDelaySeconds > 0)
    issue(['pair', 'preemptDelaySeconds'], 'a preempt delay needs preempt: true');
}
