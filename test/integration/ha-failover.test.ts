/**
 * Two members of an HA pair in network namespaces (test/support/ha-lab.ts), each agent driving
 * its own keepalived: the preferred member holds the virtual IP and serves; when its agent dies
 * or its engine stops serving, the other member takes the IP and the client's requests succeed
 * again; a member that returns comes back as backup, or takes the IP back when the pair
 * preempts; `ha.failover` moves the IP on purpose. The tests run in order on one lab.
 * Needs root, `ip netns` and keepalived (scripts/setup.sh installs it); skipped without them.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventNotification } from '../../shared/protocol/events.ts';
import { HaStatus } from '../../shared/protocol/ha.ts';
import type { TestClient } from '../support/mgmt-agent.ts';
import { netnsAvailable } from '../support/netns.ts';
import type { NsAgent } from '../support/ns-agent.ts';
import {
  haLog,
  keepalivedInstalled,
  labPair,
  recoveryOf,
  startHaLab,
  waitUntil,
  type HaLab,
} from '../support/ha-lab.ts';

const available = netnsAvailable() && keepalivedInstalled();
/** The goal for a client to be served again; asserted with a margin for a loaded 2-core machine. */
const GOAL_MS = 3_000;
const BOUND_MS = 4_500;

/** Waits for a member's VRRP state; fails with its last status and HA log lines. */
async function stateBecomes(agent: NsAgent, state: HaStatus['state'], ms = 10_000): Promise<void> {
  let last: HaStatus | undefined;
  await waitUntil(
    async () => {
      last = await status(agent);
      return last.state === state;
    },
    `${agent.name} to be ${state}`,
    ms,
  ).catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(last)}\n${haLog(agent)}`);
  });
}

async function status(agent: NsAgent): Promise<HaStatus> {
  const c = await agent.client();
  try {
    return HaStatus.parse(await c.result('ha.status'));
  } finally {
    c.close();
  }
}

/** keepalived processes running the agent's configuration (found by their command line). */
function keepalivedsOf(agent: NsAgent): number[] {
  return processesOf(agent, 'keepalived');
}

/** Processes of `program` whose command line names the agent's data dir. */
function processesOf(agent: NsAgent, program: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.split('\0')[0]!.endsWith(program) && cmdline.includes(agent.dataDir))
      pids.push(Number(entry));
  }
  return pids;
}

const haEvents = (c: TestClient) =>
  c.events
    .filter((e): e is Extract<EventNotification['params'], { topic: 'ha' }> => e.topic === 'ha')
    .map((e) => e.data);

describe.skipIf(!available)('HA pair in network namespaces', () => {
  let lab: HaLab;
  beforeAll(async () => {
    lab = await startHaLab('haf');
    await stateBecomes(lab.lb2, 'backup');
  }, 60_000);
  afterAll(async () => {
    await lab?.remove();
  }, 60_000);

  /** Kills or freezes `from`, measures until the client is served by `to` for good, and prints it. */
  async function failOver(what: string, fault: () => void, to: 'lb1' | 'lb2') {
    const client = await lab.client(50, 1000, 400);
    await client.waitFor((l) => l.ok === true, 'a first answer');
    const faultAt = Date.now();
    fault();
    await waitUntil(
      () => {
        const r = recoveryOf(client.lines, faultAt, to);
        return r !== undefined && Date.now() - faultAt - r.recoveryMs > 1_000;
      },
      `answers from ${to} for a second after: ${what}`,
      15_000,
    );
    await client.stop();
    const r = recoveryOf(client.lines, faultAt, to)!;
    console.log(
      `HA ${what}: served by ${to} again after ${r.recoveryMs} ms (goal ${GOAL_MS} ms); ${r.failed} of ${r.sent} requests started after it failed (one every 50 ms, 1 s timeout)`,
    );
    return r;
  }

  it('the preferred member holds the virtual IP and serves; the other is backup; metrics and agent.info say so', async () => {
    expect(await status(lab.lb1)).toMatchObject({
      configured: true,
      self: 'lb1',
      state: 'master',
      priority: 150,
      engine: { serving: true },
      keepalived: { running: true, restarts: 0 },
      problems: [],
    });
    expect(await status(lab.lb2)).toMatchObject({
      self: 'lb2',
      state: 'backup',
      priority: 100,
      problems: [],
    });
    expect(lab.holder()).toBe('lb1');
    const client = await lab.client(50, 1000, 10);
    await client.waitFor(() => client.lines.filter((l) => 'ok' in l).length >= 10, 'ten answers');
    expect(client.lines.filter((l) => 'ok' in l).map((l) => l.body)).toEqual(Array(10).fill('lb1'));
    await client.stop();

    const metrics = await lab.lb1.metrics();
    expect(metrics).toContain('portico_ha_state{pair="edge",member="lb1",state="master"} 1');
    expect(metrics).toContain('portico_ha_state{pair="edge",member="lb1",state="backup"} 0');
    expect(metrics).toContain('portico_ha_engine_serving{pair="edge",member="lb1"} 1');
    const c = await lab.lb2.client();
    expect((await c.result('agent.info')).ha).toMatchObject({ pair: 'edge', self: 'lb2', state: 'backup' });
    c.close();
  }, 30_000);

  it('killing the master agent (SIGKILL) moves the virtual IP: the client is served by the other within the bound', async () => {
    const watcher = await lab.lb2.client();
    await watcher.result('events.subscribe', { topics: ['ha'] });
    const r = await failOver('agent SIGKILLed', () => lab.lb1.signal('SIGKILL'), 'lb2');
    expect(r.recoveryMs).toBeLessThanOrEqual(BOUND_MS);
    expect(lab.holder()).toBe('lb2');
    await watcher.waitForEvent((e) => e.topic === 'ha' && e.data.to === 'master');
    expect(haEvents(watcher)).toContainEqual(
      expect.objectContaining({
        pair: 'edge',
        member: 'lb2',
        from: 'backup',
        to: 'master',
        reason: expect.stringMatching(/higher priority/),
      }),
    );
    watcher.close();
    // keepalived died with its agent (setpriv --pdeathsig): nothing holds or advertises for lb1.
    await waitUntil(() => keepalivedsOf(lab.lb1).length === 0, "lb1's keepalived to exit", 10_000);
  }, 60_000);

  it('the old master comes back as backup (no preemption): the virtual IP stays where it is', async () => {
    await lab.lb1.start();
    await stateBecomes(lab.lb1, 'backup');
    // Well past three adverts: a member that preempted would have done so by now.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(lab.holder()).toBe('lb2');
    expect(await status(lab.lb2)).toMatchObject({ state: 'master' });
    expect((await status(lab.lb1)).lastTransition).toMatchObject({ from: 'stopped', to: 'backup' });
  }, 30_000);

  it('an engine that stops serving (the master agent frozen, SIGSTOP) gives up the virtual IP; thawed, it comes back as backup', async () => {
    const watcher = await lab.lb1.client();
    await watcher.result('events.subscribe', { topics: ['ha'] });
    try {
      const r = await failOver(
        'engine stopped serving (agent SIGSTOPped)',
        () => lab.lb2.signal('SIGSTOP'),
        'lb1',
      );
      expect(r.recoveryMs).toBeLessThanOrEqual(BOUND_MS);
      expect(lab.holder()).toBe('lb1');
    } finally {
      lab.lb2.signal('SIGCONT');
    }
    await stateBecomes(lab.lb2, 'backup');
    const s2 = await status(lab.lb2);
    expect(s2.lastTransition).toMatchObject({
      from: 'fault',
      to: 'backup',
      reason: expect.stringMatching(/serves again/),
    });
    expect(lab.holder()).toBe('lb1');
    watcher.close();
  }, 60_000);

  it('ha.failover moves the virtual IP on purpose and holds the member out; then it is backup', async () => {
    const c1 = await lab.lb1.client();
    const client = await lab.client(50, 1000, 200);
    await client.waitFor((l) => l.ok === true, 'a first answer');
    const asked = Date.now();
    const answer = HaStatus.parse(await c1.result('ha.failover', { holdSeconds: 3 }));
    expect(answer.state).toBe('fault');
    expect(answer.lastTransition).toMatchObject({
      from: 'master',
      to: 'fault',
      reason: 'failover requested',
    });
    expect(answer.failoverUntil).toBeDefined();
    expect(answer.engine).toMatchObject({
      serving: false,
      reason: expect.stringMatching(/failover requested/),
    });
    await waitUntil(() => lab.holder() === 'lb2', 'lb2 to hold the virtual IP', 5_000);
    await waitUntil(
      () => {
        const r = recoveryOf(client.lines, asked, 'lb2');
        return r !== undefined && Date.now() - asked - r.recoveryMs > 500;
      },
      'answers from lb2',
      10_000,
    );
    await client.stop();
    const r = recoveryOf(client.lines, asked, 'lb2')!;
    console.log(
      `HA ha.failover: served by lb2 after ${r.recoveryMs} ms; ${r.failed} of ${r.sent} requests failed`,
    );
    expect(r.recoveryMs).toBeLessThanOrEqual(BOUND_MS);
    // A second failover on a member that is not master is refused with its state.
    const again = await c1.call('ha.failover', { holdSeconds: 1 });
    expect(again).toMatchObject({ error: { code: -32010, data: { state: 'fault' } } });
    await stateBecomes(lab.lb1, 'backup');
    expect(lab.holder()).toBe('lb2');
    c1.close();
  }, 60_000);

  it('with preempt: true (ha.set on both) the preferred member takes the virtual IP back', async () => {
    for (const agent of [lab.lb2, lab.lb1]) {
      const c = await agent.client();
      const s = HaStatus.parse(
        await c.result('ha.set', { ha: { version: 1, pair: labPair({ preempt: true }), self: agent.name } }),
      );
      expect(s).toMatchObject({ configured: true, pair: { preempt: true }, problems: [] });
      c.close();
    }
    await waitUntil(() => lab.holder() === 'lb1', 'lb1 to take the virtual IP back', 10_000);
    expect((await status(lab.lb1)).lastTransition).toMatchObject({
      to: 'master',
      reason: expect.stringMatching(/preempt/),
    });
    expect((await status(lab.lb2)).state).toBe('backup');
  }, 30_000);

  it('ha.set refuses what keepalived refuses (an interface this member lacks) and changes nothing', async () => {
    const c = await lab.lb2.client();
    const bad = labPair({
      preempt: true,
      virtualIps: [{ address: '10.91.0.100', prefix: 24, interface: 'nosuch0' }],
    });
    const answer = await c.call('ha.set', { ha: { version: 1, pair: bad, self: 'lb2' } });
    expect(answer).toMatchObject({
      error: {
        code: -32003,
        data: { problems: expect.arrayContaining([expect.objectContaining({ path: 'keepalived' })]) },
      },
    });
    const schema = await c.call('ha.set', {
      ha: { version: 1, pair: { ...bad, preferred: 'lb9' }, self: 'lb2' },
    });
    expect(schema).toMatchObject({
      error: { code: -32003, data: { problems: [{ path: 'pair.preferred' }] } },
    });
    const s = await status(lab.lb2);
    expect(s).toMatchObject({
      state: 'backup',
      pair: { virtualIps: [{ address: '10.91.0.100', prefix: 24 }] },
    });
    expect(JSON.parse(readFileSync(`${lab.lb2.dataDir}/ha.json`, 'utf8'))).toMatchObject({
      pair: { preempt: true },
    });
    c.close();
  }, 30_000);

  it('SIGHUP runs ha.json as edited by hand; a removed ha.json leaves the pair', async () => {
    const file = `${lab.lb2.dataDir}/ha.json`;
    writeFileSync(
      file,
      JSON.stringify({ version: 1, pair: labPair({ preempt: true, preemptDelaySeconds: 5 }), self: 'lb2' }),
    );
    lab.lb2.signal('SIGHUP');
    await waitUntil(
      async () => (await status(lab.lb2)).pair?.preemptDelaySeconds === 5,
      'the edited pair to run',
      10_000,
    );
    writeFileSync(file, '{"version": 1, "pair": {}}');
    lab.lb2.signal('SIGHUP');
    await waitUntil(
      async () => (await status(lab.lb2)).problems.length > 0,
      'the refused file reported',
      10_000,
    );
    const refused = await status(lab.lb2);
    expect(refused).toMatchObject({ configured: true, state: 'backup', pair: { preemptDelaySeconds: 5 } });
    rmSync(file);
    lab.lb2.signal('SIGHUP');
    await waitUntil(async () => !(await status(lab.lb2)).configured, 'lb2 to leave the pair', 10_000);
    expect(await status(lab.lb2)).toMatchObject({ configured: false, state: 'stopped', problems: [] });
    expect(keepalivedsOf(lab.lb2)).toEqual([]);
    expect(lab.holder()).toBe('lb1');
  }, 30_000);
});

function haproxyInstalled(): boolean {
  return existsSync('/usr/sbin/haproxy') || existsSync('/usr/bin/haproxy');
}

describe.skipIf(!available || !haproxyInstalled())(
  'HA pair on the haproxy engine: the engine alone fails',
  () => {
    let lab: HaLab;
    beforeAll(async () => {
      lab = await startHaLab('hah', { args: ['--engine', 'haproxy'] });
      await stateBecomes(lab.lb2, 'backup');
    }, 60_000);
    afterAll(async () => {
      await lab?.remove();
    }, 60_000);

    it('HAProxy killed again each time the agent restarts it: the agent lives, the virtual IP moves', async () => {
      expect(processesOf(lab.lb1, 'haproxy').length).toBeGreaterThan(0);
      const client = await lab.client(50, 1000, 400);
      await client.waitFor((l) => l.ok === true && l.body === 'lb1', 'an answer from lb1');
      const faultAt = Date.now();
      // The agent restarts a crashed HAProxy after 0.5 s, then 1 s, 2 s…: killing every HAProxy of
      // lb1 for a few seconds is an engine that keeps failing, which the engine check must see.
      const until = Date.now() + 5_000;
      while (Date.now() < until && lab.holder() !== 'lb2') {
        for (const pid of processesOf(lab.lb1, 'haproxy')) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone already
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(lab.lb1.alive()).toBe(true);
      await waitUntil(
        () => {
          const r = recoveryOf(client.lines, faultAt, 'lb2');
          return r !== undefined && Date.now() - faultAt - r.recoveryMs > 1_000;
        },
        'answers from lb2',
        15_000,
      );
      await client.stop();
      const r = recoveryOf(client.lines, faultAt, 'lb2')!;
      console.log(
        `HA haproxy engine killed (agent alive): served by lb2 after ${r.recoveryMs} ms; ${r.failed} of ${r.sent} failed`,
      );
      expect(r.recoveryMs).toBeLessThanOrEqual(BOUND_MS + 1_000);
      const s1 = await status(lab.lb1);
      expect(s1.lastTransition?.reason ?? '').toMatch(/engine|check/);
      // Left alone, the agent's HAProxy comes back and lb1 is a backup again.
      await stateBecomes(lab.lb1, 'backup', 20_000);
      expect(lab.holder()).toBe('lb2');
    }, 60_000);
  },
);
