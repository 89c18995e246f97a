/**
 * An HA pair in network namespaces, for the HA tests and the soak's failover row:
 *
 *   ns lan: br0 ─┬─ ns lb1    eth0 10.91.0.1/24  agent + keepalived, back end 127.0.0.1:8080 says "lb1"
 *                ├─ ns lb2    eth0 10.91.0.2/24  agent + keepalived, back end 127.0.0.1:8080 says "lb2"
 *                └─ ns client eth0 10.91.0.9/24  requests to the virtual IP 10.91.0.100
 *
 * Both members run the same config.json (service "web" on VIP:80, pool "app" = their own back
 * end, so an answer names the member that served it) and the same pair in ha.json, each with
 * its own `self`. Short VRRP adverts (200 ms) and a one-strike engine check keep failovers
 * quick; net.ipv4.ip_nonlocal_bind=1 in the members' namespaces lets the backup listen on the
 * virtual IP it does not hold.
 */
import { execFileSync } from 'node:child_process';
import type { HaFileInput } from '../../shared/model/ha.ts';
import { addressesIn, childIn, createLan, sysctlIn, type Lan, type NsChild } from './netns.ts';
import { startAgentIn, type NsAgent } from './ns-agent.ts';

export const VIP = '10.91.0.100';
export const MEMBERS = { lb1: '10.91.0.1', lb2: '10.91.0.2' } as const;
const CLIENT = '10.91.0.9';

export const LAB_CONFIG = {
  version: 2,
  pools: [{ name: 'app', servers: [{ name: 'local', address: '127.0.0.1', port: 8080 }] }],
  virtualServices: [{ name: 'web', protocol: 'http', listen: { address: VIP, port: 80 }, pool: 'app' }],
};

export function labPair(overrides: Partial<HaFileInput['pair']> = {}): HaFileInput['pair'] {
  return {
    name: 'edge',
    routerId: 51,
    members: [
      { name: 'lb1', address: MEMBERS.lb1, interface: 'eth0' },
      { name: 'lb2', address: MEMBERS.lb2, interface: 'eth0' },
    ],
    preferred: 'lb1',
    virtualIps: [{ address: VIP, prefix: 24 }],
    advertIntervalMs: 200,
    engineCheck: { intervalSeconds: 1, timeoutMs: 500, fall: 1, rise: 1 },
    ...overrides,
  };
}

export interface HaLab {
  lan: Lan;
  ns: { lb1: string; lb2: string; client: string };
  lb1: NsAgent;
  lb2: NsAgent;
  /** Which member's namespace holds the virtual IP now (undefined: none; both: split brain). */
  holder(): 'lb1' | 'lb2' | 'both' | undefined;
  /** The prefix of its namespaces. */
  tag(): string;
  /** Starts closed-loop keep-alive clients on the virtual IP (netns-child.ts `load`). */
  load(connections: number, timeoutMs: number, maxMs: number): Promise<NsChild>;
  /** Starts a client sending a GET to the virtual IP every `everyMs`. */
  client(everyMs: number, timeoutMs: number, max?: number): Promise<NsChild>;
  remove(): Promise<void>;
}

export interface LabOptions {
  pair?: Partial<HaFileInput['pair']>;
  /** Extra agent arguments (e.g. --engine haproxy). */
  args?: string[];
  /** false: no ha.json; the agents start in no pair (for `portico ha create`). */
  paired?: boolean;
}

export async function startHaLab(prefix: string, opts: LabOptions = {}): Promise<HaLab> {
  const lan = createLan(prefix);
  const children: NsChild[] = [];
  const agents: NsAgent[] = [];
  const remove = async () => {
    await Promise.all(agents.map((a) => a.dispose().catch(() => undefined)));
    await Promise.all(children.map((c) => c.stop()));
    lan.remove();
  };
  try {
    const ns = {
      lb1: await lan.addHost('lb1', `${MEMBERS.lb1}/24`),
      lb2: await lan.addHost('lb2', `${MEMBERS.lb2}/24`),
      client: await lan.addHost('client', `${CLIENT}/24`),
    };
    for (const member of ['lb1', 'lb2'] as const) {
      sysctlIn(ns[member], 'net.ipv4.ip_nonlocal_bind', '1');
      const backend = childIn(ns[member], 'backend', '127.0.0.1:8080', member);
      children.push(backend);
      await backend.waitFor((l) => l.event === 'ready', 'back end ready');
    }
    const pair = labPair(opts.pair);
    const start = async (member: 'lb1' | 'lb2') => {
      const agent = await startAgentIn(ns[member], {
        name: member,
        config: LAB_CONFIG,
        ...(opts.paired === false ? {} : { ha: { version: 1, pair, self: member } }),
        ...(opts.args ? { args: opts.args } : {}),
      });
      agents.push(agent);
      return agent;
    };
    const holder = () => {
      const has = (m: 'lb1' | 'lb2') => addressesIn(ns[m]).includes(VIP);
      const [a, b] = [has('lb1'), has('lb2')];
      return a && b ? 'both' : a ? 'lb1' : b ? 'lb2' : undefined;
    };
    // The preferred member first, so it is master before the other starts listening for it.
    const lb1 = await start('lb1');
    if (opts.paired !== false)
      await waitUntil(() => holder() === 'lb1', 'lb1 to hold the virtual IP', 10_000).catch((err: Error) => {
        throw new Error(`${err.message}; lb1 said:\n${haLog(lb1)}`);
      });
    const lb2 = await start('lb2');
    return {
      lan,
      ns,
      lb1,
      lb2,
      holder,
      tag: () => lan.tag,
      async load(connections, timeoutMs, maxMs) {
        const c = childIn(
          ns.client,
          'load',
          `http://${VIP}/`,
          String(connections),
          String(timeoutMs),
          String(maxMs),
        );
        children.push(c);
        await c.waitFor((l) => (l as { event?: string }).event === 'ready', 'load ready');
        return c;
      },
      async client(everyMs, timeoutMs, max) {
        const c = childIn(
          ns.client,
          'client',
          `http://${VIP}/`,
          String(everyMs),
          String(timeoutMs),
          ...(max ? [String(max)] : []),
        );
        children.push(c);
        await c.waitFor((l) => l.event === 'ready', 'client ready');
        return c;
      },
      remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** The agent's HA lines (its own and keepalived's), for failure messages. */
export function haLog(agent: NsAgent): string {
  return agent.logs
    .filter((l) => l.component === 'ha' || l.level === 50 || l.level === 40)
    .map(
      (l) =>
        `${String(l.msg)} ${JSON.stringify({ ...l, msg: undefined, time: undefined, pid: undefined, hostname: undefined })}`,
    )
    .join('\n');
}

/** Is Debian's keepalived here (PATH or /usr/sbin)? */
export function keepalivedInstalled(): boolean {
  for (const binary of ['keepalived', '/usr/sbin/keepalived']) {
    try {
      execFileSync(binary, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      // not there
    }
  }
  return false;
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

export interface Recovery {
  /** ms from the fault to the first answer from `by` after which every answer was a success. */
  recoveryMs: number;
  /** Requests started after the fault that failed. */
  failed: number;
  /** Requests started after the fault. */
  sent: number;
}

/** Reads a client's lines: how long after `faultAt` answers from `by` came back for good. */
export function recoveryOf(
  lines: Record<string, unknown>[],
  faultAt: number,
  by: string,
): Recovery | undefined {
  const after = lines
    .filter((l) => typeof l.t === 'number' && (l.t as number) >= faultAt)
    .sort((x, y) => (x.t as number) - (y.t as number));
  let firstGood: Record<string, unknown> | undefined;
  for (const l of after) {
    if (l.ok && l.body === by) firstGood ??= l;
    else firstGood = undefined;
  }
  if (!firstGood) return undefined;
  return {
    recoveryMs: (firstGood.t as number) + (firstGood.ms as number) - faultAt,
    failed: after.filter((l) => !l.ok).length,
    sent: after.length,
  };
}
