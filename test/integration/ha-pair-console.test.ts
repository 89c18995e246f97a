/**
 * The pair addressed as one, from the Console's command line (`portico ha …`, over
 * src-main/fleet/ha-pair.ts) against two real agents in network namespaces
 * (test/support/ha-lab.ts): create the pair, apply to both with one revision, a change one
 * member refuses changes neither, drift is seen and healed, a port another process holds is
 * refused before either member changes, and a failover on purpose. The tests run in order on one lab.
 * Needs root, `ip netns` and keepalived; skipped without them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/commands.ts';
import type { CliIo } from '../../src-main/cli/command.ts';
import { childIn, netnsAvailable, type NsChild } from '../support/netns.ts';
import {
  keepalivedInstalled,
  LAB_CONFIG,
  startHaLab,
  VIP,
  waitUntil,
  type HaLab,
} from '../support/ha-lab.ts';
import type { NsAgent } from '../support/ns-agent.ts';
import { selfSigned } from '../support/pki.ts';

const available = netnsAvailable() && keepalivedInstalled();

/** LAB_CONFIG plus services on the virtual IP at `ports`, all to pool app. */
const withPorts = (...ports: number[]) => ({
  ...LAB_CONFIG,
  virtualServices: [
    ...LAB_CONFIG.virtualServices,
    ...ports.map((port) => ({
      name: `web${port}`,
      protocol: 'http',
      listen: { address: VIP, port },
      pool: 'app',
    })),
  ],
});

describe.skipIf(!available)('portico ha: a pair addressed as one', () => {
  let lab: HaLab;
  let dir: string;
  const blockers: NsChild[] = [];

  async function cli(...argv: string[]) {
    let out = '';
    let err = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: { PORTICO_CONSOLE_DIR: join(dir, 'console'), PORTICO_LOG_LEVEL: 'silent' },
      cwd: dir,
    };
    const code = await runCli(argv, io);
    return { code, out, err };
  }
  async function configOf(agent: NsAgent) {
    const c = await agent.client();
    try {
      return (await c.result('config.get')) as { revision: number; config: Record<string, unknown> };
    } finally {
      c.close();
    }
  }
  /** One GET to the virtual IP at `port` from the client namespace. */
  async function get(port: number): Promise<Record<string, unknown>> {
    const c = childIn(lab.ns.client, 'client', `http://${VIP}:${port}/`, '10', '2000', '1');
    blockers.push(c);
    return c.waitFor((l) => 'ok' in l, 'an answer');
  }

  beforeAll(async () => {
    lab = await startHaLab('hac', { paired: false });
    dir = mkdtempSync(join(tmpdir(), 'portico-ha-cli-'));
    for (const agent of [lab.lb1, lab.lb2]) {
      writeFileSync(join(dir, `${agent.name}.token`), readFileSync(join(agent.dataDir, 'token')));
      const paired = await cli('pair', `127.0.0.1:${agent.apiPort()}`, '--token-file', `${agent.name}.token`);
      expect(paired.code, paired.err).toBe(0);
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(blockers.map((b) => b.stop()));
    await lab?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('ha create makes the two agents a pair, the preferred one master; ha status shows both in sync', async () => {
    const created = await cli(
      'ha',
      'create',
      'edge',
      '--agents',
      'lb1,lb2',
      '--vip',
      `${VIP}/24`,
      '--router-id',
      '52',
      '--address',
      'lb1=10.91.0.1,lb2=10.91.0.2',
      '--interface',
      'eth0',
      '--advert-ms',
      '200',
    );
    expect(created, created.err).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^ok {4}pair edge created: lb1 and lb2, lb1 holds 10\.91\.0\.100/),
    });
    expect(lab.holder()).toBe('lb1');
    await waitUntil(
      async () => (await cli('ha', 'status', 'edge')).out.includes('backup'),
      'lb2 backup',
      10_000,
    );
    const status = await cli('ha', 'status', 'edge');
    expect(status.code, status.out).toBe(0);
    expect(status.out).toMatch(/^pair edge: in sync at revision 0\n/);
    expect(status.out).toMatch(/ {2}lb1 +master .* revision 0 +engine serving/);
    expect(status.out).toMatch(/ {2}lb2 +backup .* revision 0 +engine serving/);
    expect(await get(80)).toMatchObject({ ok: true, body: 'lb1' });
  }, 60_000);

  it('ha apply lands on both members with one revision', async () => {
    writeFileSync(join(dir, 'two.json'), JSON.stringify(withPorts(8081)));
    const applied = await cli('ha', 'apply', 'edge', 'two.json');
    expect(applied, applied.err).toMatchObject({
      code: 0,
      out: expect.stringMatching(/applied to both: revision lb2 1, lb1 1/),
    });
    const [a, b] = [await configOf(lab.lb1), await configOf(lab.lb2)];
    expect(a.revision).toBe(1);
    expect(b.revision).toBe(1);
    expect(a.config).toEqual(b.config);
    expect(await get(8081)).toMatchObject({ ok: true, body: 'lb1' });
  }, 30_000);

  it('an apply one member refuses (a certificate only the other has) changes neither', async () => {
    const c1 = await lab.lb1.client();
    const { key, cert } = selfSigned('www.example.test', ['DNS:www.example.test']);
    await c1.result('cert.import', { name: 'www', pem: [key, cert] });
    c1.close();
    const https = withPorts(8081);
    https.virtualServices.push({
      name: 'secure',
      protocol: 'https',
      listen: { address: VIP, port: 8443 },
      pool: 'app',
      ...{ tls: { certificates: ['www'] } },
    } as (typeof https.virtualServices)[number]);
    writeFileSync(join(dir, 'https.json'), JSON.stringify(https));
    const refused = await cli('ha', 'apply', 'edge', 'https.json');
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/^FAIL {2}REFUSED refused by lb2; neither member changed/);
    expect(refused.out).toMatch(/lb2: virtualServices\[2\]\.tls.*www/);
    for (const agent of [lab.lb1, lab.lb2]) expect((await configOf(agent)).revision).toBe(1);
    expect((await configOf(lab.lb1)).config).toEqual((await configOf(lab.lb2)).config);
  }, 30_000);

  it('drift (a member changed behind the pair) is shown, refuses pair applies, and is healed', async () => {
    const c2 = await lab.lb2.client();
    await c2.result('config.apply', { config: withPorts(8081, 8083), expectRevision: 1 });
    c2.close();
    const status = await cli('ha', 'status', 'edge');
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/DRIFT: lb1 is behind lb2 \(virtualService web8083\)/);
    const refused = await cli('ha', 'apply', 'edge', 'two.json');
    expect(refused.out).toMatch(/^FAIL {2}DRIFT /);
    const healed = await cli('ha', 'heal', 'edge');
    expect(healed).toMatchObject({
      code: 0,
      out: "ok    healed: lb2's configuration now runs on lb1 (revision 2)\n",
    });
    expect((await cli('ha', 'status', 'edge')).out).toMatch(/^pair edge: in sync at revision 2\n/);
    expect(await get(8083)).toMatchObject({ ok: true, body: 'lb1' });
  }, 30_000);

  it('ha template renders a built-in template against the pair and applies it to both', async () => {
    writeFileSync(
      join(dir, 'tcp.json'),
      JSON.stringify({
        name: 'raw',
        listenAddress: VIP,
        port: 9000,
        servers: [{ name: 'local', address: '127.0.0.1', port: 8080 }],
        healthCheck: 'none',
      }),
    );
    const applied = await cli('ha', 'template', 'edge', 'tcp', '--params', 'tcp.json');
    expect(applied, applied.err).toMatchObject({
      code: 0,
      out: 'ok    applied to both: revision lb2 3, lb1 3: created pool raw, virtualService raw\n',
    });
    expect(await get(9000)).toMatchObject({ ok: true, body: 'lb1' });
  }, 30_000);

  it('a port another process holds on the master is refused at validation, the owner named, and neither member changes', async () => {
    // Something else holds port 8084 in lb1's namespace only: lb2 could listen there, lb1 not.
    // Both engines probe an address:port at config.validate (agent/engines/address-owner.ts),
    // so the pair refuses before either member applies. (What only an apply finds, and its
    // rollback of the first member, is test/integration/ha-pair-rollback.test.ts's.)
    const blocker = childIn(lab.ns.lb1, 'backend', '0.0.0.0:8084', 'squatter');
    blockers.push(blocker);
    await blocker.waitFor((l) => l.event === 'ready', 'the squatter');
    const before = await configOf(lab.lb1);
    const current = before.config as typeof LAB_CONFIG;
    const port = withPorts(8081, 8083, 8084);
    writeFileSync(
      join(dir, 'port.json'),
      JSON.stringify({
        ...current,
        virtualServices: [...current.virtualServices, port.virtualServices.at(-1)],
      }),
    );
    const answer = await cli('ha', 'apply', 'edge', 'port.json');
    expect(answer.code).toBe(1);
    expect(answer.out).toMatch(/^FAIL {2}REFUSED refused by lb1; neither member changed: /);
    // The owner is named: the squatter's own process, by pid.
    expect(answer.out).toMatch(
      new RegExp(
        `lb1: [^;]*${VIP.replaceAll('.', '\\.')}:8084 is already in use by \\S+ \\(pid ${blocker.proc.pid}\\)`,
      ),
    );
    expect(answer.out).not.toMatch(/lb2:/);
    const [a, b] = [await configOf(lab.lb1), await configOf(lab.lb2)];
    expect([a.revision, b.revision]).toEqual([before.revision, before.revision]);
    expect(a.config).toEqual(before.config);
    expect(b.config).toEqual(before.config);
    expect(JSON.stringify(a.config)).not.toContain('8084');
    const status = await cli('ha', 'status', 'edge');
    expect(status.out).toMatch(new RegExp(`^pair edge: in sync at revision ${before.revision}\\n`));
  }, 30_000);

  it('ha failover moves the virtual IPs to the ready backup', async () => {
    const moved = await cli('ha', 'failover', 'edge', '--hold', '3');
    expect(moved.code, moved.out + moved.err).toBe(0);
    expect(moved.out).toMatch(/^ok {4}failed over: lb2 holds the virtual IPs \((\d+) ms\)/);
    console.log(`portico ha failover: ${moved.out.trim()}`);
    expect(lab.holder()).toBe('lb2');
    expect(await get(80)).toMatchObject({ ok: true, body: 'lb2' });
    // lb1 is held out: a failover back is refused until it is a ready backup again.
    const back = await cli('ha', 'failover', 'edge');
    expect(back.out).toMatch(/^FAIL {2}HA_STATE lb1 is fault/);
  }, 30_000);

  it('ha cert-push puts key and chain on both members, the backup first', async () => {
    const { key, cert } = selfSigned('pair.example.test', ['DNS:pair.example.test']);
    writeFileSync(join(dir, 'pair.key'), key);
    writeFileSync(join(dir, 'pair.crt'), cert);
    const pushed = await cli(
      'ha',
      'cert-push',
      'edge',
      'pair.key',
      'pair.crt',
      '--name',
      'pairwww',
      '--no-aia',
    );
    expect(pushed.code, pushed.out + pushed.err).toBe(0);
    expect(pushed.out).toBe('ok    lb1: imported "pairwww"; lb2: imported "pairwww"\n');
    for (const agent of [lab.lb1, lab.lb2]) {
      const c = await agent.client();
      const list = (await c.result('cert.list')) as { certificates: { name: string }[] };
      expect(list.certificates.map((x) => x.name)).toContain('pairwww');
      c.close();
    }
  }, 30_000);
});
