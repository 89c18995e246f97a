/**
 * The agent as an admin runs it: a real process on a data dir, certificates imported with the
 * `cert` command, SIGHUP reloads (a bad file refused, a good one applied), a renewed
 * certificate going live on import, and SIGTERM draining to a clean exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { readFileSync } from 'node:fs';
import { runCertCommand } from '../agent/certs/cert-command.ts';
import { runTokenCommand } from '../agent/identity/token-command.ts';
import { TestClient } from './support/mgmt-agent.ts';
import { startBackend, type Backend } from './support/backends.ts';
import { until } from './support/engine.ts';
import { freePort } from './support/ports.ts';
import { TestPki, type Issued } from './support/pki.ts';
import { parsePrometheusText, valueOf } from './support/prometheus-text.ts';
import type { AgentConfigInput, PoolInput, VirtualServiceInput } from '../shared/model/config.ts';

const repo = new URL('..', import.meta.url).pathname;
let dir: string;
let pki: TestPki;
let root: Issued;
let ca: Issued;
let backend: Backend;
let agent: ChildProcess;
const logs: Record<string, unknown>[] = [];

async function certCommand(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCertCommand(args, {
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((err += s), true) },
  } as never);
  return { code, out, err };
}

function importCert(name: string, issued: Issued) {
  const key = join(dir, `${name}.key.pem`);
  const chain = join(dir, `${name}.chain.pem`);
  writeFileSync(key, issued.key, { mode: 0o600 });
  // With its root: `cert import` refuses a chain that stops before one.
  writeFileSync(chain, issued.chain + issued.root);
  return certCommand(['import', '--data-dir', dir, '--name', name, '--pem', key, '--pem', chain]);
}

function fingerprintAt(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: 'www.contoso.com', ca: root.cert }, () => {
      const fp = s.getPeerX509Certificate()!.fingerprint256;
      s.destroy();
      resolve(fp);
    });
    s.on('error', reject);
  });
}

async function tokenCommand(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runTokenCommand([...args, '--data-dir', dir], {
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((err += s), true) },
  } as never);
  return { code, out, err };
}

function openApi(token: string, identityCert: string): Promise<TestClient> {
  return TestClient.open(`wss://127.0.0.1:${ports.api}/v1`, {
    ca: identityCert,
    headers: { authorization: `Bearer ${token}` },
  });
}

const logged = (msg: string) => logs.some((l) => l.msg === msg);

let ports: { https: number; http: number; extra: number; api: number; metrics: number };
let stderr = '';

function writeConfig(config: AgentConfigInput) {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
}

/** The pool "www" of one real server; `weight` changes it. */
const wwwPool = (weight = 1): PoolInput => ({
  name: 'www',
  servers: [{ name: 'rs', address: '127.0.0.1', port: backend.port, weight }],
});

/** TLS offload to the pool "www", and a redirect of plain HTTP to it. */
const baseServices = (): VirtualServiceInput[] => [
  {
    name: 'www',
    listen: { address: '127.0.0.1', port: ports.https },
    protocol: 'https',
    tls: { certificates: ['www'] },
    pool: 'www',
  },
  {
    name: 'redirect',
    listen: { address: '127.0.0.1', port: ports.http },
    protocol: 'redirect',
    toPort: ports.https,
  },
];

const baseConfig = (weight = 1): AgentConfigInput => ({
  version: 2,
  pools: [wwwPool(weight)],
  virtualServices: baseServices(),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-agent-'));
  pki = new TestPki();
  root = pki.root('Root');
  ca = pki.issue(root, { cn: 'Issuing CA', ca: true });
  backend = await startBackend('rs');
  ports = {
    https: await freePort(),
    http: await freePort(),
    extra: await freePort(),
    api: await freePort(),
    metrics: await freePort(),
  };
  const imported = await importCert('www', pki.issue(ca, { cn: 'www.contoso.com', keyType: 'rsa' }));
  expect(imported.code).toBe(0);
  writeConfig(baseConfig());
  agent = spawn(
    process.execPath,
    [
      join(repo, 'agent/cli.ts'),
      '--data-dir',
      dir,
      '--api',
      `127.0.0.1:${ports.api}`,
      '--metrics',
      `127.0.0.1:${ports.metrics}`,
      '--name',
      'lb-test',
      '--site',
      'lab',
      '--no-mdns',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  agent.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let buf = '';
  agent.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      logs.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  });
  await until(() => logged('agent started'), 'the agent to start', 15_000);
});

afterAll(async () => {
  if (agent.exitCode === null) agent.kill('SIGKILL');
  await backend.close();
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('the agent process', () => {
  it('serves TLS offload with a certificate from its store and redirects plain HTTP', async () => {
    const client = new Agent({ connect: { ca: root.cert, servername: 'www.contoso.com' } });
    const res = await request(`https://127.0.0.1:${ports.https}/hello`, {
      dispatcher: client,
      headers: { host: 'www.contoso.com' },
    });
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { backend: string }).backend).toBe('rs');
    await client.close();
    const r = await request(`http://127.0.0.1:${ports.http}/owa?x=1`, {
      headers: { host: 'www.contoso.com' },
    });
    await r.body.dump();
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe(`https://www.contoso.com:${ports.https}/owa?x=1`);
    expect(existsSync(join(dir, 'agent.pid'))).toBe(true);
  });

  it('shows the admin token once at first start and serves the API over wss with its pinned identity', async () => {
    const printed = await tokenCommand([]);
    expect(printed.code).toBe(0);
    const token = printed.out.trim();
    expect(stderr).toContain(token);
    expect(JSON.stringify(logs)).not.toContain(token);
    const agentFile = JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8')) as {
      id: string;
      fingerprint: string;
    };
    const identityCert = readFileSync(join(dir, 'identity.crt'), 'utf8');
    expect(new X509Certificate(identityCert).fingerprint256).toBe(agentFile.fingerprint);
    const client = await openApi(token, identityCert);
    try {
      const info = await client.result('agent.info');
      expect(info).toMatchObject({
        id: agentFile.id,
        name: 'lb-test',
        site: 'lab',
        fingerprint: agentFile.fingerprint,
      });
      const { revision } = (await client.result('config.get')) as { revision: number };
      const applied = (await client.result('config.apply', {
        config: baseConfig(2),
        expectRevision: revision,
      })) as { revision: number };
      expect(applied.revision).toBe(revision + 1);
      const running = (await client.result('config.get')).config as {
        pools: { servers: { weight: number }[] }[];
      };
      expect(running.pools[0]!.servers[0]!.weight).toBe(2);
      const stale = await client.call('config.apply', { config: baseConfig(), expectRevision: revision });
      expect('error' in stale && stale.error.message).toMatch(/revision/);
    } finally {
      client.close();
    }
  });

  it('token rotate closes sessions that use the old token; the new one works', async () => {
    const old = (await tokenCommand([])).out.trim();
    const identityCert = readFileSync(join(dir, 'identity.crt'), 'utf8');
    const session = await openApi(old, identityCert);
    const rotated = await tokenCommand(['rotate']);
    expect(rotated.code).toBe(0);
    const fresh = rotated.out.trim();
    expect(fresh).not.toBe(old);
    expect(await session.closed()).toBe(4001);
    await expect(openApi(old, identityCert)).rejects.toThrow(/401/);
    const again = await openApi(fresh, identityCert);
    expect(await again.result('health.snapshot')).toBeDefined();
    again.close();
  });

  it('serves Prometheus metrics for its pool members and services', async () => {
    const res = await request(`http://127.0.0.1:${ports.metrics}/metrics`);
    const m = parsePrometheusText(await res.body.text());
    expect(res.statusCode).toBe(200);
    const rs = { pool: 'www', server: 'rs' };
    expect(valueOf(m, 'portico_server_up', rs)).toBe(1);
    // The first test's request, forwarded to the pool member and answered 2xx.
    expect(valueOf(m, 'portico_server_requests_total', rs)).toBeGreaterThanOrEqual(1);
    expect(valueOf(m, 'portico_server_responses_total', { ...rs, class: '2xx' })).toBeGreaterThanOrEqual(1);
    expect(
      valueOf(m, 'portico_virtual_service_requests_total', { virtual_service: 'www' }),
    ).toBeGreaterThanOrEqual(1);
    // The redirect service answered its request itself: a 3xx, and no pool behind it.
    expect(
      valueOf(m, 'portico_virtual_service_responses_total', { virtual_service: 'redirect', class: '3xx' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('refuses an invalid config on SIGHUP, lists the problems, and keeps serving', async () => {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        version: 2,
        pools: [{ name: 'www', servers: [{ name: 'rs', address: '127.0.0.1', port: 99999 }] }],
        virtualServices: [{ name: 'bad name', listen: { port: 80 }, protocol: 'tcp', pool: 'nowhere' }],
      }),
    );
    agent.kill('SIGHUP');
    await until(() => logged('config refused; the running config stays'), 'the refusal to be logged');
    const refusal = logs.find((l) => l.msg === 'config refused; the running config stays') as {
      problems: { path: string }[];
    };
    expect(refusal.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['pools[0].servers[0].port', 'virtualServices[0].name']),
    );
    const r = await request(`http://127.0.0.1:${ports.http}/`, { headers: { host: 'a' } });
    await r.body.dump();
    expect(r.statusCode).toBe(301);
  });

  it('applies a valid config on SIGHUP', async () => {
    // A second service on the same pool: one pool member, two services.
    writeConfig({
      ...baseConfig(2),
      virtualServices: [
        ...baseServices(),
        { name: 'extra', listen: { address: '127.0.0.1', port: ports.extra }, protocol: 'http', pool: 'www' },
      ],
    });
    agent.kill('SIGHUP');
    await until(async () => {
      try {
        const r = await request(`http://127.0.0.1:${ports.extra}/`);
        await r.body.dump();
        return r.statusCode === 200;
      } catch {
        return false;
      }
    }, 'the new service to answer');
  });

  it('a renewed certificate imported with `cert import` goes live without a restart', async () => {
    const before = await fingerprintAt(ports.https);
    const renewed = pki.issue(ca, { cn: 'www.contoso.com' });
    const result = await importCert('www', renewed);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/asked the running agent \(pid \d+\) to reload/);
    const expected = new X509Certificate(renewed.cert).fingerprint256;
    expect(expected).not.toBe(before);
    await until(
      async () => (await fingerprintAt(ports.https)) === expected,
      'the renewed certificate to be served',
    );
  });

  it('refuses to remove a certificate a service uses', async () => {
    const r = await certCommand(['remove', '--data-dir', dir, '--name', 'www']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('www');
  });

  it('drains and exits 0 on SIGTERM, removing its pid file; no secret reaches the log', async () => {
    const exited = new Promise<number | null>((resolve) => agent.once('exit', (code) => resolve(code)));
    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logged('stopped')).toBe(true);
    expect(existsSync(join(dir, 'agent.pid'))).toBe(false);
    expect(JSON.stringify(logs)).not.toMatch(/PRIVATE KEY/);
  });
});
