/**
 * Every built-in template applied to a real engine, with real traffic through it: real
 * listeners on loopback, real back ends, real TLS with certificates from a test PKI. Runs once
 * the engine is on config model v2.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentConfig } from '../../shared/model/config.ts';
import { startBackend, type Backend } from '../support/backends.ts';
import { startEngine, until, type TestEngine } from '../support/engine.ts';
import { freePort } from '../support/ports.ts';
import { applyTemplate } from '../../shared/templates/apply.ts';
import { getBuiltinTemplate } from '../../shared/templates/builtin.ts';
import { Template } from '../../shared/templates/template.ts';
import {
  get,
  makeTestPki,
  startTlsBackend,
  type TestPkiSet,
  type TlsBackend,
} from '../support/template-traffic.ts';

let pkis: TestPkiSet;
let engine: TestEngine | undefined;
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  pkis = makeTestPki();
});
afterAll(() => pkis.pki.cleanup());
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Applies a template (a built-in by id) to an empty config and runs the result. */
async function run(template: string | Template, params: Record<string, unknown>): Promise<AgentConfig> {
  const t = typeof template === 'string' ? getBuiltinTemplate(template)! : template;
  const r = applyTemplate(AgentConfig.parse({}), t, params);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  engine = await startEngine(r.config, { certs: pkis.certs });
  return r.config;
}

async function tlsBackend(name: string, sans: string[] = []): Promise<TlsBackend> {
  const b = await startTlsBackend(name, pkis.pki, pkis.internalRoot, sans);
  closers.push(b.close);
  return b;
}

async function plainBackend(name: string): Promise<Backend> {
  const b = await startBackend(name);
  closers.push(b.close);
  return b;
}

const loopback = (b: { name: string; port: number }) => ({
  name: b.name,
  address: '127.0.0.1',
  port: b.port,
});

describe('built-in templates carry traffic', () => {
  it('exchange-2010-cas: HTTPS offload + verified re-encrypt to two CAS, sticky by cookie; port 80 redirects', async () => {
    const cas = [await tlsBackend('cas01'), await tlsBackend('cas02')];
    const [https, http] = [await freePort(), await freePort()];
    await run('exchange-2010-cas', {
      name: 'mail',
      listenAddress: '127.0.0.1',
      httpsPort: https,
      httpPort: http,
      certificate: 'mail',
      backendCa: 'internal-ca',
      servers: cas.map(loopback),
    });
    const url = `https://127.0.0.1:${https}/owa/`;
    const ca = pkis.publicRoot.cert;
    const first = await get(url, 'mail.contoso.com', { ca });
    expect(first.status).toBe(200);
    expect(['cas01', 'cas02']).toContain(first.json?.backend);
    expect(first.json?.headers['x-forwarded-proto']).toBe('https');
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^PORTICO_CAS=/);
    for (let i = 0; i < 3; i++) {
      expect((await get(url, 'mail.contoso.com', { ca, cookie })).json?.backend).toBe(first.json?.backend);
    }
    // Each CAS is checked with GET /owa/ (Exchange 2010 has no healthcheck.htm), over verified HTTPS.
    await until(() => cas.every((b) => b.paths.includes('/owa/')), 'health checks on both CAS');
    // The admin center is refused from outside by default.
    expect((await get(`https://127.0.0.1:${https}/ecp/`, 'mail.contoso.com', { ca })).status).toBe(403);
    const redirect = await get(`http://127.0.0.1:${http}/owa/?a=1`, 'mail.contoso.com');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`https://mail.contoso.com:${https}/owa/?a=1`);
  });

  it('lync-reverse-proxy: 443 → Front End 4443 re-encrypted with Host kept; 80 → 8080', async () => {
    const fe4443 = await tlsBackend('fe01', ['pool01.contoso.local']);
    const fe8080 = await plainBackend('fe01-8080');
    const [https, http] = [await freePort(), await freePort()];
    await run('lync-reverse-proxy', {
      listenAddress: '127.0.0.1',
      httpsPort: https,
      httpPort: http,
      certificate: 'lyncweb',
      backendCa: 'internal-ca',
      backendServerName: 'pool01.contoso.local',
      // One list of Front Ends; the template puts them on 4443 and 8080 (here: the test's ports).
      servers: [{ name: 'fe01', address: '127.0.0.1' }],
      serverHttpsPort: fe4443.port,
      serverHttpPort: fe8080.port,
    });
    const secure = await get(`https://127.0.0.1:${https}/meet/contoso`, 'lyncweb.contoso.com', {
      ca: pkis.publicRoot.cert,
    });
    expect(secure.status).toBe(200);
    expect(secure.json?.backend).toBe('fe01');
    expect(secure.json?.headers.host).toBe('lyncweb.contoso.com');
    expect(String(secure.headers['set-cookie'])).toMatch(/^MS-WSMAN=/);
    expect(fe4443.sni.at(-1)).toBe('pool01.contoso.local');
    const plain = await get(`http://127.0.0.1:${http}/dialin/`, 'lyncweb.contoso.com');
    expect(plain.json?.backend).toBe('fe01-8080');
    expect(plain.json?.headers.host).toBe('lyncweb.contoso.com');
  });

  it('https-offload: TLS ends at the balancer, plain HTTP to the real servers', async () => {
    const web = [await plainBackend('web01'), await plainBackend('web02')];
    const port = await freePort();
    await run('https-offload', {
      listenAddress: '127.0.0.1',
      port,
      certificate: 'www',
      servers: web.map(loopback),
    });
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await get(`https://127.0.0.1:${port}/app`, 'www.contoso.com', { ca: pkis.publicRoot.cert });
      expect(r.status).toBe(200);
      expect(r.json?.headers['x-forwarded-proto']).toBe('https');
      seen.add(r.json!.backend);
    }
    expect(seen).toEqual(new Set(['web01', 'web02']));
  });

  it('https-reencrypt: TLS to the balancer and again, verified, to the real server', async () => {
    const app = await tlsBackend('app01');
    const port = await freePort();
    await run('https-reencrypt', {
      listenAddress: '127.0.0.1',
      port,
      certificate: 'www',
      backendCa: 'internal-ca',
      servers: [loopback(app)],
    });
    const r = await get(`https://127.0.0.1:${port}/x`, 'www.contoso.com', { ca: pkis.publicRoot.cert });
    expect(r.status).toBe(200);
    expect(r.json?.backend).toBe('app01');
    await until(() => app.paths.includes('/'), 'an HTTPS health check on the real server');
  });

  it('tcp: connections piped to the real server unchanged', async () => {
    const svc = await plainBackend('svc01');
    const port = await freePort();
    await run('tcp', { listenAddress: '127.0.0.1', port, servers: [loopback(svc)] });
    const r = await get(`http://127.0.0.1:${port}/raw`, 'svc.contoso.com');
    expect(r.json?.backend).toBe('svc01');
    // L4: the balancer adds nothing to the request.
    expect(r.json?.headers['x-forwarded-for']).toBeUndefined();
  });

  it('http-redirect: every request answered with a redirect to HTTPS', async () => {
    const port = await freePort();
    await run('http-redirect', { listenAddress: '127.0.0.1', port, toPort: 8443, status: 308 });
    const r = await get(`http://127.0.0.1:${port}/login?next=%2F`, 'www.contoso.com');
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe('https://www.contoso.com:8443/login?next=%2F');
  });

  // The second row is the control: the same server in a pool per service is two members,
  // each probed, so the count below can tell one probe from two.
  it.each([
    ['one pool used by both services', ['web', 'web'], ['web/web01']],
    ['a pool per service', ['web-a', 'web-b'], ['web-a/web01', 'web-b/web01']],
  ])('%s: each pool is listed and probed once', async (_what, [httpsPool, httpPool], keys) => {
    const web = await plainBackend('web01');
    const [https, http] = [await freePort(), await freePort()];
    const pools = [...new Set([httpsPool, httpPool])].map((name) => ({
      name,
      servers: '{{servers}}',
      // One probe at start, then none for an hour: every probe the test sees is a first one.
      healthCheck: { type: 'http', path: '/health', intervalMs: 3_600_000, rise: 1 },
    }));
    const template = Template.parse({
      id: 'shared-pool',
      version: 1,
      name: 'HTTPS and HTTP to the same servers',
      parameters: [
        { name: 'servers', type: 'realServers', label: 'Servers', required: true },
        { name: 'httpsPort', type: 'port', label: 'HTTPS', required: true },
        { name: 'httpPort', type: 'port', label: 'HTTP', required: true },
      ],
      pools,
      virtualServices: [
        {
          name: 'web-https',
          listen: { address: '127.0.0.1', port: '{{httpsPort}}' },
          protocol: 'https',
          tls: { certificates: ['www'] },
          pool: httpsPool,
        },
        {
          name: 'web-http',
          listen: { address: '127.0.0.1', port: '{{httpPort}}' },
          protocol: 'http',
          pool: httpPool,
        },
      ],
    });
    await run(template, { servers: [loopback(web)], httpsPort: https, httpPort: http });
    const health = () => engine!.engine.healthSnapshot();
    await until(() => health().filter((h) => h.state === 'up').length === keys.length, 'every member up');
    // Traffic through both services: a probe started alongside the first would have landed by now.
    const secure = await get(`https://127.0.0.1:${https}/a`, 'www.contoso.com', { ca: pkis.publicRoot.cert });
    const plain = await get(`http://127.0.0.1:${http}/b`, 'www.contoso.com');
    expect([secure.json?.backend, plain.json?.backend]).toEqual(['web01', 'web01']);
    expect(
      health()
        .map((h) => h.key)
        .sort(),
    ).toEqual(keys);
    expect(
      engine!.engine
        .status()
        .pools.flatMap((p) => p.servers.map((s) => s.key))
        .sort(),
    ).toEqual(keys);
    expect(web.seen.filter((req) => req.url === '/health')).toHaveLength(keys.length);
  });
});
