/**
 * The Console core's daily-tool actions (issue 16) over two real agent processes: a template
 * preview that says where the apply would fail (a certificate missing on one agent) and the
 * retry of that agent after the push; one back end drained on every agent at once; the
 * activity of both agents with what a revision changed and a rollback; deleting a certificate
 * copy (refused while used).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../support/backends.ts';
import { startCoreFleet, type CoreFleet } from '../support/core-fleet.ts';
import { pairOnline } from '../support/pair-online.ts';
import { freePort } from '../support/ports.ts';

let setup: CoreFleet;
let rs: Backend;
beforeAll(async () => {
  setup = await startCoreFleet('daily', ['rs']);
  [rs] = setup.backends as [Backend];
  const { core, a, b } = setup;
  await pairOnline(core.fleet, [a, b], 15_000);
}, 60_000);
afterAll(() => setup?.close());

const file = (name: string) => ({ name, bytes: new Uint8Array(setup.corpus.read(name)) });
const www = async () =>
  (
    await setup.core.certs.inspect({
      files: [file('leaf-rsa.key'), file('leaf-rsa.pem'), file('intermediate.pem')],
      aia: false,
    })
  ).inspectionId;

describe('the Console as a daily tool, over real agents', () => {
  let params: Record<string, unknown>;

  it('previews exactly what the apply will do: an agent without the certificate is said, fixed, retried', async () => {
    const { core, a, b } = setup;
    const pushed = await core.certs.push({
      inspectionId: await www(),
      targets: [{ agentId: a.id, name: 'www' }],
    });
    expect(pushed.results[0]).toMatchObject({ ok: true });
    params = {
      listenAddress: '127.0.0.1',
      port: await freePort(),
      certificate: 'www',
      servers: [{ name: 'web1', address: '127.0.0.1' }],
      serverPort: rs.port,
    };
    const preview = await core.templates.preview({
      template: 'https-offload',
      params,
      agentIds: [a.id, b.id],
    });
    expect(preview.results[0]).toMatchObject({ agentId: a.id, ok: true });
    const refused = preview.results[1]!;
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error).toMatchObject({
      code: 'INVALID_CONFIG',
      details: { storeProblems: [{ kind: 'certificate', name: 'www', reason: 'missing' }] },
    });
    expect(refused.error.message).toBe(
      `Applying here would fail: certificate "www", named by virtual service https-offload, is not in daily-b's store: push it to daily-b (Certificates), then retry.`,
    );
    // Without the check the apply would be tried there and refused by the engine: it is, as said.
    const revisionB = (await core.config.get(b.id)).revision;
    const blind = await core.templates.apply({
      template: 'https-offload',
      params,
      targets: [{ agentId: b.id, expectRevision: revisionB }],
    });
    // In the agent's words, without the method name ("template.apply: …") in front.
    expect(blind.results[0]).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CONFIG', message: expect.stringMatching(/^the configuration is not valid: /) },
    });

    const okA = preview.results[0]!;
    if (!okA.ok) return;
    const applied = await core.templates.apply({
      template: 'https-offload',
      params,
      targets: [{ agentId: a.id, expectRevision: okA.result.revision }],
    });
    expect(applied.results[0]).toMatchObject({ ok: true });

    // The fix, then the retry of the failed agent alone (on its own port: both agents run on this
    // host, and the agent refuses an address another process holds).
    await core.certs.push({ inspectionId: await www(), targets: [{ agentId: b.id, name: 'www' }] });
    params = { ...params, port: await freePort() };
    const again = await core.templates.preview({ template: 'https-offload', params, agentIds: [b.id] });
    const retried = again.results[0]!;
    expect(retried.ok).toBe(true);
    if (!retried.ok) return;
    const appliedB = await core.templates.apply({
      template: 'https-offload',
      params,
      targets: [{ agentId: b.id, expectRevision: retried.result.revision }],
    });
    expect(appliedB.results[0], JSON.stringify(appliedB.results[0])).toMatchObject({ ok: true });
  }, 60_000);

  it('drains one back end on both agents in one action, each change its own revision', async () => {
    const { core, a, b } = setup;
    const before = await Promise.all([a.id, b.id].map((id) => core.config.get(id)));
    const targets = [a.id, b.id].map((agentId) => ({ agentId, pool: 'https-offload', server: 'web1' }));
    const drained = await core.config.setServersEnabled({ targets, enabled: false });
    expect(drained.results.map((r) => r.ok && r.result)).toEqual([
      { changed: ['https-offload/web1'], already: [], revision: before[0]!.revision + 1 },
      { changed: ['https-offload/web1'], already: [], revision: before[1]!.revision + 1 },
    ]);
    for (const id of [a.id, b.id]) {
      const { config } = await core.config.get(id);
      expect(config.pools.find((p) => p.name === 'https-offload')?.servers[0]?.enabled).toBe(false);
    }
    // Asked again: nothing to do, no empty revision.
    const again = await core.config.setServersEnabled({ targets, enabled: false });
    expect(again.results.map((r) => r.ok && r.result.already)).toEqual([
      ['https-offload/web1'],
      ['https-offload/web1'],
    ]);
    // A server an agent does not have is said, naming it; the other agent still changes.
    const mixed = await core.config.setServersEnabled({
      targets: [
        { agentId: a.id, pool: 'https-offload', server: 'nope' },
        { agentId: b.id, pool: 'https-offload', server: 'web1' },
      ],
      enabled: true,
    });
    expect(mixed.results[0]).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('https-offload/nope') },
    });
    expect(mixed.results[1]).toMatchObject({ ok: true, result: { changed: ['https-offload/web1'] } });
  }, 30_000);

  it('shows both agents’ activity with what a revision changed, and rolls one back', async () => {
    const { core, a, b } = setup;
    const fleetActivity = await core.activity.list({ limit: 200 });
    expect(new Set(fleetActivity.entries.map((e) => e.agentName))).toEqual(new Set(['daily-a', 'daily-b']));
    const drainA = fleetActivity.entries.find((e) => e.agentId === a.id && e.action === 'realServer.drain');
    expect(drainA).toMatchObject({ ok: true, actor: { peer: expect.stringMatching(/127\.0\.0\.1/) } });
    // Newest first across agents.
    const times = fleetActivity.entries.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);
    const onlyB = await core.activity.list({ agentId: b.id, limit: 200 });
    expect(onlyB.entries.every((e) => e.agentId === b.id)).toBe(true);

    const diff = await core.activity.changes({ agentId: a.id, revision: drainA!.revision! });
    expect(diff.changes).toEqual([
      expect.objectContaining({
        op: 'replace',
        kind: 'pool',
        name: 'https-offload',
        fields: ['servers["web1"].enabled'],
      }),
    ]);

    const running = (await core.config.get(a.id)).revision;
    const back = await core.activity.rollback({
      agentId: a.id,
      revision: drainA!.revision! - 1,
      expectRevision: running,
    });
    expect(back).toEqual({ revision: running + 1 });
    const { config } = await core.config.get(a.id);
    expect(config.pools.find((p) => p.name === 'https-offload')?.servers[0]?.enabled).toBe(true);
    const [latest] = (await core.activity.list({ agentId: a.id, limit: 1 })).entries;
    expect(latest).toMatchObject({
      action: 'config.rollback',
      revision: running + 1,
      detail: { toRevision: drainA!.revision! - 1 },
    });
    await expect(
      core.activity.rollback({ agentId: a.id, revision: drainA!.revision! - 1, expectRevision: running }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  }, 30_000);

  it('deletes a certificate copy no service uses, and refuses one in use naming the service', async () => {
    const { core, a } = setup;
    await expect(core.certs.remove({ agentId: a.id, name: 'www' })).rejects.toMatchObject({
      code: 'IN_USE',
      details: { usedBy: ['https-offload'] },
    });
    await core.certs.push({ inspectionId: await www(), targets: [{ agentId: a.id, name: 'spare' }] });
    expect(await core.certs.remove({ agentId: a.id, name: 'spare' })).toEqual({
      agentId: a.id,
      name: 'spare',
    });
    const listed = await setup.fleet.client(a.id)!.request('cert.list');
    expect(listed.certificates.map((c) => c.name)).toEqual(['www']);
  }, 30_000);
});
