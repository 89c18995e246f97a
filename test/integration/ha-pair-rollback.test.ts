/**
 * The rollback of an HA pair's apply (src-main/fleet/ha-pair.ts applyToPair, step 4): the
 * configuration passes config.validate on both members, the first member applies it, and the
 * second member's config.apply refuses; the first must then run its previous configuration
 * again. Two real agent processes on 127.0.0.1, reached through the Console's own agent client;
 * the pair's transaction does not need keepalived (no member holds virtual IPs, so the first
 * member given applies first), so the agents are in no pair. A real refusal only an apply
 * finds, made to happen exactly between the pair's validation and its apply: another admin
 * changes the second member meanwhile (its own session), and the pair's apply, guarded by the
 * revision it read, is refused as a conflict. (An address:port taken between validation and
 * apply is the same path; it is not staged here: with both members on one host, their
 * concurrent validations probe the same port and one may see the other's probe.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentConfig, AgentConfigInput } from '../../shared/model/config.ts';
import { AgentClient } from '../../src-main/fleet/agent-client.ts';
import { applyToPair, PairError, readPair, type PairMember } from '../../src-main/fleet/ha-pair.ts';
import { until } from '../support/engine.ts';
import { startFleetAgent, type FleetAgent } from '../support/fleet-agent.ts';
import { QUICK_TUNING } from '../support/quick-tuning.ts';

const BASE = {
  version: 2,
  pools: [{ name: 'app', servers: [{ name: 'a', address: '127.0.0.1', port: 8080 }] }],
  virtualServices: [],
} satisfies AgentConfigInput;

/** A configuration without what each member counts for itself (`revision`) or an editor's hint. */
function body(config: AgentConfig): Omit<AgentConfig, 'revision' | '$schema'> {
  const { revision: _revision, $schema: _schema, ...rest } = config;
  return rest;
}

describe('a pair apply the second member refuses is rolled back on the first', () => {
  const agents: FleetAgent[] = [];
  const clients: AgentClient[] = [];
  let lb1: FleetAgent;
  let lb2: FleetAgent;
  let c1: AgentClient;
  let c2: AgentClient;
  /** Another admin's session on lb2, apart from the pair's. */
  let admin2: AgentClient;

  async function connect(agent: FleetAgent): Promise<AgentClient> {
    const client = new AgentClient({
      endpoint: { address: '127.0.0.1', port: agent.port, fingerprint: agent.fingerprint },
      token: () => agent.token,
      tuning: QUICK_TUNING,
    });
    clients.push(client);
    client.start();
    await until(() => client.state.kind === 'online', `${agent.name} online`, 15_000);
    return client;
  }

  /**
   * A member as the Console's core makes one (src-main/core/ha-core.ts memberLink), with a test
   * hook: `beforeApply` runs once, just before the first config.apply is forwarded.
   */
  function member(agent: FleetAgent, client: AgentClient, beforeApply?: () => Promise<void>): PairMember {
    let hook = beforeApply;
    return {
      agentId: agent.id,
      name: agent.name,
      request: async (method, params) => {
        if (method === 'config.apply' && hook) {
          const run = hook;
          hook = undefined;
          await run();
        }
        return client.request(method, params);
      },
    };
  }

  /** Both members run `config` (each applies it directly); their revisions after. */
  async function inSync(config: AgentConfigInput): Promise<[number, number]> {
    const revisions = await Promise.all(
      [c1, c2].map(async (c) => {
        const { revision } = await c.request('config.get');
        return (await c.request('config.apply', { config, expectRevision: revision })).revision;
      }),
    );
    return revisions as [number, number];
  }

  beforeAll(async () => {
    [lb1, lb2] = await Promise.all([
      startFleetAgent({ name: 'lb1', site: 'pair' }),
      startFleetAgent({ name: 'lb2', site: 'pair' }),
    ]);
    agents.push(lb1, lb2);
    [c1, c2, admin2] = await Promise.all([connect(lb1), connect(lb2), connect(lb2)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await Promise.all(agents.map((a) => a.dispose()));
  }, 60_000);

  it('another admin changes the second member between the validation and its apply: CONFLICT there, the first member back as it was', async () => {
    const [r1, r2] = await inSync(BASE);
    const before = await c1.request('config.get');
    const change = { ...BASE, pools: [...BASE.pools, { name: 'extra', servers: [] }] };
    let meanwhile = 0;
    // The other admin drains lb2's server a just before the pair's apply reaches lb2.
    const lb2Member = member(lb2, c2, async () => {
      meanwhile = (
        await admin2.request('realServer.setEnabled', {
          pool: 'app',
          server: 'a',
          enabled: false,
        })
      ).revision;
    });

    const err = await applyToPair([member(lb1, c1), lb2Member], change).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(meanwhile).toBe(r2 + 1);
    expect(err).toBeInstanceOf(PairError);
    expect((err as PairError).code).toBe('ROLLED_BACK');
    expect((err as PairError).message).toMatch(
      new RegExp(
        `^lb2 refused it after lb1 applied it; on lb1 its previous configuration is back: .*expected revision ${r2} but the agent is at revision ${r2 + 1}`,
      ),
    );
    // lb1 applied it (revision r1 + 1 holds the change) and ran its previous configuration
    // again as revision r1 + 2.
    const after1 = await c1.request('config.get');
    expect(after1.revision).toBe(r1 + 2);
    expect(body(after1.config)).toEqual(body(before.config));
    const applied = await c1.request('config.revision', { revision: r1 + 1 });
    expect(applied.config.pools.map((p) => p.name)).toEqual(['app', 'extra']);
    const audit = await c1.request('audit.list', { limit: 2 });
    expect(audit.entries.map((e) => [e.action, e.ok, e.revision])).toEqual([
      ['config.apply', true, r1 + 2],
      ['config.apply', true, r1 + 1],
    ]);
    // lb2 has the other admin's change only: the pair drifts, and says which member is ahead.
    const after2 = await c2.request('config.get');
    expect(after2.revision).toBe(r2 + 1);
    expect(after2.config.pools.map((p) => p.name)).toEqual(['app']);
    expect(after2.config.pools[0]!.servers[0]!.enabled).toBe(false);
    const pair = await readPair([member(lb1, c1), member(lb2, c2)]);
    expect(pair.sync).toMatchObject({ kind: 'drift', differs: [{ kind: 'pool', name: 'app' }] });
  }, 60_000);
});
