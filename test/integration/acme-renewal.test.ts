/**
 * Certificates that renew themselves, end to end on loopback: a real portico-agent process, a
 * real ACME CA (Debian's pebble) whose HTTP-01 validation reaches the agent's redirect service
 * through a DNS server that says every name is 127.0.0.1 (pebble-challtestsrv). Shown: an
 * order for two names, bound to an https service whose clients then get the CA's chain; a
 * renewal whose validation cannot reach the agent (its port-80 service disabled) fails naming
 * the domain and the CA's reason while the stored certificate keeps serving; a short-lived
 * certificate renewed by the agent's own schedule, across a restart of the agent.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/protocol/codes.ts';
import { runCli as runPortico } from '../../src-main/cli/commands.ts';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { until } from '../support/engine.ts';
import type { TestClient } from '../support/mgmt-agent.ts';
import { startChallengeDns, startPebble, type ChallengeDns, type Pebble } from '../support/pebble.ts';
import { selfSigned } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';

const ENGINES = (process.env.PORTICO_ACME_ENGINES ?? 'builtin,haproxy').split(',');

interface Served {
  fingerprint: string;
  authorized: boolean;
  issuer: string;
  notBefore: string;
}

/** The leaf an https service presents for `servername`, and whether `root` verifies its chain. */
function served(port: number, servername: string, root: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, servername, ca: root, rejectUnauthorized: false },
      () => {
        const cert = socket.getPeerX509Certificate();
        socket.destroy();
        if (!cert) return reject(new Error('no certificate presented'));
        resolve({
          fingerprint: cert.fingerprint256,
          authorized: socket.authorized,
          issuer: cert.issuer,
          notBefore: new Date(cert.validFrom).toISOString(),
        });
      },
    );
    socket.once('error', reject);
  });
}

describe.each(ENGINES)('ACME certificates on the %s engine', (engine) => {
  let dns: ChallengeDns;
  let pebble: Pebble;
  let shortLived: Pebble;
  let agent: AgentProcess;
  let client: TestClient;
  const ports = { http: 0, https: 0, shortHttp: 0, shortHttps: 0 };
  const redirect = (name: string, port: number, enabled = true) => ({
    name,
    listen: { address: '127.0.0.1', port },
    protocol: 'redirect',
    enabled,
  });
  const args = ['--engine', engine];

  beforeAll(async () => {
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    dns = await startChallengeDns();
    pebble = await startPebble({ httpPort: ports.http, dnsPort: dns.port });
    shortLived = await startPebble({ httpPort: ports.shortHttp, dnsPort: dns.port, validitySeconds: 30 });
    agent = await startAgentProcess({
      config: {
        version: 2,
        pools: [],
        virtualServices: [redirect('port80', ports.http), redirect('short80', ports.shortHttp)],
      },
      args,
    });
    client = await agent.client();
    await client.result('events.subscribe', { topics: ['cert'] });
    // The CAs of pebble's own https: named in each request as directoryCa (a private ACME CA).
    await client.result('cert.import', { name: 'pebble-https', pem: [pebble.tlsCa] });
    await client.result('cert.import', { name: 'short-https', pem: [shortLived.tlsCa] });
    // The services start with a self-signed certificate; the ACME one replaces it by binding.
    const placeholder = selfSigned('placeholder.test', ['DNS:placeholder.test']);
    await client.result('cert.import', { name: 'placeholder', pem: [placeholder.key, placeholder.cert] });
    for (const [name, port] of [
      ['secure', ports.https],
      ['short-secure', ports.shortHttps],
    ] as const) {
      await client.result('virtualService.upsert', {
        virtualService: {
          name,
          listen: { address: '127.0.0.1', port },
          protocol: 'https',
          tls: { certificates: ['placeholder'] },
        },
      });
    }
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await agent?.cleanup();
    // Restarted on the same data dir, the agent no longer owns it: removed here.
    if (agent) rmSync(agent.dataDir, { recursive: true, force: true });
    await pebble?.stop();
    await shortLived?.stop();
    await dns?.stop();
  });

  let first: { fingerprint: string };

  it('orders a certificate for two names over HTTP-01, binds it, and clients get the CA chain', async () => {
    // Nothing pending: the challenge path is the redirect service's like any other.
    const before = await request(`http://127.0.0.1:${ports.http}/.well-known/acme-challenge/anything`, {
      headers: { host: 'www.acme.test' },
    });
    await before.body.dump();
    expect(before.statusCode).toBe(301);

    const result = (await client.result('cert.request', {
      name: 'www',
      domains: ['www.acme.test', 'acme.test'],
      directoryUrl: pebble.directoryUrl,
      email: 'admin@acme.test',
      bind: ['secure'],
      directoryCa: 'pebble-https',
    })) as {
      summary: { fingerprint: string; notBefore: string; notAfter: string; sans: { dns: string[] } };
      bound: string[];
      renewal: { nextRenewalAt: string; failures: number; renewing: boolean };
    };
    expect(result.bound).toEqual(['secure']);
    expect(result.renewal).toMatchObject({ failures: 0, renewing: false });
    expect(result.summary.sans.dns.sort()).toEqual(['acme.test', 'www.acme.test']);
    first = result.summary;

    const root = await pebble.root();
    const leaf = await served(ports.https, 'www.acme.test', root);
    expect(leaf).toMatchObject({ fingerprint: result.summary.fingerprint, authorized: true });
    expect(leaf.issuer).toMatch(/Pebble Intermediate CA/);

    // Renewal two thirds into the lifetime.
    const notBefore = Date.parse(result.summary.notBefore);
    const lifetime = Date.parse(result.summary.notAfter) - notBefore;
    expect(
      Math.abs(Date.parse(result.renewal.nextRenewalAt) - (notBefore + (lifetime * 2) / 3)),
    ).toBeLessThan(2_000);

    const steps = client.events
      .filter((e) => e.topic === 'cert' && e.data.name === 'www')
      .map((e) => (e.topic === 'cert' ? `${e.data.step}${e.data.domain ? ` ${e.data.domain}` : ''}` : ''));
    expect(steps).toEqual(
      expect.arrayContaining([
        'ordered',
        'challenge www.acme.test',
        'challenge acme.test',
        'validated www.acme.test',
        'validated acme.test',
        'issued',
        'installed',
        'bound',
        'scheduled',
      ]),
    );

    const { certificates } = (await client.result('cert.list')) as {
      certificates: { name: string; source: string; usedBy: string[]; acme?: { failures: number } }[];
    };
    expect(certificates.find((c) => c.name === 'www')).toMatchObject({
      source: 'acme',
      usedBy: ['secure'],
      acme: { failures: 0, domains: ['www.acme.test', 'acme.test'] },
    });
    expect(certificates.find((c) => c.name === 'placeholder')).toMatchObject({ source: 'imported' });

    // The entry is stored as an import is, marked as ACME's; the account key is the agent's alone.
    const meta = JSON.parse(readFileSync(join(agent.dataDir, 'certs', 'www', 'meta.json'), 'utf8'));
    expect(meta.source).toBe('acme');
    const accounts = join(agent.dataDir, 'acme', 'accounts');
    for (const account of readdirSync(accounts))
      expect(statSync(join(accounts, account, 'key.pem')).mode & 0o777).toBe(0o600);
    const audit = readFileSync(join(agent.dataDir, 'audit.log'), 'utf8');
    for (const action of ['acme.ordered', 'acme.challenge', 'acme.validated', 'acme.installed', 'acme.bound'])
      expect(audit).toContain(`"action":"${action}"`);
    expect(audit).not.toContain('PRIVATE KEY');

    // The order is over: the challenge path is not answered any more.
    const after = await request(`http://127.0.0.1:${ports.http}/.well-known/acme-challenge/anything`, {
      headers: { host: 'www.acme.test' },
    });
    await after.body.dump();
    expect(after.statusCode).toBe(301);
  }, 60_000);

  it('a renewal the CA cannot validate names the domain and why, and the stored certificate keeps serving', async () => {
    await client.result('virtualService.upsert', { virtualService: redirect('port80', ports.http, false) });
    const failed = await client.call('cert.renew', { name: 'www' });
    expect('error' in failed).toBe(true);
    if (!('error' in failed)) return;
    expect(failed.error.code).toBe(ERROR_CODES.ACME_ERROR);
    const data = failed.error.data as { name: string; domain: string; type: string };
    expect(data.name).toBe('www');
    expect(['www.acme.test', 'acme.test']).toContain(data.domain);
    expect(data.type).toBe('urn:ietf:params:acme:error:connection');
    expect(failed.error.message).toContain(data.domain);
    expect(failed.error.message).toMatch(/connection refused/);

    const root = await pebble.root();
    expect((await served(ports.https, 'www.acme.test', root)).fingerprint).toBe(first.fingerprint);

    const { certificates } = (await client.result('cert.list')) as {
      certificates: {
        name: string;
        acme?: { failures: number; nextRenewalAt: string; lastError?: { domain?: string } };
      }[];
    };
    const www = certificates.find((c) => c.name === 'www')!;
    expect(www.acme).toMatchObject({ failures: 1, lastError: { domain: data.domain } });
    expect(Date.parse(www.acme!.nextRenewalAt)).toBeGreaterThan(Date.now());
    await client.waitForEvent((e) => e.topic === 'cert' && e.data.name === 'www' && e.data.step === 'failed');

    // Port 80 back: the next attempt succeeds and the service serves the new certificate.
    await client.result('virtualService.upsert', { virtualService: redirect('port80', ports.http) });
    const renewed = (await client.result('cert.renew', { name: 'www' })) as {
      summary: { fingerprint: string };
      reloaded: string[];
      renewal: { failures: number };
    };
    expect(renewed.summary.fingerprint).not.toBe(first.fingerprint);
    expect(renewed).toMatchObject({ reloaded: ['secure'], renewal: { failures: 0 } });
    expect((await served(ports.https, 'www.acme.test', root)).fingerprint).toBe(renewed.summary.fingerprint);
  }, 60_000);

  it('renews a short-lived certificate by its own schedule, and a restart does not forget it', async () => {
    const result = (await client.result('cert.request', {
      name: 'short',
      domains: ['short.acme.test'],
      directoryUrl: shortLived.directoryUrl,
      email: 'admin@acme.test',
      bind: ['short-secure'],
      directoryCa: 'short-https',
    })) as {
      summary: { fingerprint: string; notBefore: string; notAfter: string };
      renewal: { nextRenewalAt: string };
    };
    const lifetime = Date.parse(result.summary.notAfter) - Date.parse(result.summary.notBefore);
    expect(lifetime).toBeLessThanOrEqual(31_000);
    const root = await shortLived.root();
    expect((await served(ports.shortHttps, 'short.acme.test', root)).fingerprint).toBe(
      result.summary.fingerprint,
    );

    // The agent stops and starts again on the same data dir; the renewal is due meanwhile.
    client.close();
    await agent.stop();
    agent = await startAgentProcess({ dataDir: agent.dataDir, args });
    client = await agent.client();
    await client.result('events.subscribe', { topics: ['cert'] });
    let now = result.summary.fingerprint;
    await until(
      async () => {
        now = (await served(ports.shortHttps, 'short.acme.test', root).catch(() => ({ fingerprint: now })))
          .fingerprint;
        return now !== result.summary.fingerprint;
      },
      'the short-lived certificate to be renewed by the restarted agent',
      60_000,
    );
    const leaf = await served(ports.shortHttps, 'short.acme.test', root);
    expect(leaf.authorized).toBe(true);
    expect(Date.parse(leaf.notBefore)).toBeGreaterThan(Date.parse(result.summary.notBefore));
    // The engine serves the new certificate a moment before the step is written down.
    await until(
      () =>
        /"action":"acme.installed","actor":\{"tokenId":"acme-renewal"/.test(
          readFileSync(join(agent.dataDir, 'audit.log'), 'utf8'),
        ),
      'the scheduled renewal in the audit log',
      10_000,
    );
  }, 90_000);

  it('portico-agent cert request / renew / list ask the running agent and say what happened', async () => {
    const cli = (...words: string[]) => runCli(['cert', ...words, '--data-dir', agent.dataDir]);
    const issued = await cli(
      'request',
      '--name',
      'cli',
      '--domain',
      'cli.acme.test',
      '--directory',
      pebble.directoryUrl,
      '--directory-ca',
      'pebble-https',
      '--email',
      'admin@acme.test',
      '--key-type',
      'rsa-2048',
    );
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    expect(issued.stdout).toContain('  challenge: answering the HTTP-01 challenge for cli.acme.test');
    expect(issued.stdout).toContain('issued "cli"');
    expect(issued.stdout).toMatch(/key: +RSA 2048/);

    const listed = await cli('list');
    expect(listed.stdout).toMatch(
      /^cli\s+certificate\s+CN=cli\.acme\.test\s+\S+\s+RSA 2048\s+acme\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+-$/m,
    );
    expect(listed.stdout).toMatch(/^placeholder\s.*\simported\s+-\s/m);

    const notAcme = await cli('renew', '--name', 'placeholder');
    expect(notAcme.code).toBe(1);
    expect(notAcme.stderr).toContain('"placeholder" is not a certificate this agent renews');

    // An admin's import over it takes the name over: the agent stops renewing it.
    const own = selfSigned('cli.acme.test', ['DNS:cli.acme.test']);
    await client.result('cert.import', { name: 'cli', pem: [own.key, own.cert] });
    await client.waitForEvent(
      (e) => e.topic === 'cert' && e.data.name === 'cli' && e.data.step === 'forgotten',
    );
    const renewals = JSON.parse(readFileSync(join(agent.dataDir, 'acme', 'renewals.json'), 'utf8')) as {
      certificates: { name: string }[];
    };
    expect(renewals.certificates.map((c) => c.name)).not.toContain('cli');
    expect((await cli('list')).stdout).toMatch(/^cli\s.*\simported\s+-\s/m);
  }, 60_000);

  it('portico cert request --agents: the Console orders through each agent, its steps shown per agent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-acme-console-'));
    try {
      writeFileSync(join(dir, 'token'), readFileSync(join(agent.dataDir, 'token')));
      const portico = async (...argv: string[]) => {
        let out = '';
        let err = '';
        const code = await runPortico(argv, {
          stdout: { write: (t: string) => (out += t) },
          stderr: { write: (t: string) => (err += t) },
          env: { PORTICO_CONSOLE_DIR: join(dir, 'console'), PORTICO_LOG_LEVEL: 'silent' },
          cwd: dir,
        });
        return { code, out, err };
      };
      expect((await portico('pair', `127.0.0.1:${agent.apiPort}`, '--token-file', 'token')).code).toBe(0);
      const { id } = JSON.parse(readFileSync(join(agent.dataDir, 'agent.json'), 'utf8')) as { id: string };
      const requested = await portico(
        'cert',
        'request',
        '--agents',
        id,
        '--name',
        'console',
        '--domain',
        'console.acme.test',
        '--directory',
        pebble.directoryUrl,
        '--directory-ca',
        'pebble-https',
        '--email',
        'admin@acme.test',
        '--bind',
        'secure',
      );
      expect(requested.err).toBe('');
      expect(requested.code).toBe(0);
      expect(requested.out).toMatch(/: answering the HTTP-01 challenge for console\.acme\.test\n/);
      expect(requested.out).toMatch(
        /^ok +.*: issued "console" \(expires \d{4}-\d\d-\d\d, renews .*\); bound to secure$/m,
      );
      const failed = await portico(
        'cert',
        'request',
        '--agents',
        id,
        '--name',
        'x',
        '--domain',
        'x.acme.test',
        '--directory',
        'ftp://nowhere',
        '--email',
        'a@acme.test',
      );
      expect(failed.code).toBe(1);
      expect(failed.out).toMatch(/^FAIL .*https URL/m);
      // A CA that does not answer: said so, nothing stored.
      const closed = await freePort();
      const gone = await portico(
        'cert',
        'request',
        '--agents',
        id,
        '--name',
        'gone',
        '--domain',
        'gone.acme.test',
        '--directory',
        `https://127.0.0.1:${closed}/dir`,
        '--email',
        'a@acme.test',
      );
      expect(gone.code).toBe(1);
      // (The Console's IPC codes have no ACME code yet: the agent's error arrives as AGENT_ERROR.)
      // In words, without the method's name.
      expect(gone.out).toMatch(
        /^FAIL .*: AGENT_ERROR cannot reach the ACME directory https:\/\/127\.0\.0\.1:\d+\/dir \(ECONNREFUSED/m,
      );
      expect(gone.out).not.toContain('cert.request:');
      const { certificates } = (await client.result('cert.list')) as { certificates: { name: string }[] };
      expect(certificates.map((c) => c.name)).not.toContain('gone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** `portico-agent …` as an admin runs it: a process of its own, output captured. */
function runCli(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL('../../agent/cli.ts', import.meta.url).pathname, ...argv],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
