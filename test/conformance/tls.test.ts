/**
 * Conformance, TLS on both sides: offload with certificates chosen by SNI (exact name,
 * wildcard, the first as the default), the minimum version, and re-encrypt to real servers
 * verified against a CA from the store — and refused when a server's certificate does not
 * chain to it or does not carry the expected name.
 */
import { X509Certificate } from 'node:crypto';
import { createServer, request, type Server } from 'node:https';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differs, ENGINES, startEngine, type EngineUnderTest } from '../support/conformance.ts';
import { TestPki, type Issued } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';
import { servedLeaf } from '../support/tls.ts';

let pki: TestPki;
let root: Issued;
let www: Issued;
let wild: Issued;
let internal: Issued;
const servers: Server[] = [];
const tlsBackends: Record<'good' | 'otherCa' | 'otherName', number> = { good: 0, otherCa: 0, otherName: 0 };

async function tlsBackend(name: string, cert: Issued): Promise<number> {
  const s = createServer({ key: cert.key, cert: cert.chain }, (req, res) => {
    res.setHeader('x-backend', name);
    res.end(JSON.stringify({ url: req.url, sni: (req.socket as import('node:tls').TLSSocket).servername }));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

beforeAll(async () => {
  pki = new TestPki();
  root = pki.root('Conformance Root');
  www = pki.issue(root, { cn: 'www.example.com', sans: ['www.example.com'] });
  wild = pki.issue(root, { cn: '*.mail.example.com', sans: ['*.mail.example.com'] });
  internal = pki.root('Internal CA');
  const other = pki.root('Someone Else');
  tlsBackends.good = await tlsBackend(
    'good',
    pki.issue(internal, { cn: 'backend.test', sans: ['backend.test'] }),
  );
  tlsBackends.otherCa = await tlsBackend(
    'otherCa',
    pki.issue(other, { cn: 'backend.test', sans: ['backend.test'] }),
  );
  tlsBackends.otherName = await tlsBackend(
    'otherName',
    pki.issue(internal, { cn: 'elsewhere.test', sans: ['elsewhere.test'] }),
  );
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  pki?.cleanup();
});

const fp = (pem: string) => new X509Certificate(pem).fingerprint256;

function get(
  port: number,
  servername: string,
): Promise<{ status: number; body: string; backend: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/x',
        servername,
        ca: root.cert,
        headers: { host: servername },
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body, backend: res.headers['x-backend'] as string | undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function handshake(port: number, o: { maxVersion?: 'TLSv1.2' | 'TLSv1.3' }): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, servername: 'www.example.com', ca: root.cert, ...o });
    s.once('secureConnect', () => {
      resolve(s.getProtocol() ?? '');
      s.destroy();
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(`refused (${err.code ?? err.message})`));
  });
}

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  let offload: number;
  let modern: number;
  const reencrypt = { good: 0, otherCa: 0, otherName: 0, unverified: 0 };
  beforeAll(async () => {
    e = await startEngine(kind);
    e.certs.certs.set('www', { key: www.key, chain: www.chain });
    e.certs.certs.set('mail', { key: wild.key, chain: wild.chain });
    e.certs.cas.set('internal-ca', internal.cert);
    offload = await freePort();
    modern = await freePort();
    for (const k of Object.keys(reencrypt) as (keyof typeof reencrypt)[]) reencrypt[k] = await freePort();
    const tlsPool = (name: string, port: number, verify: Record<string, unknown>) => ({
      name,
      servers: [{ name: 'rs', address: '127.0.0.1', port }],
      retries: 0,
      reencrypt: verify,
    });
    const ca = { verify: 'ca', ca: 'internal-ca', serverName: 'backend.test' };
    const https = (name: string, port: number, pool: string, tls: Record<string, unknown> = {}) => ({
      name,
      protocol: 'https',
      listen: { address: '127.0.0.1', port },
      tls: { certificates: ['www', 'mail'], ...tls },
      pool,
    });
    await e.apply({
      pools: [
        tlsPool('good', tlsBackends.good, ca),
        tlsPool('otherCa', tlsBackends.otherCa, ca),
        tlsPool('otherName', tlsBackends.otherName, ca),
        tlsPool('unverified', tlsBackends.otherCa, { verify: 'none', serverName: 'backend.test' }),
      ],
      virtualServices: [
        https('offload', offload, 'good'),
        https('modern', modern, 'good', { cipherProfile: 'modern' }),
        https('re-good', reencrypt.good, 'good'),
        https('re-other-ca', reencrypt.otherCa, 'otherCa'),
        https('re-other-name', reencrypt.otherName, 'otherName'),
        https('re-unverified', reencrypt.unverified, 'unverified'),
      ],
    });
  });
  afterAll(() => e?.stop());

  it('offload: the certificate by SNI — exact, wildcard, else the first', async () => {
    expect(await servedLeaf(offload, 'www.example.com')).toBe(fp(www.cert));
    expect(await servedLeaf(offload, 'a.mail.example.com')).toBe(fp(wild.cert));
    expect(await servedLeaf(offload, 'unknown.example.net')).toBe(fp(www.cert));
    expect(await get(offload, 'www.example.com')).toMatchObject({ status: 200, backend: 'good' });
  });

  it('minimum version: the modern profile takes TLS 1.3 only', async () => {
    expect(await handshake(modern, {})).toBe('TLSv1.3');
    expect(await handshake(modern, { maxVersion: 'TLSv1.2' })).toMatch(/^refused/);
    expect(await handshake(offload, { maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
  });

  it('re-encrypt: verified against the CA, the expected name sent as SNI', async () => {
    const r = await get(reencrypt.good, 'www.example.com');
    expect(r).toMatchObject({ status: 200, backend: 'good' });
    expect(JSON.parse(r.body)).toMatchObject({ sni: 'backend.test' });
  });

  it.each(['otherCa', 'otherName'] as const)(
    're-encrypt refuses a server certificate from %s: 502, nothing forwarded',
    async (which) => {
      const r = await get(reencrypt[which], 'www.example.com');
      expect(r.status).toBe(502);
      expect(r.backend).toBeUndefined();
      // HAProxy reports a failed TLS handshake to a server as a failed connection.
      expect(r.body).toMatch(
        differs(
          kind,
          { builtin: /UPSTREAM_TLS/, haproxy: /CONNECT_FAILED/ },
          'HAProxy counts TLS failures as connect errors',
        ),
      );
    },
  );

  it('re-encrypt with verify none takes any certificate', async () => {
    expect(await get(reencrypt.unverified, 'www.example.com')).toMatchObject({
      status: 200,
      backend: 'otherCa',
    });
  });
});
