/**
 * The protocol's methods end to end: a real wss session against the real management plane —
 * engine, config store (transactions, revisions, audit) and certificate store in a temp data dir.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentConfigInput, PoolInput, VirtualServiceInput } from '../../shared/model/config.ts';
import { ERROR_CODES } from '../../shared/protocol/codes.ts';
import { startBackend, type Backend } from '../../test/support/backends.ts';
import { TestPki, type Issued } from '../../test/support/pki.ts';
import { freePort } from '../../test/support/ports.ts';
import {
  makeIdentity,
  startTestAgent,
  type Identity,
  type TestAgent,
  type TestClient,
} from '../../test/support/mgmt-agent.ts';
import { servedLeaf } from '../../test/support/tls.ts';

let identity: Identity;
let pki: TestPki;
let root: Issued;
let intermediate: Issued;
let agent: TestAgent;
let client: TestClient;

beforeAll(() => {
  identity = makeIdentity();
  pki = new TestPki();
  root = pki.root('Mgmt Test Root');
  intermediate = pki.issue(root, { cn: 'Mgmt Test Intermediate', ca: true });
});
afterAll(() => pki.cleanup());
beforeEach(async () => {
  agent = await startTestAgent({ identity });
  client = await agent.connect();
});
afterEach(async () => {
  client.close();
  await agent.close();
});

const errorOf = (response: Awaited<ReturnType<TestClient['call']>>) =>
  'error' in response ? response.error : undefined;

/** A pool of two servers a and b, both at `rsPort` on loopback. */
const pool = (name: string, rsPort = 9, extra: Partial<PoolInput> = {}): PoolInput => ({
  name,
  servers: [
    { name: 'a', address: '127.0.0.1', port: rsPort },
    { name: 'b', address: '127.0.0.1', port: rsPort },
  ],
  ...extra,
});

/** An http service on `port` sending to the pool of its own name. */
const http = (name: string, port: number, extra: Record<string, unknown> = {}) =>
  ({
    name,
    listen: { address: '127.0.0.1', port },
    protocol: 'http',
    pool: name,
    ...extra,
  }) as VirtualServiceInput;

/** Services, each with a pool of its name (rsPort 9: nothing answers, nothing is sent). */
const config = (...services: VirtualServiceInput[]): AgentConfigInput => ({
  pools: services.map((vs) => pool(vs.name)),
  virtualServices: services,
});

describe('config', () => {
  it('applies a config as a transaction and answers with the new revision', async () => {
    expect(await client.result('config.get')).toEqual({
      revision: 0,
      config: { version: 2, pools: [], virtualServices: [] },
    });
    const port = await freePort();
    expect(await client.result('config.apply', { config: config(http('web', port)) })).toEqual({
      revision: 1,
    });
    const got = await client.result('config.get');
    expect(got).toMatchObject({
      revision: 1,
      config: {
        version: 2,
        pools: [{ name: 'web', scheduler: 'round-robin', servers: [{ name: 'a' }, { name: 'b' }] }],
        virtualServices: [{ name: 'web', pool: 'web', forwardedHeaders: 'replace' }],
      },
    });
    expect(agent.engine.addresses().get('web')?.port).toBe(port);
    expect(await client.result('agent.info')).toMatchObject({
      revision: 1,
      engine: { kind: 'builtin', pools: 1, virtualServices: 1, listening: 1 },
    });
  });

  it('refuses a stale expectRevision with CONFLICT naming the current revision', async () => {
    const port = await freePort();
    await client.result('config.apply', { config: config(http('web', port)) });
    const stale = await client.call('config.apply', { config: config(), expectRevision: 0 });
    expect(errorOf(stale)).toMatchObject({ code: ERROR_CODES.CONFLICT, data: { currentRevision: 1 } });
    expect(agent.engine.addresses().has('web')).toBe(true);
  });

  it('lets exactly one of two consoles win a race on the same revision', async () => {
    const other = await agent.connect();
    const [p1, p2] = [await freePort(), await freePort()];
    const answers = await Promise.all([
      client.call('config.apply', { config: config(http('one', p1)), expectRevision: 0 }),
      other.call('config.apply', { config: config(http('two', p2)), expectRevision: 0 }),
    ]);
    const errors = answers.map(errorOf);
    expect(errors.filter((e) => e === undefined)).toHaveLength(1);
    expect(errors.find((e) => e !== undefined)).toMatchObject({
      code: ERROR_CODES.CONFLICT,
      data: { currentRevision: 1 },
    });
    expect((await client.result('config.get')).revision).toBe(1);
    other.close();
  });

  it('refuses an invalid config with every problem and its path, changing nothing', async () => {
    const port = await freePort();
    const bad = await client.call('config.apply', {
      config: {
        pools: [pool('web'), pool('web')],
        virtualServices: [
          http('web', port, { protocol: 'https' }),
          http('other', port, { listen: { port: 70000 }, pool: 'nowhere' }),
        ],
      },
    });
    const error = errorOf(bad);
    expect(error?.code).toBe(ERROR_CODES.INVALID_CONFIG);
    const paths = (error?.data as { problems: { path: string }[] }).problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['virtualServices[0].tls', 'virtualServices[1].listen.port']),
    );
    expect(await client.result('config.get')).toMatchObject({ revision: 0 });
    expect(readFileSync(join(agent.dataDir, 'audit.log'), 'utf8')).toContain('"ok":false');
  });

  it('names a pool defined twice and a service naming no pool', async () => {
    const port = await freePort();
    const bad = await client.call('config.apply', {
      config: {
        pools: [pool('web'), pool('web')],
        virtualServices: [http('other', port, { pool: 'nowhere' })],
      },
    });
    expect(errorOf(bad)).toMatchObject({
      code: ERROR_CODES.INVALID_CONFIG,
      message: 'the configuration is not valid: pool "web", name: pool "web" is defined twice',
      data: {
        problems: expect.arrayContaining([
          { path: 'pools[1].name', where: 'pool "web", name', message: 'pool "web" is defined twice' },
          {
            path: 'virtualServices[0].pool',
            where: 'service "other", pool',
            message: 'there is no pool "nowhere"',
          },
        ]),
      },
    });
  });

  it('reports what only the engine can know (a port in use) as INVALID_CONFIG', async () => {
    const squatter = createServer();
    const port = await new Promise<number>((resolve) =>
      squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as { port: number }).port)),
    );
    try {
      const answer = await client.call('config.apply', { config: config(http('web', port)) });
      expect(errorOf(answer)).toMatchObject({ code: ERROR_CODES.INVALID_CONFIG });
      expect(errorOf(answer)?.message).toMatch(/in use/);
    } finally {
      squatter.close();
    }
  });

  it('validates without applying', async () => {
    const port = await freePort();
    expect(await client.result('config.validate', { config: config(http('web', port)) })).toEqual({
      problems: [],
    });
    const withMissingCert = await client.result('config.validate', {
      config: config(http('web', port, { protocol: 'https', tls: { certificates: ['nope'] } })),
    });
    expect(withMissingCert.problems).toMatchObject([
      { path: 'virtualServices[0].tls', message: expect.stringContaining('nope') },
    ]);
    const withMissingCa = await client.result('config.validate', {
      config: { pools: [pool('web', 9, { reencrypt: { verify: 'ca', ca: 'no-ca' } })] },
    });
    expect(withMissingCa.problems).toMatchObject([
      { path: 'pools[0].reencrypt', message: expect.stringContaining('no-ca') },
    ]);
    expect(agent.engine.addresses().size).toBe(0);
  });

  it('upserts and removes single virtual services, leaving the others alone', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    expect(await client.result('pool.upsert', { pool: pool('shared') })).toEqual({
      revision: 1,
      created: true,
    });
    expect(
      await client.result('virtualService.upsert', { virtualService: http('one', p1, { pool: 'shared' }) }),
    ).toEqual({ revision: 2, created: true });
    expect(
      await client.result('virtualService.upsert', { virtualService: http('two', p2, { pool: 'shared' }) }),
    ).toEqual({ revision: 3, created: true });
    expect(
      await client.result('virtualService.upsert', {
        virtualService: http('one', p1, { pool: 'shared', denyPaths: ['/admin'] }),
        expectRevision: 3,
      }),
    ).toEqual({ revision: 4, created: false });
    const names = async () =>
      (
        (await client.result('config.get')).config as { virtualServices: { name: string }[] }
      ).virtualServices.map((v) => v.name);
    expect(await names()).toEqual(['one', 'two']);
    expect(agent.engine.service('one')?.denyPaths).toEqual(['/admin']);

    expect(errorOf(await client.call('virtualService.remove', { name: 'three' }))).toMatchObject({
      code: ERROR_CODES.NOT_FOUND,
      data: { kind: 'virtual service', name: 'three' },
    });
    expect(await client.result('virtualService.remove', { name: 'one' })).toEqual({ revision: 5 });
    expect(await names()).toEqual(['two']);
    expect(agent.engine.addresses().has('one')).toBe(false);

    const invalid = await client.call('virtualService.upsert', {
      virtualService: { ...http('bad', p1), protocol: 'gopher' },
    });
    expect(errorOf(invalid)).toMatchObject({
      code: ERROR_CODES.INVALID_CONFIG,
      data: { problems: [{ path: 'virtualServices[1].protocol' }] },
    });
    // A service naming a pool that does not exist is refused, naming it.
    const orphan = await client.call('virtualService.upsert', {
      virtualService: http('orphan', p1, { pool: 'nowhere' }),
    });
    expect(errorOf(orphan)).toMatchObject({
      code: ERROR_CODES.INVALID_CONFIG,
      data: { problems: [{ path: 'virtualServices[1].pool', message: 'there is no pool "nowhere"' }] },
    });
  });

  it('upserts a pool (its unchanged servers keep their runtime) and removes one no service uses', async () => {
    let backend: Backend | undefined;
    try {
      backend = await startBackend('rs');
      const port = await freePort();
      await client.result('config.apply', {
        config: { pools: [pool('web', backend.port)], virtualServices: [http('web', port)] },
      });
      const before = agent.engine.pool('web')!.servers.find((s) => s.name === 'a')!;
      expect(
        await client.result('pool.upsert', {
          pool: pool('web', backend.port, { scheduler: 'least-connections' }),
          expectRevision: 1,
        }),
      ).toEqual({ revision: 2, created: false });
      const after = agent.engine.pool('web')!;
      expect(after.config.scheduler).toBe('least-connections');
      expect(after.servers.find((s) => s.name === 'a')).toBe(before);
      // The service sends to the replaced pool.
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);

      expect(await client.result('pool.upsert', { pool: pool('spare') })).toEqual({
        revision: 3,
        created: true,
      });
      expect(agent.engine.pool('spare')).toBeDefined();

      expect(errorOf(await client.call('pool.remove', { name: 'web' }))).toMatchObject({
        code: ERROR_CODES.IN_USE,
        message: expect.stringContaining('"web"'),
        data: { usedBy: ['web'] },
      });
      expect(errorOf(await client.call('pool.remove', { name: 'ghost' }))).toMatchObject({
        code: ERROR_CODES.NOT_FOUND,
        data: { kind: 'pool', name: 'ghost' },
      });
      expect(await client.result('pool.remove', { name: 'spare', expectRevision: 3 })).toEqual({
        revision: 4,
      });
      expect(agent.engine.pool('spare')).toBeUndefined();
      expect(((await client.result('config.get')).config as { pools: { name: string }[] }).pools).toEqual([
        expect.objectContaining({ name: 'web' }),
      ]);
      const audit = readFileSync(join(agent.dataDir, 'audit.log'), 'utf8');
      expect(audit).toContain('"action":"pool.upsert"');
      expect(audit).toContain('"action":"pool.remove"');
    } finally {
      await backend?.close();
    }
  });

  it('refuses to remove a pool while services or content rules use it, naming every one', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    await client.result('config.apply', {
      config: {
        pools: [pool('cas'), pool('owa'), pool('other')],
        virtualServices: [
          http('mail', p1, { pool: 'cas', contentRules: [{ name: 'owa', pathPrefix: '/owa', pool: 'owa' }] }),
          http('mail-alt', p2, {
            pool: 'other',
            contentRules: [{ name: 'owa', pathPrefix: '/owa', pool: 'owa' }],
          }),
        ],
      },
    });
    const used = errorOf(await client.call('pool.remove', { name: 'owa' }));
    expect(used).toMatchObject({ code: ERROR_CODES.IN_USE, data: { usedBy: ['mail', 'mail-alt'] } });
    expect(used?.message).toContain('"mail", "mail-alt"');
    expect((await client.result('config.get')).revision).toBe(1);
  });

  it('drains and re-enables a real server of a pool (realServer.setEnabled)', async () => {
    let backend: Backend | undefined;
    try {
      backend = await startBackend('rs');
      const port = await freePort();
      await client.result('config.apply', {
        config: { pools: [pool('web', backend.port)], virtualServices: [http('web', port)] },
      });
      expect(
        await client.result('realServer.setEnabled', { pool: 'web', server: 'b', enabled: false }),
      ).toEqual({
        revision: 2,
      });
      const rs = (name: string) => agent.engine.pool('web')?.servers.find((s) => s.name === name);
      expect(rs('b')?.enabled).toBe(false);
      expect(rs('a')?.enabled).toBe(true);
      // Traffic now goes to a only.
      for (let i = 0; i < 4; i++) await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
      expect(rs('b')?.traffic.requests).toBe(0);
      expect(rs('a')?.traffic.requests).toBe(4);
      const stats = await client.result('stats.snapshot');
      expect(stats.virtualServices).toMatchObject([{ name: 'web', protocol: 'http', requests: 4 }]);
      expect(stats.pools).toMatchObject([
        {
          name: 'web',
          servers: [
            { key: 'web/a', name: 'a', requests: 4, state: 'up' },
            { key: 'web/b', name: 'b', requests: 0, state: 'disabled' },
          ],
        },
      ]);
      expect(
        ((await client.result('config.get')).config as { pools: { servers: { enabled: boolean }[] }[] })
          .pools[0]!.servers[1]!.enabled,
      ).toBe(false);

      expect(
        errorOf(await client.call('realServer.setEnabled', { pool: 'web', server: 'z', enabled: false })),
      ).toMatchObject({
        code: ERROR_CODES.NOT_FOUND,
        data: { kind: 'real server', name: 'web/z' },
      });
      expect(
        errorOf(await client.call('realServer.setEnabled', { pool: 'nope', server: 'a', enabled: false })),
      ).toMatchObject({
        code: ERROR_CODES.NOT_FOUND,
        data: { kind: 'pool', name: 'nope' },
      });
      expect(
        await client.result('realServer.setEnabled', { pool: 'web', server: 'b', enabled: true }),
      ).toEqual({
        revision: 3,
      });
      expect(rs('b')?.enabled).toBe(true);
      const audit = readFileSync(join(agent.dataDir, 'audit.log'), 'utf8');
      expect(audit).toContain('"action":"realServer.drain"');
      expect(audit).toContain('"action":"realServer.enable"');
    } finally {
      await backend?.close();
    }
  });
});

describe('a pool shared by two services', () => {
  it('realServer.setEnabled {pool, server} drains the server for both, and enables it for both', async () => {
    const backends = [await startBackend('a'), await startBackend('b')];
    try {
      const [p1, p2] = [await freePort(), await freePort()];
      await client.result('config.apply', {
        config: {
          pools: [
            {
              name: 'cas',
              servers: backends.map((b) => ({ name: b.name, address: '127.0.0.1', port: b.port })),
            },
          ],
          virtualServices: [http('owa', p1, { pool: 'cas' }), http('ews', p2, { pool: 'cas' })],
        },
      });
      const served = async () => {
        const names = new Set<string>();
        for (const port of [p1, p2, p1, p2, p1, p2])
          names.add(
            ((await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { backend: string }).backend,
          );
        return names;
      };
      expect(await served()).toEqual(new Set(['a', 'b']));
      expect(
        await client.result('realServer.setEnabled', { pool: 'cas', server: 'b', enabled: false }),
      ).toEqual({
        revision: 2,
      });
      const before = backends[1]!.seen.length;
      expect(await served()).toEqual(new Set(['a']));
      expect(backends[1]!.seen.length).toBe(before);
      const health = (await client.result('health.snapshot')).servers as { key: string; state: string }[];
      expect(health.find((h) => h.key === 'cas/b')?.state).toBe('disabled');
      expect(health).toHaveLength(2);
      await client.result('realServer.setEnabled', { pool: 'cas', server: 'b', enabled: true });
      expect(await served()).toEqual(new Set(['a', 'b']));
    } finally {
      await Promise.all(backends.map((b) => b.close()));
    }
  });
});

describe('certificates', () => {
  const leafFor = (cn: string) => pki.issue(intermediate, { cn, sans: [cn, '127.0.0.1'] });

  const servedFingerprint = (port: number) => servedLeaf(port, 'www.mgmt.test');

  it('imports PEM, lists with usedBy, refuses removal while in use, renews in place', async () => {
    const first = leafFor('www.mgmt.test');
    const imported = await client.result('cert.import', { name: 'www', pem: [first.key, first.chain] });
    expect(imported).toMatchObject({ name: 'www', kind: 'certificate', replaced: false, reloaded: [] });
    expect((imported.summary as { subject: { cn: string } }).subject.cn).toBe('www.mgmt.test');

    const port = await freePort();
    // An https service without a pool: it answers 404 to every request, and uses the certificate.
    await client.result('virtualService.upsert', {
      virtualService: {
        name: 'secure',
        listen: { address: '127.0.0.1', port },
        protocol: 'https',
        tls: { certificates: ['www'] },
      },
    });
    expect(await servedFingerprint(port)).toBe(new X509Certificate(first.cert).fingerprint256);

    const listed = await client.result('cert.list');
    expect(listed.certificates).toMatchObject([{ name: 'www', usedBy: ['secure'], certificates: 2 }]);

    expect(errorOf(await client.call('cert.remove', { name: 'www' }))).toMatchObject({
      code: ERROR_CODES.IN_USE,
      data: { usedBy: ['secure'] },
    });

    // A renewal while in use: the service serves the new certificate without a config change.
    const renewed = leafFor('www.mgmt.test');
    const again = await client.result('cert.import', { name: 'www', pem: [renewed.key, renewed.chain] });
    expect(again).toMatchObject({ replaced: true, reloaded: ['secure'] });
    expect(await servedFingerprint(port)).toBe(new X509Certificate(renewed.cert).fingerprint256);

    await client.result('virtualService.remove', { name: 'secure' });
    expect(await client.result('cert.remove', { name: 'www' })).toEqual({ name: 'www' });
    expect((await client.result('cert.list')).certificates).toEqual([]);

    // The audit log names who, never the key or a password.
    const audit = readFileSync(join(agent.dataDir, 'audit.log'), 'utf8');
    expect(audit).toContain('"action":"cert.import"');
    expect(audit).toContain('"action":"cert.remove"');
    expect(audit).not.toContain('PRIVATE KEY');
  });

  it('imports a PFX given as base64 with its password', async () => {
    const leaf = leafFor('pfx.mgmt.test');
    const dir = pki.dir;
    writeFileSync(join(dir, 'pfx.key'), leaf.key);
    writeFileSync(join(dir, 'pfx.crt'), leaf.cert);
    writeFileSync(join(dir, 'pfx-chain.crt'), intermediate.cert + root.cert);
    execFileSync(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        'pfx.key',
        '-in',
        'pfx.crt',
        '-certfile',
        'pfx-chain.crt',
        '-passout',
        'pass:s3cret',
        '-out',
        'x.pfx',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const pfx = readFileSync(join(dir, 'x.pfx')).toString('base64');

    const wrong = await client.call('cert.import', { name: 'pfx', pfx, password: 'nope' });
    expect(errorOf(wrong)).toMatchObject({ code: ERROR_CODES.CERT_ERROR, data: { code: 'WRONG_PASSWORD' } });

    const ok = await client.result('cert.import', { name: 'pfx', pfx, password: 's3cret' });
    expect(ok).toMatchObject({ name: 'pfx', kind: 'certificate', notStored: [{ reason: 'root' }] });
    const chain = ok.chain as { fingerprint: string }[];
    expect(chain).toHaveLength(2);
    expect(chain[0]?.fingerprint.replaceAll(':', '').toLowerCase()).toBe(
      createHash('sha256').update(new X509Certificate(leaf.cert).raw).digest('hex'),
    );
  });

  it('says exactly what is wrong with refused material', async () => {
    const a = leafFor('a.mgmt.test');
    const b = leafFor('b.mgmt.test');
    const mismatch = errorOf(await client.call('cert.import', { name: 'x', pem: [a.key, b.chain] }));
    expect(mismatch?.code).toBe(ERROR_CODES.CERT_ERROR);
    expect((mismatch?.data as { issues: { code: string }[] }).issues.map((i) => i.code)).toContain(
      'KEY_MISMATCH',
    );

    const garbage = errorOf(await client.call('cert.import', { name: 'x', pem: ['hello'] }));
    expect(garbage).toMatchObject({ code: ERROR_CODES.CERT_ERROR });
    expect(errorOf(await client.call('cert.remove', { name: 'ghost' }))).toMatchObject({
      code: ERROR_CODES.NOT_FOUND,
      data: { kind: 'certificate', name: 'ghost' },
    });
    expect(
      errorOf(await client.call('cert.import', { name: '../etc', pem: [a.key, a.chain] })),
    ).toMatchObject({
      code: ERROR_CODES.INVALID_PARAMS,
    });
  });
});

describe('without a templates module', () => {
  it('answers the template methods with UNAVAILABLE', async () => {
    client.close();
    await agent.close();
    agent = await startTestAgent({ identity, management: { templates: null } });
    client = await agent.connect();
    for (const answer of [
      await client.call('template.list'),
      await client.call('template.preview', { template: 'tcp', params: {} }),
      await client.call('template.apply', { template: 'tcp', params: {} }),
    ])
      expect(errorOf(answer)).toMatchObject({ code: ERROR_CODES.UNAVAILABLE });
  });
});

describe('templates', () => {
  it('lists the built-ins as documents a Console can build forms from', async () => {
    const { templates } = (await client.result('template.list')) as {
      templates: { id: string; parameters: { name: string; type: string; required: boolean }[] }[];
    };
    expect(templates.map((t) => t.id).sort()).toEqual([
      'adfs',
      'exchange-2010-cas',
      'exchange-2016',
      'http-redirect',
      'https-offload',
      'https-reencrypt',
      'lync-reverse-proxy',
      'one-address',
      'tcp',
    ]);
    const tcp = templates.find((t) => t.id === 'tcp');
    expect(tcp?.parameters).toContainEqual(
      expect.objectContaining({ name: 'port', type: 'port', required: true }),
    );
  });

  it('previews, refuses what the engine cannot run, then applies once the certificate is there', async () => {
    const port = await freePort();
    const params = {
      name: 'www',
      listenAddress: '127.0.0.1',
      port,
      certificate: 'www-cert',
      servers: [{ name: 'web01', address: '127.0.0.1', port: 9 }],
    };
    const preview = await client.result('template.preview', { template: 'https-offload', params });
    expect(preview).toMatchObject({
      revision: 0,
      changes: [
        { op: 'add', kind: 'pool', name: 'www', after: { servers: [{ name: 'web01', port: 9 }] } },
        { op: 'add', kind: 'virtualService', name: 'www', after: { pool: 'www', protocol: 'https' } },
      ],
      unchanged: [],
    });
    expect(agent.engine.addresses().size).toBe(0);

    // The store has no "www-cert" yet: the engine refuses, nothing changes.
    const refused = errorOf(await client.call('template.apply', { template: 'https-offload', params }));
    expect(refused).toMatchObject({ code: ERROR_CODES.INVALID_CONFIG });
    expect(refused?.message).toMatch(/www-cert/);

    const leaf = pki.issue(intermediate, { cn: 'www.mgmt.test' });
    await client.result('cert.import', { name: 'www-cert', pem: [leaf.key, leaf.chain] });
    expect(
      await client.result('template.apply', { template: 'https-offload', params, expectRevision: 0 }),
    ).toEqual({
      revision: 1,
      created: [
        { kind: 'pool', name: 'www' },
        { kind: 'virtualService', name: 'www' },
      ],
      replaced: [],
      unchanged: [],
    });
    expect(agent.engine.addresses().get('www')?.port).toBe(port);

    // Applying the same again changes nothing.
    expect(await client.result('template.preview', { template: 'https-offload', params })).toMatchObject({
      revision: 1,
      changes: [],
      unchanged: [
        { kind: 'pool', name: 'www' },
        { kind: 'virtualService', name: 'www' },
      ],
    });
  });

  it('names each problem with the parameters, and unknown templates', async () => {
    const missing = errorOf(
      await client.call('template.preview', { template: 'tcp', params: { servers: [] } }),
    );
    expect(missing?.code).toBe(ERROR_CODES.TEMPLATE_INVALID);
    const problems = (missing?.data as { problems: { path: string }[] }).problems.map((p) => p.path);
    expect(problems).toEqual(expect.arrayContaining(['params.port', 'params.servers']));

    expect(
      errorOf(await client.call('template.apply', { template: 'no-such-template', params: {} })),
    ).toMatchObject({
      code: ERROR_CODES.NOT_FOUND,
      data: { kind: 'template', name: 'no-such-template' },
    });
  });

  it('takes a whole template document, and refuses a broken one', async () => {
    const port = await freePort();
    const doc = {
      id: 'echo',
      version: 1,
      name: 'Echo',
      parameters: [{ name: 'port', type: 'port', label: 'Port', required: true }],
      pools: [{ name: 'echo', servers: [{ name: 'a', address: '127.0.0.1', port: 9 }] }],
      virtualServices: [
        { name: 'echo', listen: { address: '127.0.0.1', port: '{{port}}' }, protocol: 'tcp', pool: 'echo' },
      ],
    };
    expect(await client.result('template.apply', { template: doc, params: { port } })).toMatchObject({
      created: [
        { kind: 'pool', name: 'echo' },
        { kind: 'virtualService', name: 'echo' },
      ],
    });
    expect(agent.engine.addresses().get('echo')?.port).toBe(port);
    const broken = errorOf(
      await client.call('template.preview', {
        template: { ...doc, virtualServices: [{ protocl: 'tcp' }] },
        params: {},
      }),
    );
    expect(broken).toMatchObject({ code: ERROR_CODES.TEMPLATE_INVALID });
  });
});
