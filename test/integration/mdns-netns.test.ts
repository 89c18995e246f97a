/**
 * mDNS on real (virtual) interfaces, which loopback cannot show: the advertisement goes out only
 * where it was asked to, and its A record names the address on that link and no other. Every
 * packet stays inside network namespaces this test makes and removes:
 *
 *   ns "peerA" a1 10.77.1.2 ── veth ── a0 10.77.1.1 ┐
 *                                                   ├ ns "agent" (+ lo 127.0.0.1)
 *   ns "peerB" b1 10.77.2.2 ── veth ── b0 10.77.2.1 ┘
 *
 * This needs root and `ip netns` (CAP_SYS_ADMIN, CAP_NET_ADMIN). Without them it is skipped, and
 * mdns-loopback.test.ts still covers advertising and browsing on loopback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DiscoveredAgent } from '../../src-main/fleet/mdns-browser.ts';
import { until } from '../support/engine.ts';

const CHILD = fileURLToPath(new URL('../support/mdns-child.ts', import.meta.url));
const tag = `pt${process.pid.toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const NS = { agent: `${tag}-ag`, peerA: `${tag}-pa`, peerB: `${tag}-pb` };
const DEV = { a0: `${tag}a0`, a1: `${tag}a1`, b0: `${tag}b0`, b1: `${tag}b1` };

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ipOut(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Can this process make network namespaces? Tried once, at collection, with one that is removed again. */
function netnsAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    ip('netns', 'add', `${tag}-probe`);
    ip('netns', 'del', `${tag}-probe`);
    ip('link', 'add', `${tag}p0`, 'type', 'veth', 'peer', 'name', `${tag}p1`);
    ip('link', 'del', `${tag}p0`);
    return true;
  } catch {
    return false;
  }
}

interface Child {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  waitFor(
    pred: (line: Record<string, unknown>) => boolean,
    what: string,
    ms?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

const children: Child[] = [];

function runIn(ns: string, mode: 'advertise' | 'browse', options: object): Child {
  const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, CHILD, mode, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of waiters) w();
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const child: Child = {
    proc,
    lines,
    waitFor: (pred, what, ms = 6_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(pred);
          if (!hit) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what} in ${ns}; saw ${JSON.stringify(lines)} ${stderr}`));
        }, ms);
        waiters.add(check);
        check();
      }),
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
  children.push(child);
  return child;
}

const fingerprint = Array.from({ length: 32 }, () => 'C0').join(':');
const agentOptions = (interfaces: string[]) => {
  const id = randomUUID();
  return {
    id,
    options: {
      name: `lb-${id.slice(0, 8)}`,
      port: 7443,
      interfaces,
      txt: { id, name: 'lb', site: 'dc1', version: '0.1.0', fingerprint },
    },
  };
};
const agentsIn = (child: Child, event: 'up' | 'down', id: string) =>
  child.lines
    .filter((l) => l.event === event && (l.agent as DiscoveredAgent).txt.id === id)
    .map((l) => l.agent as DiscoveredAgent);

describe.skipIf(!netnsAvailable())('mDNS in network namespaces (veth pairs)', () => {
  beforeAll(async () => {
    for (const ns of Object.values(NS)) ip('netns', 'add', ns);
    ip('link', 'add', DEV.a0, 'netns', NS.agent, 'type', 'veth', 'peer', 'name', DEV.a1, 'netns', NS.peerA);
    ip('link', 'add', DEV.b0, 'netns', NS.agent, 'type', 'veth', 'peer', 'name', DEV.b1, 'netns', NS.peerB);
    const up = (ns: string, dev: string, cidr?: string) => {
      if (cidr) ip('-n', ns, 'addr', 'add', cidr, 'dev', dev);
      ip('-n', ns, 'link', 'set', dev, 'up');
    };
    up(NS.agent, 'lo');
    up(NS.agent, DEV.a0, '10.77.1.1/24');
    up(NS.agent, DEV.b0, '10.77.2.1/24');
    up(NS.peerA, DEV.a1, '10.77.1.2/24');
    up(NS.peerB, DEV.b1, '10.77.2.2/24');
    // A veth end has carrier only some time after its peer is up, and Node lists only interfaces
    // with carrier.
    for (const [ns, dev] of [
      [NS.agent, DEV.a0],
      [NS.agent, DEV.b0],
      [NS.peerA, DEV.a1],
      [NS.peerB, DEV.b1],
    ] as const) {
      await until(
        () => /state UP/.test(ipOut('-n', ns, 'link', 'show', 'dev', dev)),
        `${dev} to have carrier`,
        5_000,
      );
    }
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
  });
  afterAll(() => {
    // Removing a namespace removes its veth ends, and with them their peers.
    for (const ns of Object.values(NS)) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
  });

  it('advertises on the one interface it is given, with that link address only, and says goodbye there', async () => {
    const peerA = runIn(NS.peerA, 'browse', { interfaces: ['10.77.1.2'] });
    const peerB = runIn(NS.peerB, 'browse', { interfaces: ['10.77.2.2'] });
    await Promise.all([peerA, peerB].map((c) => c.waitFor((l) => l.event === 'browsing', 'the browser')));
    const { id, options } = agentOptions(['10.77.1.1']);
    const agent = runIn(NS.agent, 'advertise', options);
    await agent.waitFor((l) => l.event === 'advertising' || l.event === 'failed', 'the advertisement');
    expect(agent.lines).toContainEqual({ event: 'advertising' });
    await peerA.waitFor((l) => l.event === 'up', 'the agent on link A');
    expect(agentsIn(peerA, 'up', id)).toEqual([
      {
        name: options.name,
        host: expect.any(String),
        addresses: ['10.77.1.1'],
        port: 7443,
        txt: options.txt,
      },
    ]);
    // Long enough for the announcement repeated after one second to have gone out too.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(peerB.lines.filter((l) => l.event !== 'browsing')).toEqual([]);
    await agent.stop();
    await peerA.waitFor((l) => l.event === 'down', 'the goodbye on link A');
    expect(agentsIn(peerA, 'down', id)).toHaveLength(1);
  });

  it('advertises on several interfaces at once (names or addresses), each link hearing its own address', async () => {
    const peerA = runIn(NS.peerA, 'browse', { interfaces: [DEV.a1] });
    const peerB = runIn(NS.peerB, 'browse', { interfaces: [DEV.b1] });
    const local = runIn(NS.agent, 'browse', { interfaces: ['lo'] });
    await Promise.all(
      [peerA, peerB, local].map((c) => c.waitFor((l) => l.event === 'browsing', 'the browser')),
    );
    const { id, options } = agentOptions([DEV.a0, '10.77.2.1', 'lo']);
    const agent = runIn(NS.agent, 'advertise', options);
    await agent.waitFor(
      (l) => l.event === 'advertising' || l.event === 'failed',
      'the advertisement',
      10_000,
    );
    // Without loopback off on a0/b0, the advertisers would take each other's answers for a name conflict.
    expect(agent.lines).toContainEqual({ event: 'advertising' });
    await peerA.waitFor((l) => l.event === 'up', 'the agent on link A');
    await peerB.waitFor((l) => l.event === 'up', 'the agent on link B');
    await local.waitFor((l) => l.event === 'up', 'the agent on loopback');
    expect(agentsIn(peerA, 'up', id).map((a) => a.addresses)).toEqual([['10.77.1.1']]);
    expect(agentsIn(peerB, 'up', id).map((a) => a.addresses)).toEqual([['10.77.2.1']]);
    expect(agentsIn(local, 'up', id)[0]?.addresses).toEqual(['127.0.0.1']);
    await agent.stop();
    await Promise.all([peerA, peerB].map((c) => c.waitFor((l) => l.event === 'down', 'the goodbye')));
  });
});
