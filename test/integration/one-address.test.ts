/**
 * One public address, three applications (issue 18), as an admin sets it up from the CLI on two
 * agents of one fleet: certificates pushed with `portico cert push`, the internal CA imported
 * with `portico-agent cert import`, then `portico template apply` of exchange-2016, one-address
 * (Lync: 443 → Front End 4443 re-encrypted, 80 → 8080) and adfs on each agent. Real agent
 * processes, real back ends, real TLS clients: each host name gets its certificate and its pool,
 * re-encrypt with the names chosen, port 80 redirects or forwards per host, and a request whose
 * SNI and Host disagree is answered as configured (421 by default with several certificates,
 * routed by Host on the agent told route-by-host).
 */
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCertCommand } from '../../agent/certs/cert-command.ts';
import { startBackend, type Backend } from '../support/backends.ts';
import { startCliFleet, type CliFleet } from '../support/cli-fleet.ts';
import { until } from '../support/engine.ts';
import type { FleetAgent } from '../support/fleet-agent.ts';
import { TestPki, type Issued } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';
import { startTlsBackend, type TlsBackend } from '../support/template-traffic.ts';

const EXCHANGE = ['mail.contoso.com', 'autodiscover.contoso.com'];
const LYNC = ['meet.contoso.com', 'dialin.contoso.com', 'lyncdiscover.contoso.com'];
const STS = 'sts.contoso.com';

let fleet: CliFleet;
let pki: TestPki;
let publicRoot: Issued;
const leaf: Record<'mail' | 'lyncweb' | 'sts', Issued> = {} as never;
const tls: Record<'ex01' | 'ex02' | 'fe01' | 'adfs01', TlsBackend> = {} as never;
let fe8080: Backend;
let adfsProbe: Backend;
/** Per agent: where its shared services listen. */
const ports = new Map<FleetAgent, { https: number; http: number; redirect: number }>();

const cli = (...argv: string[]) => fleet.cli(...argv);
const file = (name: string, content: string) => {
  const path = join(fleet.dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(async () => {
  fleet = await startCliFleet('oneaddr');
  pki = new TestPki();
  publicRoot = pki.root('Public Root');
  const internal = pki.root('Contoso Internal Root');
  leaf.mail = pki.issue(publicRoot, { cn: EXCHANGE[0]!, sans: EXCHANGE });
  leaf.lyncweb = pki.issue(publicRoot, { cn: LYNC[0]!, sans: LYNC });
  leaf.sts = pki.issue(publicRoot, { cn: STS, sans: [STS] });
  tls.ex01 = await startTlsBackend('ex01', pki, internal);
  tls.ex02 = await startTlsBackend('ex02', pki, internal);
  tls.fe01 = await startTlsBackend('fe01', pki, internal, ['pool01.contoso.local']);
  tls.adfs01 = await startTlsBackend('adfs01', pki, internal, [STS]);
  fe8080 = await startBackend('fe01-8080');
  adfsProbe = await startBackend('adfs01-probe');

  const internalCa = file('internal-root.cer', internal.cert);
  for (const [agent, token] of [
    [fleet.a, 'a.token'],
    [fleet.b, 'b.token'],
  ] as const) {
    const paired = await cli('pair', `127.0.0.1:${agent.port}`, '--token-file', join(fleet.dir, token));
    expect(paired.code, paired.err).toBe(0);
    // On the appliance: the CA the real servers' certificates chain to, for re-encrypt.
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } };
    const imported = await runCertCommand(
      ['cert', 'import', '--data-dir', agent.dataDir, '--name', 'internal-ca', '--pem', internalCa],
      io,
    );
    expect(imported, err).toBe(0);
    ports.set(agent, { https: await freePort(), http: await freePort(), redirect: await freePort() });
  }
  // From the Console: each public certificate, key + chain + root, to both agents.
  for (const name of ['mail', 'lyncweb', 'sts'] as const) {
    const pem = file(`${name}.pem`, leaf[name].key + leaf[name].chain + leaf[name].root);
    const pushed = await cli(
      'cert',
      'push',
      pem,
      '--agents',
      'oneaddr-a,oneaddr-b',
      '--name',
      name,
      '--no-aia',
    );
    expect(pushed.code, pushed.err).toBe(0);
  }
}, 90_000);

afterAll(async () => {
  await Promise.all([...Object.values(tls), fe8080, adfsProbe].map((b) => b?.close()));
  await fleet?.close();
  pki?.cleanup();
});

/** The parameters an admin writes for one agent (here: each agent's own loopback ports). */
function params(agent: FleetAgent, extra: Record<string, unknown>): string {
  const p = ports.get(agent)!;
  return file(
    `params-${agent.name}-${Object.keys(extra).join('-')}.json`,
    JSON.stringify({
      listenAddress: '127.0.0.1',
      httpsPort: p.https,
      httpPort: p.http,
      redirectPort: p.redirect,
      backendCa: 'internal-ca',
      ...extra,
    }),
  );
}

const exchange = () => ({
  hostNames: EXCHANGE,
  certificate: 'mail',
  servers: [tls.ex01, tls.ex02].map((b) => ({ name: b.name, address: '127.0.0.1', port: b.port })),
});
const lync = () => ({
  name: 'lync',
  hostNames: LYNC,
  certificate: 'lyncweb',
  servers: [{ name: 'fe01', address: '127.0.0.1' }],
  serverPort: tls.fe01.port,
  backendServerName: 'pool01.contoso.local',
  persistence: 'cookie',
  cookieName: 'MS-WSMAN',
  port80: 'forward',
  serverHttpPort: fe8080.port,
  idleTimeoutMs: 1_800_000,
});
const adfs = () => ({
  federationServiceName: STS,
  certificate: 'sts',
  servers: [{ name: 'adfs01', address: '127.0.0.1', port: tls.adfs01.port }],
  probePort: adfsProbe.port,
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  backend: string | undefined;
  /** What the real server saw: its path and Host. */
  seen: { url?: string; headers?: Record<string, string> };
  /** The leaf the client was shown (https). */
  leaf?: string;
}

/** One request on its own connection, SNI and Host chosen apart (SNI defaults to the Host). */
function send(
  scheme: 'http' | 'https',
  port: number,
  host: string,
  path: string,
  sni: string = host,
  /** Accept a certificate that does not name `sni` (to reach a name no application has). */
  anyName = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, agent: false as const, headers: { host } };
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => {
        let seen = {};
        try {
          seen = JSON.parse(body) as Answer['seen'];
        } catch {
          // A text answer of the balancer's own (a redirect, a refusal).
        }
        const cert = scheme === 'https' ? (res.socket as TLSSocket).getPeerX509Certificate() : undefined;
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          backend: (res.headers['x-backend'] as string | undefined) ?? (seen as { backend?: string }).backend,
          seen,
          ...(cert ? { leaf: cert.fingerprint256 } : {}),
        });
      });
    };
    const req =
      scheme === 'https'
        ? httpsRequest(
            {
              ...options,
              servername: sni,
              ca: publicRoot.cert,
              ...(anyName ? { checkServerIdentity: () => undefined } : {}),
            },
            onResponse,
          )
        : httpRequest(options, onResponse);
    req.on('error', reject);
    req.end();
  });
}

const fp = (issued: Issued) => new X509Certificate(issued.cert).fingerprint256;

describe('three applications on one address, two agents of one fleet', () => {
  it('applies Exchange, then Lync and AD FS join the address instead of "already used"', async () => {
    for (const agent of [fleet.a, fleet.b]) {
      const ex = await cli(
        'template',
        'apply',
        'exchange-2016',
        '--params',
        params(agent, exchange()),
        '--agents',
        agent.name,
      );
      expect(ex.code, ex.out + ex.err).toBe(0);
      expect(ex.out).toMatch(/created .*virtualService edge-https, virtualService edge-http/);

      const ly = await cli(
        'template',
        'apply',
        'one-address',
        '--params',
        params(agent, lync()),
        '--agents',
        agent.name,
      );
      expect(ly.code, ly.out + ly.err).toBe(0);
      expect(ly.out).toMatch(
        /plan {2}.*: add pool lync, add pool lync-http, replace virtualService edge-https, replace virtualService edge-http/,
      );

      const ad = await cli(
        'template',
        'apply',
        'adfs',
        '--params',
        params(agent, adfs()),
        '--agents',
        agent.name,
      );
      expect(ad.code, ad.out + ad.err).toBe(0);
      expect(ad.out).toMatch(/plan {2}.*: add pool adfs, replace virtualService edge-https \(/);
    }
    const listed = await cli('agents');
    // 8 Exchange pools, lync, lync-http, adfs and the loopback redirect; three services.
    expect(listed.out.match(/12 pools, 3 virtual services/g)).toHaveLength(2);
  }, 60_000);

  it('each host name gets its certificate and its pool, on both agents', async () => {
    for (const agent of [fleet.a, fleet.b]) {
      const { https } = ports.get(agent)!;
      const owa = await send('https', https, 'mail.contoso.com', '/owa/');
      expect(owa).toMatchObject({ status: 200, leaf: fp(leaf.mail), seen: { url: '/owa/' } });
      expect(['ex01', 'ex02']).toContain(owa.backend);
      const eas = await send('https', https, 'autodiscover.contoso.com', '/Autodiscover/Autodiscover.xml');
      expect(eas).toMatchObject({ status: 200, leaf: fp(leaf.mail) });
      expect(['ex01', 'ex02']).toContain(eas.backend);

      const meet = await send('https', https, 'meet.contoso.com', '/contoso/abc');
      expect(meet).toMatchObject({ status: 200, backend: 'fe01', leaf: fp(leaf.lyncweb) });
      // Host reaches the Front End as the client sent it; persistence by MS-WSMAN.
      expect(meet.seen.headers?.host).toBe('meet.contoso.com');
      expect(String(meet.headers['set-cookie'])).toMatch(/^MS-WSMAN=/);

      const sts = await send('https', https, STS, '/adfs/ls/');
      expect(sts).toMatchObject({ status: 200, backend: 'adfs01', leaf: fp(leaf.sts) });

      // Exchange's deny paths hold for the whole address.
      expect((await send('https', https, 'mail.contoso.com', '/ecp/')).status).toBe(403);
      // A name no application serves: the first certificate, then 404, not some application's pool.
      const other = await send('https', https, 'www.contoso.com', '/', 'www.contoso.com', true);
      expect(other).toMatchObject({ status: 404, leaf: fp(leaf.mail) });
    }
  });

  it('re-encrypts to every server with the name chosen, and probes each the way its application needs', async () => {
    // SNI to the Front End is the pool's server name; AD FS gets the federation service name.
    expect(tls.fe01.sni).toContain('pool01.contoso.local');
    expect(tls.adfs01.sni).toContain(STS);
    await until(
      () =>
        [
          '/owa/healthcheck.htm',
          '/ews/healthcheck.htm',
          '/Microsoft-Server-ActiveSync/healthcheck.htm',
        ].every((p) => tls.ex01.paths.includes(p) && tls.ex02.paths.includes(p)) &&
        adfsProbe.seen.some((r) => r.url === '/adfs/probe'),
      'per-vdir Exchange probes and the AD FS probe',
      20_000,
    );
  });

  it('port 80 redirects Exchange and AD FS to HTTPS and forwards Lync to 8080, per host', async () => {
    for (const agent of [fleet.a, fleet.b]) {
      const { http, https } = ports.get(agent)!;
      const owa = await send('http', http, 'mail.contoso.com', '/owa/?x=1');
      expect(owa.status).toBe(301);
      expect(owa.headers.location).toBe(`https://mail.contoso.com:${https}/owa/?x=1`);
      const sts = await send('http', http, STS, '/adfs/ls/');
      expect(sts.headers.location).toBe(`https://${STS}:${https}/adfs/ls/`);
      const discover = await send('http', http, 'lyncdiscover.contoso.com', '/?sipuri=x');
      expect(discover).toMatchObject({ status: 200, backend: 'fe01-8080' });
      expect(discover.seen.headers?.host).toBe('lyncdiscover.contoso.com');
    }
  });

  it('SNI mail, Host meet: 421 by default; routed by Host where the admin chose route-by-host', async () => {
    const a = ports.get(fleet.a)!;
    const before = tls.fe01.paths.length;
    const refused = await send('https', a.https, 'meet.contoso.com', '/', 'mail.contoso.com');
    expect(refused).toMatchObject({ status: 421, leaf: fp(leaf.mail), backend: undefined });
    expect(tls.fe01.paths.length).toBe(before);

    const b = ports.get(fleet.b)!;
    const chosen = await cli(
      'template',
      'apply',
      'one-address',
      '--params',
      params(fleet.b, { ...lync(), sniHostMismatch: 'route-by-host' }),
      '--agents',
      fleet.b.name,
    );
    expect(chosen.code, chosen.out + chosen.err).toBe(0);
    expect(chosen.out).toMatch(/plan {2}.*: replace virtualService edge-https \(/);
    const routed = await send('https', b.https, 'meet.contoso.com', '/', 'mail.contoso.com');
    expect(routed).toMatchObject({ status: 200, backend: 'fe01', leaf: fp(leaf.mail) });
    // Agent a was not touched.
    expect((await send('https', a.https, 'meet.contoso.com', '/', 'mail.contoso.com')).status).toBe(421);
  }, 30_000);
});
