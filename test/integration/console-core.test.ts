/**
 * The Console core over real agent processes on two sites, real back ends and an openssl
 * certificate corpus: pairing into a grouped fleet, a pool and a service naming it created
 * through the config channels, a certificate pushed and bound so HTTPS through each agent shows
 * it, one drain of `pool/server` reaching every service using the pool, a pool in use refused
 * (IN_USE), a template previewed and applied per agent with pool and service changes, one agent
 * stopped failing alone, and the browser mode answering over HTTP with this core behind it.
 */
import { X509Certificate } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { RSA_LEAF_CN, type Corpus } from '../support/cert-corpus.ts';
import { type Backend } from '../support/backends.ts';
import { until } from '../support/engine.ts';
import { freePort } from '../support/ports.ts';
import { type RunningConsoleCore } from '../../src-main/core/console-core.ts';
import { FleetManager } from '../../src-main/fleet/index.ts';
import { type FleetAgent } from '../support/fleet-agent.ts';
import { startWebServer } from '../../src-main/web/server.ts';
import { servedLeaf } from '../support/tls.ts';
import { startCoreFleet, type CoreFleet } from '../support/core-fleet.ts';

const log = pino({ level: 'silent' });

let setup: CoreFleet;
let a: FleetAgent;
let b: FleetAgent;
let rs1: Backend;
let corpus: Corpus;
let dir: string;
let fleet: FleetManager;
let core: RunningConsoleCore;
let events: ConsoleEvent[];

beforeAll(async () => {
  setup = await startCoreFleet('lb', ['rs1']);
  ({ a, b, corpus, dir, fleet, core, events } = setup);
  [rs1] = setup.backends as [Backend];
}, 60_000);

afterAll(() => setup?.close());

const ids = () => [a.id, b.id];
const online = async (agentId: string) =>
  (await core.fleet.list()).sites.some((s) =>
    s.agents.some((x) => x.id === agentId && x.state.kind === 'online'),
  );

const served = (port: number, servername = RSA_LEAF_CN) => servedLeaf(port, servername);
/** The status a plain HTTP service answers on a new connection. */
const statusOverHttp = (port: number) =>
  new Promise<number>((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
/** The status an HTTPS service on 127.0.0.1 answers GET / with (its certificate is not the point here). */
const statusOverTls = (port: number) =>
  new Promise<number>((resolve, reject) => {
    const req = httpsGet(
      { host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, agent: false },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
  });
const file = (name: string) => ({ name, bytes: new Uint8Array(corpus.read(name)) });
const leafOf = (name: string) => new X509Certificate(corpus.read(name)).fingerprint256;
const httpsPorts = new Map<string, number>();

describe('ConsoleCore over real agents', () => {
  it('pairs two agents on two sites; the fleet view is grouped by site', async () => {
    for (const agent of [a, b]) {
      const paired = await core.fleet.pair({
        address: '127.0.0.1',
        port: agent.port,
        token: agent.token,
        expectedFingerprint: agent.fingerprint,
      });
      expect(paired).toMatchObject({
        fingerprint: agent.fingerprint,
        refreshed: false,
        agent: { id: agent.id },
      });
    }
    await until(async () => (await online(a.id)) && (await online(b.id)), 'both agents online', 15_000);
    const { sites } = await core.fleet.list();
    expect(sites.map((s) => [s.site, s.agents.map((x) => x.name)])).toEqual([
      ['east', ['lb-a']],
      ['west', ['lb-b']],
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'agent', agent: expect.objectContaining({ id: a.id }) }),
    );
    await expect(core.fleet.remove('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 30_000);

  it('pushes key + chain (no root) to both agents and binds it: HTTPS through each shows it', async () => {
    const www = await core.certs.inspect({
      files: [file('leaf-rsa.key'), file('leaf-rsa.pem'), file('intermediate.pem'), file('root.pem')],
      aia: false,
    });
    expect(www).toMatchObject({ pushable: true, complete: true, errors: [] });
    const first = await core.certs.push({
      inspectionId: www.inspectionId,
      targets: ids().map((agentId) => ({ agentId, name: 'www' })),
    });
    expect(first.results.map((r) => [r.agentId, r.ok])).toEqual([
      [a.id, true],
      [b.id, true],
    ]);

    // A pool and an https service naming it on each agent (its own port) serving 'www',
    // through the config channels.
    for (const agentId of ids()) {
      const port = await freePort();
      httpsPorts.set(agentId, port);
      const { revision } = await core.config.get(agentId);
      const pool = { name: 'app', servers: [{ name: 'rs1', address: '127.0.0.1', port: rs1.port }] };
      expect(await core.config.upsertPool({ agentId, expectRevision: revision, pool })).toEqual({
        revision: revision + 1,
        created: true,
      });
      const virtualService = {
        name: 'secure',
        listen: { address: '127.0.0.1', port },
        protocol: 'https',
        tls: { certificates: ['www'] },
        pool: 'app',
      };
      const upserted = await core.config.upsertVirtualService({
        agentId,
        expectRevision: revision + 1,
        virtualService,
      });
      expect(upserted).toEqual({ revision: revision + 2, created: true });
      // A second console still editing the old revision is refused, not merged.
      await expect(
        core.config.upsertVirtualService({ agentId, expectRevision: revision, virtualService }),
      ).rejects.toMatchObject({ code: 'CONFLICT', details: { currentRevision: revision + 2 } });
      // A service naming a pool the agent lacks: refused with the problem at its path.
      await expect(
        core.config.upsertVirtualService({
          agentId,
          expectRevision: revision + 2,
          virtualService: {
            ...virtualService,
            name: 'broken',
            pool: 'nope',
            listen: { port: await freePort() },
          },
        }),
      ).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        details: { problems: [{ path: 'virtualServices[1].pool', message: 'there is no pool "nope"' }] },
      });
      expect(await served(port)).toBe(leafOf('leaf-rsa.pem'));
    }

    const mail = await core.certs.inspect({ files: [file('leaf-ec-bundle.pem')], aia: false });
    expect(mail.pushable).toBe(true);
    const operationId = 'push-mail-0001';
    events.length = 0;
    const pushed = await core.certs.push({
      inspectionId: mail.inspectionId,
      operationId,
      targets: ids().map((agentId) => ({ agentId, name: 'mail', bind: ['secure'] })),
    });
    expect(pushed.operationId).toBe(operationId);
    for (const r of pushed.results)
      expect(r).toMatchObject({ ok: true, result: { name: 'mail', bound: ['secure'] } });
    for (const agentId of ids()) {
      // Bound = first in the list, served for its names; the default, for a client whose SNI names
      // no certificate, stays what it was before the push (tls.defaultCertificate keeps it).
      expect(await served(httpsPorts.get(agentId)!, 'mail.portico.test')).toBe(leafOf('leaf-ec.pem'));
      expect(await served(httpsPorts.get(agentId)!, 'lb.portico.test')).toBe(leafOf('leaf-rsa.pem'));
      const statuses = events.flatMap((e) =>
        e.type === 'progress' && e.agentId === agentId ? [e.status] : [],
      );
      expect(statuses[0]).toBe('pending');
      expect(statuses.at(-1)).toBe('ok');
    }

    const usage = await core.certs.usage();
    expect(usage.unreachable).toEqual([]);
    const mailUsage = usage.certificates.find((c) => c.fingerprint === leafOf('leaf-ec.pem'));
    expect(mailUsage?.placements.map((p) => [p.agentName, p.entry, p.usedBy])).toEqual([
      ['lb-a', 'mail', ['secure']],
      ['lb-b', 'mail', ['secure']],
    ]);
    const listed = await fleet.client(a.id)!.request('cert.list');
    // The root stayed home: leaf + intermediate only.
    expect(listed.certificates.find((c) => c.name === 'www')?.certificates).toBe(2);
  }, 60_000);

  it('drains pool/server once for every service using the pool, and refuses to remove a pool in use', async () => {
    const agentId = a.id;
    const secure = httpsPorts.get(agentId)!;
    // A second service on the same pool: plain HTTP.
    const plain = await freePort();
    let { revision } = await core.config.get(agentId);
    ({ revision } = await core.config.upsertVirtualService({
      agentId,
      expectRevision: revision,
      virtualService: {
        name: 'plain',
        listen: { address: '127.0.0.1', port: plain },
        protocol: 'http',
        pool: 'app',
      },
    }));
    expect((await fetch(`http://127.0.0.1:${plain}/`)).headers.get('x-backend')).toBe('rs1');
    // The agent's one status, as the Agent screen reads it: the new service counted its request,
    // the pool member the requests of every service using it.
    const status = await core.health.status(agentId);
    expect(status.agentId).toBe(agentId);
    expect(status.virtualServices.find((vs) => vs.name === 'plain')).toMatchObject({
      protocol: 'http',
      requests: 1,
      responses: { '2xx': 1 },
    });
    const rs1Status = status.pools.find((p) => p.name === 'app')?.servers.find((m) => m.key === 'app/rs1');
    expect(rs1Status?.requests).toBeGreaterThanOrEqual(1);
    const member = () =>
      fleet
        .view()
        .flatMap((g) => g.agents)
        .find((x) => x.id === agentId)
        ?.pools.find((p) => p.name === 'app');
    await until(() => member()?.usedBy.length === 2, 'the view to show both services on the pool', 5_000);
    expect(member()?.usedBy).toEqual(['secure', 'plain']);

    events.length = 0;
    ({ revision } = await core.config.setRealServerEnabled({
      agentId,
      pool: 'app',
      server: 'rs1',
      enabled: false,
      expectRevision: revision,
    }));
    // One action, both services: no server is left to answer either of them.
    expect((await fetch(`http://127.0.0.1:${plain}/`)).status).toBe(503);
    expect(await statusOverTls(secure)).toBe(503);
    // One server, one key: no entry per service using the pool (the refetch after the config
    // event may repeat it, never under another name).
    const changes = () => events.flatMap((e) => (e.type === 'health' ? e.changes : []));
    await until(
      () => changes().some((c) => c.server.key === 'app/rs1' && c.server.state === 'disabled'),
      'the disabled event',
      5_000,
    );
    const keys = changes().flatMap((c) => (c.agentId === agentId ? [c.server.key] : []));
    expect(new Set(keys)).toEqual(new Set(['app/rs1']));
    await until(() => member()?.servers[0]?.enabled === false, 'the view to show it drained', 5_000);

    ({ revision } = await core.config.setRealServerEnabled({
      agentId,
      pool: 'app',
      server: 'rs1',
      enabled: true,
      expectRevision: revision,
    }));
    expect((await fetch(`http://127.0.0.1:${plain}/`)).status).toBe(200);

    await expect(
      core.config.removePool({ agentId, name: 'app', expectRevision: revision }),
    ).rejects.toMatchObject({
      code: 'IN_USE',
      details: { usedBy: ['secure', 'plain'] },
    });
    await expect(
      core.config.removePool({ agentId, name: 'nope', expectRevision: revision }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    ({ revision } = await core.config.removeVirtualService({
      agentId,
      name: 'plain',
      expectRevision: revision,
    }));
    // Its listener is closed: a new connection is refused (fetch's keep-alive one would drain).
    await expect(statusOverHttp(plain)).rejects.toThrow(/ECONNREFUSED/);
    const spare = await core.config.upsertPool({
      agentId,
      pool: { name: 'spare' },
      expectRevision: revision,
    });
    expect(spare).toEqual({ revision: revision + 1, created: true });
    expect(await core.config.removePool({ agentId, name: 'spare', expectRevision: revision + 1 })).toEqual({
      revision: revision + 2,
    });
    expect((await core.config.get(agentId)).config.pools.map((p) => p.name)).toEqual(['app']);
  }, 30_000);

  it('previews, then applies lync-reverse-proxy on both agents, with results per agent', async () => {
    const templates = await core.templates.list();
    expect(templates.templates.map((t) => t.template.id)).toContain('lync-reverse-proxy');
    const params = {
      listenAddress: '127.0.0.1',
      httpsPort: await freePort(),
      httpPort: await freePort(),
      certificate: 'www',
      backendVerify: 'none',
      servers: [
        { name: 'fe01', address: '127.0.0.1' },
        { name: 'fe02', address: '127.0.0.2' },
      ],
    };
    const preview = await core.templates.preview({ template: 'lync-reverse-proxy', params, agentIds: ids() });
    const created = [
      { kind: 'pool', name: 'lync-fe-https' },
      { kind: 'pool', name: 'lync-fe-http' },
      { kind: 'virtualService', name: 'lync-https' },
      { kind: 'virtualService', name: 'lync-http' },
    ];
    const revisions = preview.results.map((r) => {
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      expect(r.result.changes.map((c) => ({ kind: c.kind, name: c.name, op: c.op }))).toEqual(
        created.map((ref) => ({ ...ref, op: 'add' })),
      );
      return { agentId: r.agentId, expectRevision: r.result.revision };
    });
    // Both agents run on this host, where an address:port another process holds is refused:
    // each applies on its own loopback address, as each appliance has its own.
    for (const [i, target] of revisions.entries()) {
      const applied = await core.templates.apply({
        template: 'lync-reverse-proxy',
        params: { ...params, listenAddress: `127.0.0.${i + 1}` },
        targets: [target],
      });
      expect(applied.results).toHaveLength(1);
      expect(applied.results[0]).toMatchObject({
        ok: true,
        result: { created, replaced: [], unchanged: [] },
      });
    }
    // Applying again against the now stale revision is refused per agent.
    const stale = await core.templates.apply({ template: 'lync-reverse-proxy', params, targets: revisions });
    expect(stale.results.map((r) => !r.ok && r.error.code)).toEqual(['CONFLICT', 'CONFLICT']);
  }, 60_000);

  it('serves the same core to a browser: listAgents and healthSnapshot over HTTP with the secret', async () => {
    const web = await startWebServer({ core, staticDir: join(dir, 'no-renderer'), log });
    try {
      const call = async (channel: string) => {
        const res = await fetch(`http://127.0.0.1:${web.port}/api/${channel}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${web.secret}`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(res.status).toBe(200);
        return (await res.json()) as {
          result: { sites: { site: string; agents: Record<string, unknown>[] }[] };
        };
      };
      const agents = await call('listAgents');
      expect(agents.result.sites.map((s) => s.site)).toEqual(['east', 'west']);
      await until(
        async () => {
          const { result } = await call('healthSnapshot');
          return result.sites.every((s) =>
            s.agents.every(
              (x) =>
                (x.virtualServices as { name: string }[]).some((v) => v.name === 'secure') &&
                (x.pools as { name: string; usedBy: string[] }[]).some((p) => p.usedBy.includes('secure')),
            ),
          );
        },
        'the health view to show the new services',
        10_000,
      );
      const refused = await fetch(`http://127.0.0.1:${web.port}/api/listAgents`, {
        method: 'POST',
        body: '{}',
      });
      expect(refused.status).toBe(401);
    } finally {
      await web.close();
    }
  }, 30_000);

  it('with one agent stopped, its result is an error and the other succeeds', async () => {
    await b.stop();
    await until(async () => !(await online(b.id)), 'agent b offline', 15_000);
    const { revision } = await core.config.get(a.id);
    const result = await core.templates.apply({
      template: 'http-redirect',
      params: { listenAddress: '127.0.0.1', port: await freePort() },
      targets: [
        { agentId: a.id, expectRevision: revision },
        { agentId: b.id, expectRevision: 0 },
      ],
    });
    expect(result.results[0]).toMatchObject({ agentId: a.id, ok: true });
    expect(result.results[1]).toMatchObject({ agentId: b.id, ok: false, error: { code: 'AGENT_OFFLINE' } });
    await expect(core.config.get(b.id)).rejects.toMatchObject({ code: 'AGENT_OFFLINE' });
    await expect(core.health.status(b.id)).rejects.toMatchObject({ code: 'AGENT_OFFLINE' });
    const usage = await core.certs.usage();
    expect(usage.unreachable.map((u) => u.agentId)).toEqual([b.id]);
  }, 30_000);
});
