/**
 * Conformance, a request whose Host is not the name its TLS connection was made for (SNI
 * `mail…`, Host `meet…`): answered 421 Misdirected Request where the https service's
 * sniHostMismatch says refuse (the default with several certificates), routed by its Host where
 * it says route-by-host (the default with one). Names compare without port, case or trailing
 * dot; a request without SNI is never refused for this. Real TLS clients, real certificates.
 */
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type Backend } from '../support/backends.ts';
import { ENGINES, pool, startEngine, type EngineUnderTest } from '../support/conformance.ts';
import { TestPki, type Issued } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';

const MISDIRECTED =
  '421 Misdirected Request: the Host of this request is not the name (SNI) its TLS connection was made for\n';

let pki: TestPki;
let root: Issued;
let mail: Issued;
let meet: Issued;
let backends: Backend[];
beforeAll(async () => {
  pki = new TestPki();
  root = pki.root('SNI Root');
  mail = pki.issue(root, { cn: 'mail.example.com', sans: ['mail.example.com'] });
  meet = pki.issue(root, { cn: 'meet.example.com', sans: ['meet.example.com'] });
  backends = await startBackends(['mail', 'meet']);
});
afterAll(async () => {
  await Promise.all((backends ?? []).map((b) => b.close()));
  pki?.cleanup();
});

interface Answer {
  status: number;
  body: string;
  backend: string | undefined;
  /** The leaf the client was shown. */
  leaf: string;
}

/** One request on its own connection: `sni` undefined sends none (a client that dialled an address). */
function get(port: number, sni: string | undefined, host: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        ca: root.cert,
        agent: false,
        // An empty servername sends no SNI; the name checked is then the Host's own.
        servername: sni ?? '',
        checkServerIdentity: () => undefined,
        headers: host === undefined ? {} : { host },
        setHost: host !== undefined,
      },
      (res) => {
        const leaf = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate()?.fingerprint256;
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body,
            backend: res.headers['x-backend'] as string | undefined,
            leaf: leaf ?? '',
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const fp = (pem: string) => new X509Certificate(pem).fingerprint256;

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  const port = { byDefault: 0, routeByHost: 0, oneCertificate: 0, oneRefusing: 0 };
  beforeAll(async () => {
    e = await startEngine(kind);
    e.certs.certs.set('mail', { key: mail.key, chain: mail.chain });
    e.certs.certs.set('meet', { key: meet.key, chain: meet.chain });
    for (const k of Object.keys(port) as (keyof typeof port)[]) port[k] = await freePort();
    const byHost = [
      { name: 'mail', host: ['mail.example.com'], pool: 'mail' },
      { name: 'meet', host: ['meet.example.com'], pool: 'meet' },
    ];
    const https = (
      name: string,
      at: number,
      certificates: string[],
      extra: Record<string, unknown> = {},
    ) => ({
      name,
      protocol: 'https',
      listen: { address: '127.0.0.1', port: at },
      tls: { certificates },
      contentRules: byHost,
      ...extra,
    });
    await e.apply({
      pools: [pool('mail', [backends[0]!.port]), pool('meet', [backends[1]!.port])],
      virtualServices: [
        https('by-default', port.byDefault, ['mail', 'meet']),
        https('route-by-host', port.routeByHost, ['mail', 'meet'], { sniHostMismatch: 'route-by-host' }),
        https('one-certificate', port.oneCertificate, ['mail']),
        https('one-refusing', port.oneRefusing, ['mail'], { sniHostMismatch: 'refuse' }),
      ],
    });
  });
  afterAll(() => e?.stop());

  it('SNI and Host agree: each name gets its certificate and its pool', async () => {
    for (const at of Object.values(port)) {
      expect(await get(at, 'meet.example.com', 'meet.example.com')).toMatchObject({
        status: 200,
        backend: 'meet',
      });
    }
    const r = await get(port.byDefault, 'mail.example.com', 'mail.example.com');
    expect(r).toMatchObject({ status: 200, backend: 'mail', leaf: fp(mail.cert) });
    expect((await get(port.byDefault, 'meet.example.com', 'meet.example.com')).leaf).toBe(fp(meet.cert));
  });

  it('SNI mail, Host meet: 421 with several certificates (the default), nothing forwarded', async () => {
    const before = backends[1]!.seen.length;
    const r = await get(port.byDefault, 'mail.example.com', 'meet.example.com');
    expect(r).toMatchObject({ status: 421, body: MISDIRECTED, backend: undefined, leaf: fp(mail.cert) });
    expect(backends[1]!.seen.length).toBe(before);
  });

  it('refuse on a one-certificate service when the admin chose it', async () => {
    expect(await get(port.oneRefusing, 'mail.example.com', 'meet.example.com')).toMatchObject({
      status: 421,
      body: MISDIRECTED,
    });
  });

  it('route-by-host (chosen, or the default with one certificate): the Host decides', async () => {
    for (const at of [port.routeByHost, port.oneCertificate]) {
      expect(await get(at, 'mail.example.com', 'meet.example.com')).toMatchObject({
        status: 200,
        backend: 'meet',
      });
    }
  });

  it.each([
    ['the port', 'mail.example.com:443'],
    ['case', 'MAIL.Example.COM'],
    ['a trailing dot', 'mail.example.com.'],
  ])('names that differ only by %s agree', async (_what, host) => {
    expect(await get(port.byDefault, 'mail.example.com', host)).toMatchObject({
      status: 200,
      backend: 'mail',
    });
  });

  it('no SNI (a client that dialled the address): routed by Host, never refused for this', async () => {
    expect(await get(port.byDefault, undefined, 'meet.example.com')).toMatchObject({
      status: 200,
      backend: 'meet',
      leaf: fp(mail.cert),
    });
  });
});
