/**
 * Conformance, what an https service answers when it will not forward, in words that do not
 * mislead: a request no content rule matches on a service without a default pool is 404 "no
 * service for this host/path" (a 503 would read as an outage), and a deny path's 403 on an
 * https service does not tell the client to "use HTTPS" (it already does). Real TLS clients.
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type Backend } from '../support/backends.ts';
import { ENGINES, pool, startEngine, type EngineUnderTest } from '../support/conformance.ts';
import { TestPki, type Issued } from '../support/pki.ts';
import { freePort } from '../support/ports.ts';

let pki: TestPki;
let root: Issued;
let mail: Issued;
let backends: Backend[];
beforeAll(async () => {
  pki = new TestPki();
  root = pki.root('Refusals Root');
  mail = pki.issue(root, { cn: 'mail.example.com', sans: ['mail.example.com'] });
  backends = await startBackends(['mail']);
});
afterAll(async () => {
  await Promise.all((backends ?? []).map((b) => b.close()));
  pki?.cleanup();
});

function get(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: root.cert,
        agent: false,
        servername: 'mail.example.com',
        headers: { host },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe.each(ENGINES)('%s engine', (kind) => {
  let e: EngineUnderTest;
  let port: number;
  beforeAll(async () => {
    e = await startEngine(kind);
    e.certs.certs.set('mail', { key: mail.key, chain: mail.chain });
    port = await freePort();
    await e.apply({
      pools: [pool('mail', [backends[0]!.port])],
      virtualServices: [
        {
          name: 'mail',
          protocol: 'https',
          listen: { address: '127.0.0.1', port },
          tls: { certificates: ['mail'] },
          // No default pool: only mail.example.com is served here.
          contentRules: [{ name: 'mail', host: ['mail.example.com'], pool: 'mail' }],
          denyPaths: ['/ecp'],
        },
      ],
    });
  });
  afterAll(() => e?.stop());

  it('a name no rule serves: 404 "no service for this host/path", not 503', async () => {
    const before = backends[0]!.seen.length;
    const r = await get(port, 'autodiscover.example.com', '/');
    expect(r.status).toBe(404);
    expect(r.body).toBe('404 Not Found: no service for this host/path\n');
    expect(backends[0]!.seen.length).toBe(before);
    // The name it serves still reaches its pool.
    expect((await get(port, 'mail.example.com', '/owa')).status).toBe(200);
  });

  it('a deny path on https: 403 without "use HTTPS"', async () => {
    const r = await get(port, 'mail.example.com', '/ecp/default.aspx');
    expect(r.status).toBe(403);
    expect(r.body).toBe('403 Forbidden: access to /ecp is not allowed on this service\n');
    expect(r.body).not.toMatch(/HTTPS/i);
  });
});
