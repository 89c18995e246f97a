/**
 * What the template traffic tests run against: a throw-away PKI (a public CA for the
 * balancer's certificates, an internal CA for the real servers'), an in-memory certificate
 * store the engine reads by name, and HTTPS real servers that answer with their own name.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { MemoryCerts } from './memory-certs.ts';
import { TestPki, type Issued } from './pki.ts';

export { MemoryCerts };

export interface TestPkiSet {
  pki: TestPki;
  publicRoot: Issued;
  internalRoot: Issued;
  /** Holds `mail`, `lyncweb` and `www` (public CA) and the CA bundle `internal-ca`. */
  certs: MemoryCerts;
}

export function makeTestPki(): TestPkiSet {
  const pki = new TestPki();
  const publicRoot = pki.root('Public Root');
  const publicCa = pki.issue(publicRoot, { cn: 'Public Issuing CA', ca: true });
  const internalRoot = pki.root('Contoso Internal Root');
  const certs = new MemoryCerts();
  for (const [name, cn] of [
    ['mail', 'mail.contoso.com'],
    ['lyncweb', 'lyncweb.contoso.com'],
    ['www', 'www.contoso.com'],
  ] as const) {
    const leaf = pki.issue(publicCa, { cn });
    certs.certs.set(name, { key: leaf.key, chain: leaf.chain });
  }
  certs.cas.set('internal-ca', internalRoot.cert);
  return { pki, publicRoot, internalRoot, certs };
}

export interface TlsBackend {
  name: string;
  port: number;
  /** Paths requested, in order (health checks included). */
  paths: string[];
  /** SNI each handshake asked for. */
  sni: (string | false)[];
  close(): Promise<void>;
}

/** An HTTPS real server on 127.0.0.1 with a certificate from `issuer` for its name and 127.0.0.1. */
export async function startTlsBackend(
  name: string,
  pki: TestPki,
  issuer: Issued,
  sans: string[] = [],
): Promise<TlsBackend> {
  const cert = pki.issue(issuer, {
    cn: `${name}.contoso.local`,
    sans: [`${name}.contoso.local`, '127.0.0.1', ...sans],
  });
  const paths: string[] = [];
  const sni: (string | false)[] = [];
  const server: HttpsServer = createHttpsServer({ key: cert.key, cert: cert.chain }, (req, res) => {
    paths.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ backend: name, url: req.url, headers: req.headers }));
  });
  server.on('secureConnection', (s: TLSSocket) =>
    sni.push((s as TLSSocket & { servername: string | false }).servername),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    name,
    port: (server.address() as { port: number }).port,
    paths,
    sni,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json?: { backend: string; url: string; headers: Record<string, string> };
}

/** One request; HTTPS trusts `ca` and sends `host` as SNI and Host. */
export async function get(
  url: string,
  host: string,
  opts: { ca?: string; cookie?: string } = {},
): Promise<Reply> {
  const dispatcher = new Agent({ connect: { ca: opts.ca, servername: host } });
  try {
    const res = await request(url, {
      dispatcher,
      headers: { host, ...(opts.cookie ? { cookie: opts.cookie } : {}) },
    });
    const body = await res.body.text();
    const isJson = String(res.headers['content-type']).includes('json');
    return { status: res.statusCode, headers: res.headers, json: isJson ? JSON.parse(body) : undefined };
  } finally {
    await dispatcher.close();
  }
}
