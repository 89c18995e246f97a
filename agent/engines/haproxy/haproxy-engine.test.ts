/**
 * The haproxy engine with a real HAProxy (master-worker, its sockets in a temp data dir) in
 * front of real back ends on loopback: what the agent promises of any engine — transactions,
 * runtime changes without reloads, health events, counters that survive reloads, restarts —
 * and what only this engine has to get right (haproxy -c, a refused reload, a crash).
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentConfig, type AgentConfigInput } from '../../../shared/model/config.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import { StatsSnapshot } from '../../../shared/protocol/stats.ts';
import { silentLogger } from '../../log.ts';
import { ApplyError } from '../data-plane.ts';
import { startBackends, type Backend } from '../../../test/support/backends.ts';
import { until } from '../../../test/support/engine.ts';
import { MemoryCerts } from '../../../test/support/memory-certs.ts';
import { TestPki } from '../../../test/support/pki.ts';
import { freePort } from '../../../test/support/ports.ts';
import { servedLeaf } from '../../../test/support/tls.ts';
import { cliCommand } from './cli-socket.ts';
import { HaproxyEngine } from './haproxy-engine.ts';
import { parseProcList } from './proc-list.ts';

let backends: Backend[];
let pki: TestPki;
const dirs: string[] = [];
const engines: HaproxyEngine[] = [];

beforeAll(async () => {
  backends = await startBackends(['a', 'b']);
  pki = new TestPki();
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop(500)));
});

afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  pki?.cleanup();
});

async function engine(certs?: MemoryCerts) {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-haproxy-engine-'));
  dirs.push(dataDir);
  const e = await HaproxyEngine.create({
    dataDir,
    log: silentLogger(),
    pollMs: 100,
    drainMs: 2_000,
    threads: 1,
    ...(certs ? { certs } : {}),
  });
  engines.push(e);
  const health: RealServerHealth[] = [];
  e.onHealth((h) => health.push(h));
  const master = join(dataDir, 'haproxy', 'master.sock');
  const proc = async () => parseProcList(await cliCommand(master, 'show proc'))!;
  return { e, dataDir, health, proc };
}

function config(port: number, b: Record<string, unknown> = {}, extra: Partial<AgentConfigInput> = {}) {
  return AgentConfig.parse({
    pools: [
      {
        name: 'web',
        healthCheck: { type: 'http', path: '/health', intervalMs: 100, rise: 1, fall: 1 },
        servers: [
          { name: 'a', address: '127.0.0.1', port: backends[0]!.port },
          { name: 'b', address: '127.0.0.1', port: backends[1]!.port, ...b },
        ],
      },
    ],
    virtualServices: [
      { name: 'site', protocol: 'http', listen: { address: '127.0.0.1', port }, pool: 'web' },
    ],
    ...extra,
  } as AgentConfigInput);
}

async function get(
  port: number,
  path = '/x',
): Promise<{ status: number; backend: string | null; text: string }> {
  // A connection per request: after a reload each one reaches the new worker (what an old worker
  // serves after its last reading is not counted; docs/engines.md).
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } });
  return { status: r.status, backend: r.headers.get('x-backend'), text: await r.text() };
}

describe('haproxy engine', () => {
  it('runs a config, reports health and counters in the one status contract, drains without a reload', async () => {
    const { e, health, proc } = await engine();
    const port = await freePort();
    await e.apply(config(port));
    expect(e.kind).toBe('haproxy');
    expect(e.version).toMatch(/^HAProxy 2\.\d+/);
    await until(() => e.healthSnapshot().every((h) => h.state === 'up'), 'both servers up');
    const seen = new Set<string | null>();
    for (let i = 0; i < 10; i++) seen.add((await get(port)).backend);
    expect(seen).toEqual(new Set(['a', 'b']));
    const reloads = (await proc()).reloads;

    await e.apply(config(port, { enabled: false }));
    expect((await proc()).reloads).toBe(reloads); // the runtime API, no reload
    await until(() => health.some((h) => h.key === 'web/b' && h.state === 'disabled'), 'b disabled', 1_000);
    for (let i = 0; i < 6; i++) expect((await get(port)).backend).toBe('a');

    await until(() => e.status().virtualServices[0]!.requests >= 16, 'the counters to catch up');
    const status = StatsSnapshot.parse(e.status());
    const [a, b] = status.pools[0]!.servers;
    expect(a!.requests + b!.requests).toBe(16);
    expect(a!.responses['2xx']).toBe(a!.requests);
    expect(b).toMatchObject({ key: 'web/b', state: 'disabled' });
    expect(status.virtualServices[0]).toMatchObject({ name: 'site', requests: 16, responses: { '2xx': 16 } });
  });

  it('keeps counters and health across a reload, and refuses one HAProxy cannot load with its reasons', async () => {
    const { e, proc } = await engine();
    const [port, other] = [await freePort(), await freePort()];
    await e.apply(config(port));
    await until(() => e.healthSnapshot().every((h) => h.state === 'up'), 'both servers up');
    for (let i = 0; i < 4; i++) await get(port);
    const before = await proc();
    await e.apply(
      config(
        port,
        {},
        {
          virtualServices: [
            { name: 'site', protocol: 'http', listen: { address: '127.0.0.1', port }, pool: 'web' },
            { name: 'more', protocol: 'http', listen: { address: '127.0.0.1', port: other }, pool: 'web' },
          ],
        },
      ),
    );
    expect((await proc()).reloads).toBe(before.reloads + 1);
    // Health came over in the state file: nobody went back to unknown.
    expect(e.healthSnapshot().map((h) => h.state)).toEqual(['up', 'up']);
    for (let i = 0; i < 2; i++) await get(port);
    await until(() => e.status().virtualServices[0]!.requests === 6, 'counters across the reload');

    // A port something else holds: haproxy -c cannot know, the reload fails, the old worker serves.
    const taken = backends[0]!.port;
    const refused = await e
      .apply(
        config(
          port,
          {},
          {
            virtualServices: [
              { name: 'site', protocol: 'http', listen: { address: '127.0.0.1', port: taken }, pool: 'web' },
            ],
          },
        ),
      )
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApplyError);
    expect((refused as ApplyError).problems[0]).toMatchObject({ path: 'virtualServices[0]' });
    expect((refused as ApplyError).problems[0]!.message).toMatch(/cannot bind socket/);
    expect((await get(port)).status).toBe(200);
    expect((await get(other)).status).toBe(200);
    expect(e.config.virtualServices).toHaveLength(2);
  });

  it('check() returns what haproxy -c says, at the object it is about, and touches nothing', async () => {
    const { e } = await engine();
    const port = await freePort();
    const cfg = config(port);
    expect(await e.check(cfg)).toEqual([]);
    // A listen address HAProxy cannot parse passes the schema (a host name) but not haproxy -c.
    const bad = AgentConfig.parse({
      ...cfg,
      virtualServices: [{ ...cfg.virtualServices[0]!, listen: { address: 'no-such-host.invalid', port } }],
    });
    const problems = await e.check(bad);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.path).toBe('virtualServices[0]');
    expect(e.addresses().size).toBe(0);
  });

  it('restarts HAProxy when it dies, reporting every server unknown until checked again', async () => {
    const { e, health, proc } = await engine();
    const port = await freePort();
    await e.apply(config(port));
    await until(() => e.healthSnapshot().every((h) => h.state === 'up'), 'both servers up');
    const { masterPid } = await proc();
    process.kill(masterPid, 'SIGKILL');
    await until(
      () => health.some((h) => h.state === 'unknown' && /HAProxy exited/.test(h.reason ?? '')),
      'the restart to be reported',
    );
    await until(
      async () => ((await proc().catch(() => undefined))?.masterPid ?? masterPid) !== masterPid,
      'a new HAProxy master',
      10_000,
    );
    await until(
      async () => (await get(port).catch(() => ({ status: 0 }))).status === 200,
      'HAProxy to serve again',
      10_000,
    );
    await until(() => e.healthSnapshot().every((h) => h.state === 'up'), 'both servers up again');
  });

  it('swaps a renewed certificate in without a reload', async () => {
    const certs = new MemoryCerts();
    const root = pki.root('Engine Root');
    const first = pki.issue(root, { cn: 'www.test', sans: ['www.test'] });
    certs.certs.set('www', { key: first.key, chain: first.chain });
    const { e, proc } = await engine(certs);
    const port = await freePort();
    const cfg = config(
      port,
      {},
      {
        virtualServices: [
          {
            name: 'site',
            protocol: 'https',
            listen: { address: '127.0.0.1', port },
            tls: { certificates: ['www'] },
            pool: 'web',
          },
        ],
      },
    );
    await e.apply(cfg);
    const fp = (pem: string) => new X509Certificate(pem).fingerprint256;
    expect(await servedLeaf(port, 'www.test')).toBe(fp(first.cert));
    const reloads = (await proc()).reloads;
    const renewed = pki.issue(root, { cn: 'www.test', sans: ['www.test'] });
    certs.certs.set('www', { key: renewed.key, chain: renewed.chain });
    await e.apply(cfg); // what configStore.refresh() does after a cert import
    expect(await servedLeaf(port, 'www.test')).toBe(fp(renewed.cert));
    expect((await proc()).reloads).toBe(reloads);
    // The file HAProxy would read on a restart names the new certificate too.
    const written = readFileSync(join(dirs.at(-1)!, 'haproxy', 'haproxy.cfg'), 'utf8');
    expect(written).toMatch(/crt-list/);
  });

  it('soft-stops: a request in flight finishes, then HAProxy is gone', async () => {
    const { e, proc } = await engine();
    const port = await freePort();
    await e.apply(config(port));
    await until(() => e.healthSnapshot().every((h) => h.state === 'up'), 'both servers up');
    const { masterPid } = await proc();
    const slow = get(port, '/slow?ms=600');
    await new Promise((r) => setTimeout(r, 150));
    const stopped = e.stop(5_000);
    expect((await slow).status).toBe(200);
    await stopped;
    engines.splice(engines.indexOf(e), 1);
    expect(() => process.kill(masterPid, 0)).toThrow();
  });
});
