/**
 * TLS offload and re-encrypt ("SSL bridging") end to end: real handshakes with chains made by
 * the test's own CAs, real HTTPS real servers, and the source-material scenarios.
 */
import { X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { TestPki, type Issued } from '../../test/support/pki.ts';
import { startEngine, until, type TestEngine } from '../../test/support/engine.ts';
import { startBackend } from '../../test/support/backends.ts';
import { freePort } from '../../test/support/ports.ts';
import type { AgentConfigInput, PoolInput } from '../../shared/model/config.ts';
import { MemoryCerts } from '../../test/support/memory-certs.ts';

interface TlsBackend {
  name: string;
  port: number;
  server: HttpsServer;
  handshakes: number;
  sni: (string | false)[];
  /** Host headers of the health checks it was sent. */
  healthHosts: (string | undefined)[];
  close(): Promise<void>;
}

async function startTlsBackend(name: string, cert: Issued): Promise<TlsBackend> {
  const b: TlsBackend = {
    name,
    port: 0,
    server: undefined as unknown as HttpsServer,
    handshakes: 0,
    sni: [],
    healthHosts: [],
    close: async () => {},
  };
  const server = createHttpsServer(
    { key: cert.key, cert: cert.chain, keepAliveTimeout: 30_000 },
    (req, res) => {
      if (req.url === '/health') {
        b.healthHosts.push(req.headers.host);
        return void res.end('ok');
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ backend: name, headers: req.headers, url: req.url }));
    },
  );
  server.on('secureConnection', (s: TLSSocket) => {
    b.handshakes++;
    b.sni.push((s as TLSSocket & { servername: string | false }).servername);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  b.port = (server.address() as { port: number }).port;
  b.server = server;
  b.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return b;
}

let pki: TestPki;
let publicRoot: Issued;
let publicCa: Issued;
let internalRoot: Issued;
let certs: MemoryCerts;
let fe: TlsBackend[];
let engine: TestEngine | undefined;

beforeAll(async () => {
  pki = new TestPki();
  publicRoot = pki.root('Public Root');
  publicCa = pki.issue(publicRoot, { cn: 'Public Issuing CA', ca: true });
  internalRoot = pki.root('Contoso Internal Root', 'rsa');
  certs = new MemoryCerts();
  const add = (name: string, i: Issued) => certs.certs.set(name, { key: i.key, chain: i.chain });
  add('lync', pki.issue(publicCa, { cn: 'lyncweb.contoso.com', keyType: 'rsa' }));
  add(
    'mail',
    pki.issue(publicCa, { cn: 'mail.contoso.com', sans: ['mail.contoso.com', 'autodiscover.contoso.com'] }),
  );
  add('www', pki.issue(publicCa, { cn: 'www.contoso.com' }));
  add('wild', pki.issue(publicCa, { cn: '*.apps.contoso.com' }));
  certs.cas.set('internal-ca', internalRoot.cert);
  fe = await Promise.all(
    ['fe01', 'fe02'].map((n) =>
      startTlsBackend(
        n,
        pki.issue(internalRoot, { cn: `${n}.contoso.local`, sans: [`${n}.contoso.local`, '127.0.0.1'] }),
      ),
    ),
  );
});

afterAll(async () => {
  await Promise.all(fe.map((b) => b.close()));
  pki.cleanup();
});

afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

const feServer = (b: TlsBackend) => ({ name: b.name, address: '127.0.0.1', port: b.port });

async function run(config: AgentConfigInput): Promise<TestEngine> {
  engine = await startEngine(config, { certs });
  return engine;
}

const loopback = (port: number) => ({ address: '127.0.0.1', port });

/** https "www" offloading with the www certificate to one plain real server "rs" in pool "www". */
function wwwOffload(port: number, rsPort: number): AgentConfigInput {
  return {
    pools: [{ name: 'www', servers: [{ name: 'rs', address: '127.0.0.1', port: rsPort }] }],
    virtualServices: [
      { name: 'www', listen: loopback(port), protocol: 'https', tls: { certificates: ['www'] }, pool: 'www' },
    ],
  };
}

/** http "re" sending to the pool "re", which speaks TLS to its servers. */
function reencrypted(
  port: number,
  reencrypt: NonNullable<PoolInput['reencrypt']>,
  servers: NonNullable<PoolInput['servers']>,
  extra: Omit<PoolInput, 'name' | 'servers' | 'reencrypt'> = {},
): AgentConfigInput {
  return {
    pools: [{ name: 're', reencrypt, servers, ...extra }],
    virtualServices: [{ name: 're', listen: loopback(port), protocol: 'http', pool: 're' }],
  };
}

/** A client that trusts the public root and speaks to 127.0.0.1 with the given SNI. */
function client(servername: string, extra: Record<string, unknown> = {}) {
  return new Agent({ connect: { ca: publicRoot.cert, servername, ...extra }, keepAliveTimeout: 10_000 });
}

async function getJson(url: string, dispatcher: Agent, headers: Record<string, string> = {}) {
  const res = await request(url, { dispatcher, headers });
  const body = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    body,
    json: res.statusCode === 200 ? JSON.parse(body) : undefined,
  };
}

/** The certificate a TLS client is shown for `servername` (undefined = no SNI). */
function peerCert(
  port: number,
  servername: string | undefined,
  options: Record<string, unknown> = {},
): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect(
      {
        host: '127.0.0.1',
        port,
        ...(servername ? { servername } : {}),
        ca: publicRoot.cert,
        rejectUnauthorized: false,
        ...options,
      },
      () => {
        const raw = s.getPeerX509Certificate();
        s.destroy();
        if (raw) resolve(raw);
        else reject(new Error('no peer certificate'));
      },
    );
    s.on('error', reject);
  });
}

describe('scenario: Lync/Skype reverse proxy', () => {
  it('offloads :443-style with the public cert, re-encrypts to :4443-style with the internal CA, forwards Host; :80-style maps to :8080-style', async () => {
    const web = await startBackend('web8080');
    try {
      const [p443, p80] = [await freePort(), await freePort()];
      const e = await run({
        pools: [
          {
            name: 'lync-fe',
            reencrypt: { verify: 'ca', ca: 'internal-ca', serverName: 'fe01.contoso.local' },
            servers: [feServer(fe[0]!)],
          },
          { name: 'lync-web', servers: [{ name: 'web', address: '127.0.0.1', port: web.port }] },
        ],
        virtualServices: [
          {
            name: 'lync-443',
            listen: loopback(p443),
            protocol: 'https',
            tls: { certificates: ['lync'] },
            timeouts: { idleMs: 1_800_000 },
            pool: 'lync-fe',
          },
          { name: 'lync-80', listen: loopback(p80), protocol: 'http', pool: 'lync-web' },
        ],
      });
      const c = client('lyncweb.contoso.com');
      const res = await getJson(`https://127.0.0.1:${e.port('lync-443')}/meet/x`, c, {
        host: 'lyncweb.contoso.com',
      });
      await c.close();
      expect(res.status).toBe(200);
      expect(res.json.backend).toBe('fe01');
      expect(res.json.headers.host).toBe('lyncweb.contoso.com');
      expect(res.json.headers['x-forwarded-proto']).toBe('https');
      expect(fe[0]!.sni.at(-1)).toBe('fe01.contoso.local');
      const plain = await request(`${e.url('lync-80')}/x`, { headers: { host: 'lyncweb.contoso.com' } });
      expect(((await plain.body.json()) as { backend: string }).backend).toBe('web8080');
    } finally {
      await web.close();
    }
  });
});

describe('scenario: Exchange 2010 CAS array', () => {
  it('offload + re-encrypt to two CAS with cookie persistence across requests and new TLS connections', async () => {
    const port = await freePort();
    const e = await run({
      pools: [
        {
          name: 'cas',
          reencrypt: { verify: 'ca', ca: 'internal-ca' },
          persistence: { mode: 'cookie', cookieName: 'MS-WSMAN' },
          healthCheck: { type: 'https', path: '/health', intervalMs: 200, rise: 1, fall: 1 },
          servers: fe.map(feServer),
        },
      ],
      virtualServices: [
        {
          name: 'exchange',
          listen: loopback(port),
          protocol: 'https',
          tls: { certificates: ['mail'] },
          pool: 'cas',
        },
      ],
    });
    await until(
      () => e.engine.healthSnapshot().every((h) => h.state === 'up'),
      'both CAS up over verified https checks',
    );
    const url = `https://127.0.0.1:${e.port('exchange')}/owa/`;
    const first = client('mail.contoso.com');
    const r1 = await getJson(url, first, { host: 'mail.contoso.com' });
    await first.close();
    const cookie = String(r1.headers['set-cookie']).split(';')[0]!;
    expect(String(r1.headers['set-cookie'])).toContain('Secure');
    for (let i = 0; i < 4; i++) {
      const fresh = client('mail.contoso.com'); // a new TLS connection every time
      const r = await getJson(url, fresh, { host: 'mail.contoso.com', cookie });
      await fresh.close();
      expect(r.json.backend).toBe(r1.json.backend);
    }
    const spread = client('mail.contoso.com');
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++)
      seen.add((await getJson(url, spread, { host: 'mail.contoso.com' })).json.backend);
    await spread.close();
    expect(seen).toEqual(new Set(['fe01', 'fe02']));
  });
});

describe('scenario: several HTTPS services on one IP:port', () => {
  it('chooses the certificate by SNI and the real servers by Host', async () => {
    const [a, b] = [await startBackend('mail-rs'), await startBackend('www-rs')];
    try {
      const port = await freePort();
      const e = await run({
        pools: [
          { name: 'mail', servers: [{ name: 'm', address: '127.0.0.1', port: a.port }] },
          { name: 'www', servers: [{ name: 'w', address: '127.0.0.1', port: b.port }] },
        ],
        virtualServices: [
          {
            name: 'shared',
            listen: loopback(port),
            protocol: 'https',
            tls: { certificates: ['mail', 'www', 'wild'] },
            contentRules: [
              { name: 'mail', host: ['mail.contoso.com'], pool: 'mail' },
              { name: 'www', host: ['www.contoso.com', '*.apps.contoso.com'], pool: 'www' },
            ],
          },
        ],
      });
      const p = e.port('shared');
      expect((await peerCert(p, 'www.contoso.com')).subject).toContain('CN=www.contoso.com');
      expect((await peerCert(p, 'autodiscover.contoso.com')).subject).toContain('CN=mail.contoso.com');
      expect((await peerCert(p, 'crm.apps.contoso.com')).subject).toContain('CN=*.apps.contoso.com');
      // Unknown names and clients without SNI get the first certificate.
      expect((await peerCert(p, 'unknown.example')).subject).toContain('CN=mail.contoso.com');
      expect((await peerCert(p, undefined)).subject).toContain('CN=mail.contoso.com');
      for (const [host, expected] of [
        ['mail.contoso.com', 'mail-rs'],
        ['www.contoso.com', 'www-rs'],
        ['crm.apps.contoso.com', 'www-rs'],
      ] as const) {
        const c = client(host);
        const r = await getJson(`https://127.0.0.1:${p}/`, c, { host });
        await c.close();
        expect(r.json.backend).toBe(expected);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a listener with one certificate starts choosing by SNI when a reload gives it more, and stops again', async () => {
    // One certificate: no SNICallback (tls.ts sniChooses); more: one. The reloads swap listeners.
    const backend = await startBackend('rs');
    try {
      const port = await freePort();
      const config = (certificates: string[]): AgentConfigInput => {
        const c = wwwOffload(port, backend.port);
        return { ...c, virtualServices: [{ ...c.virtualServices![0]!, tls: { certificates } } as never] };
      };
      const e = await run(config(['www']));
      const cn = async (sni: string) => (await peerCert(port, sni)).subject.match(/CN=(.*)/)![1];
      expect(await cn('mail.contoso.com')).toBe('www.contoso.com');
      await e.apply(config(['www', 'mail']));
      expect(await cn('mail.contoso.com')).toBe('mail.contoso.com');
      expect(await cn('www.contoso.com')).toBe('www.contoso.com');
      await e.apply(config(['mail']));
      expect(await cn('www.contoso.com')).toBe('mail.contoso.com');
      // Still serving: a client that verifies the one certificate left gets its answer.
      const c = client('mail.contoso.com');
      const r = await getJson(`https://127.0.0.1:${port}/`, c, { host: 'mail.contoso.com' });
      await c.close();
      expect(r.status).toBe(200);
    } finally {
      await backend.close();
    }
  });

  it('refuses a handshake below the minimum TLS version', async () => {
    const port = await freePort();
    const e = await run({
      virtualServices: [
        {
          name: 's',
          listen: loopback(port),
          protocol: 'https',
          tls: { certificates: ['www'], minVersion: 'TLSv1.3' },
        },
      ],
    });
    await expect(peerCert(e.port('s'), 'www.contoso.com', { maxVersion: 'TLSv1.2' })).rejects.toThrow();
    expect((await peerCert(e.port('s'), 'www.contoso.com')).subject).toContain('www.contoso.com');
  });
});

describe('clients that leave early', () => {
  it('a TLS client that half-closes after its request leaves no upstream request behind', async () => {
    const backend = await startBackend('rs');
    try {
      const port = await freePort();
      const e = await run(wwwOffload(port, backend.port));
      // Node's TLS server tears the response down when the client's FIN arrives first; the
      // upstream request must be aborted with it, not left paused waiting for a drain.
      const once = () =>
        new Promise<void>((resolve) => {
          const s = tlsConnect(
            { host: '127.0.0.1', port, servername: 'www.contoso.com', ca: publicRoot.cert },
            () => s.end('GET /slow?ms=30 HTTP/1.1\r\nHost: www.contoso.com\r\nConnection: close\r\n\r\n'),
          );
          s.on('data', () => undefined);
          s.on('close', () => resolve());
          s.on('error', () => resolve());
        });
      for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 20 }, once));
      const rs = e.engine.pool('www')!.servers[0]!;
      await until(() => rs.active === 0 && rs.httpPool().running === 0, 'every upstream request to end');
      // All 100 handled; a member counts only those sent to it (most were withdrawn before,
      // their clients gone), and the back end saw no more than that.
      expect(e.engine.service('www')!.stats.traffic.requests).toBe(100);
      expect(rs.traffic.requests).toBeLessThanOrEqual(100);
      expect(backend.seen.length).toBeLessThanOrEqual(rs.traffic.requests);
    } finally {
      await backend.close();
    }
  });
});

describe('scenario: certificate replaced under load', () => {
  it('new handshakes see the new certificate and no request fails', async () => {
    const backend = await startBackend('rs');
    try {
      const port = await freePort();
      const e = await run(wwwOffload(port, backend.port));
      const before = (await peerCert(port, 'www.contoso.com')).fingerprint256;
      let failures = 0;
      let ok = 0;
      let stop = false;
      const deadline = Date.now() + 10_000;
      const loop = async () => {
        // New TLS connections keep coming (fresh agents) next to long-lived keep-alive ones.
        const keep = client('www.contoso.com');
        for (let i = 0; i < 400 && !stop && Date.now() < deadline; i++) {
          const d = i % 4 === 0 ? client('www.contoso.com') : keep;
          try {
            const r = await getJson(`https://127.0.0.1:${port}/`, d, { host: 'www.contoso.com' });
            if (r.status === 200) ok++;
            else failures++;
          } catch {
            failures++;
          }
          if (d !== keep) await d.close();
        }
        await keep.close();
      };
      const loops = Promise.all([loop(), loop(), loop()]);
      await until(() => ok > 30, 'load running');
      const renewed = pki.issue(publicCa, { cn: 'www.contoso.com' });
      certs.certs.set('www', { key: renewed.key, chain: renewed.chain });
      await e.apply(e.engine.config);
      const after = (await peerCert(port, 'www.contoso.com')).fingerprint256;
      await until(() => ok > 150, 'load after the swap');
      stop = true;
      await loops;
      expect(after).not.toBe(before);
      expect(after).toBe(new X509Certificate(renewed.cert).fingerprint256);
      expect(failures).toBe(0);
    } finally {
      await backend.close();
    }
  });
});

describe('re-encrypt', () => {
  it('10,000 keep-alive requests cost the real server no more handshakes than the pool holds', async () => {
    const port = await freePort();
    const e = await run(reencrypted(port, { verify: 'ca', ca: 'internal-ca' }, [feServer(fe[1]!)]));
    const before = fe[1]!.handshakes;
    const concurrency = 10;
    const c = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
    let done = 0;
    const worker = async () => {
      while (done < 10_000) {
        done++;
        const r = await request(`${e.url('re')}/`, { dispatcher: c });
        await r.body.dump();
        expect(r.statusCode).toBe(200);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await c.close();
    expect(fe[1]!.handshakes - before).toBeGreaterThan(0);
    expect(fe[1]!.handshakes - before).toBeLessThanOrEqual(concurrency);
  }, 60_000);

  it('a real server whose certificate does not verify is marked down with the reason, and not used', async () => {
    const rogue = await startTlsBackend(
      'rogue',
      pki.issue(pki.root('Rogue Root'), { cn: 'fe01.contoso.local', sans: ['127.0.0.1'] }),
    );
    try {
      const port = await freePort();
      const e = await run(
        reencrypted(port, { verify: 'ca', ca: 'internal-ca' }, [feServer(fe[0]!), feServer(rogue)], {
          healthCheck: { type: 'https', path: '/health', intervalMs: 200, rise: 1, fall: 1 },
        }),
      );
      await until(
        () => e.engine.healthSnapshot().find((h) => h.key === 're/rogue')?.state === 'down',
        'rogue down',
      );
      const h = e.engine.healthSnapshot().find((x) => x.key === 're/rogue')!;
      expect(h.reason).toMatch(/certificate/i);
      for (let i = 0; i < 4; i++) {
        const r = await request(`${e.url('re')}/`);
        expect(((await r.body.json()) as { backend: string }).backend).toBe('fe01');
      }
    } finally {
      await rogue.close();
    }
  });

  it("https health checks name the server as clients do: the pool's serverName as Host and SNI", async () => {
    const check = { type: 'https' as const, path: '/health', intervalMs: 100, rise: 1, fall: 1 };
    const port = await freePort();
    // fe01's certificate names fe01.contoso.local: the check must ask for that name to pass.
    const e = await run(
      reencrypted(
        port,
        { verify: 'ca', ca: 'internal-ca', serverName: 'fe01.contoso.local' },
        [feServer(fe[0]!)],
        {
          healthCheck: check,
        },
      ),
    );
    const before = fe[0]!.healthHosts.length;
    await until(() => e.engine.healthSnapshot()[0]?.state === 'up', 'fe01 up over a verified check');
    await until(() => fe[0]!.healthHosts.length > before, 'a check to arrive');
    expect(new Set(fe[0]!.healthHosts.slice(before))).toEqual(new Set(['fe01.contoso.local']));
    expect(fe[0]!.sni.at(-1)).toBe('fe01.contoso.local');
    await e.stop();

    // A Host written in the check wins over the serverName.
    const explicit = await run(
      reencrypted(
        await freePort(),
        { verify: 'ca', ca: 'internal-ca', serverName: 'fe01.contoso.local' },
        [feServer(fe[0]!)],
        { healthCheck: { ...check, host: 'owa.contoso.com' } },
      ),
    );
    const mark = fe[0]!.healthHosts.length;
    await until(() => fe[0]!.healthHosts.length > mark, 'a check with the written Host');
    expect(fe[0]!.healthHosts.slice(mark)[0]).toBe('owa.contoso.com');
    expect(explicit.engine.healthSnapshot()[0]?.state).not.toBe('down');
  });

  it('without a health check, an unverifiable real server gives 502 UPSTREAM_TLS, never an unverified answer', async () => {
    const rogue = await startTlsBackend(
      'rogue',
      pki.issue(pki.root('Rogue Root'), { cn: 'x', sans: ['127.0.0.1'] }),
    );
    try {
      const port = await freePort();
      const e = await run(reencrypted(port, { verify: 'ca', ca: 'internal-ca' }, [feServer(rogue)]));
      const r = await request(`${e.url('re')}/`);
      expect(r.statusCode).toBe(502);
      expect(await r.body.text()).toContain('UPSTREAM_TLS');
    } finally {
      await rogue.close();
    }
  });

  it('verify none is explicit and works against any certificate', async () => {
    const rogue = await startTlsBackend('rogue', pki.issue(pki.root('Rogue Root'), { cn: 'x' }));
    try {
      const port = await freePort();
      const e = await run(reencrypted(port, { verify: 'none' }, [feServer(rogue)]));
      const r = await request(`${e.url('re')}/`);
      expect(r.statusCode).toBe(200);
      await r.body.dump();
    } finally {
      await rogue.close();
    }
  });

  it('an unknown certificate or CA name refuses the whole config', async () => {
    const port = await freePort();
    await expect(
      run({
        virtualServices: [
          { name: 's', listen: loopback(port), protocol: 'https', tls: { certificates: ['nope'] } },
        ],
      }),
    ).rejects.toThrow(/nope/);
    // A pool's CA is checked even while no service uses the pool.
    await expect(
      run({ pools: [{ name: 'p', reencrypt: { verify: 'ca', ca: 'missing-ca' } }] }),
    ).rejects.toThrow(/missing-ca/);
  });
});
