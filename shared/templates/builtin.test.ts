import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SAMPLES } from '../../test/support/builtin-samples.ts';
import { V1_PARAMETERS, V1_SAVED_PARAMS } from '../../test/support/template-params-v1.ts';
import { poolsOf, type Pool, type VirtualService } from '../model/config.ts';
import { BUILTIN_FILES, getBuiltinTemplate, listBuiltinTemplates } from './builtin.ts';
import { renderTemplate } from './render.ts';

const IDS = [
  'adfs',
  'exchange-2010-cas',
  'exchange-2016',
  'http-redirect',
  'https-offload',
  'https-reencrypt',
  'lync-reverse-proxy',
  'one-address',
  'tcp',
];
/** The templates whose services an address shares (shared.ts): named after `site`, not `name`. */
const SHARED = ['adfs', 'exchange-2016', 'one-address'];
const V1_IDS = Object.keys(V1_PARAMETERS).sort();

interface Rendered {
  pools: Map<string, Pool>;
  services: Map<string, VirtualService>;
}

function render(id: string, params: Record<string, unknown> = {}): Rendered {
  const r = renderTemplate(getBuiltinTemplate(id)!, { ...BUILTIN_SAMPLES[id], ...params });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return {
    pools: new Map(r.pools.map((p) => [p.name, p])),
    services: new Map(r.virtualServices.map((vs) => [vs.name, vs])),
  };
}

const ports = (pool: Pool | undefined) => pool?.servers.map((s) => `${s.name}:${s.port}`);

describe('built-in templates', () => {
  it('are the nine the source material calls for, each loaded by id', () => {
    expect(listBuiltinTemplates().map((t) => t.id)).toEqual(IDS);
    expect(getBuiltinTemplate('exchange-2010-cas')?.version).toBe(3);
    expect(getBuiltinTemplate('nope')).toBeUndefined();
  });

  it('imports every file in ./builtin (a new file must be listed in builtin.ts)', () => {
    const files = readdirSync(new URL('./builtin/', import.meta.url)).filter((f) => f.endsWith('.json'));
    expect(Object.keys(BUILTIN_FILES).sort()).toEqual(files.sort());
  });

  it.each(IDS)('%s renders with sample parameters into objects that validate, each pool used', (id) => {
    const { pools, services } = render(id);
    expect(services.size).toBeGreaterThan(0);
    const used = new Set([...services.values()].flatMap(poolsOf));
    expect([...pools.keys()].filter((name) => !used.has(name))).toEqual([]);
  });

  it.each(IDS.filter((id) => !SHARED.includes(id)))(
    '%s names its pools and services after the name parameter (apply it twice for two sites)',
    (id) => {
      const { pools, services } = render(id, { name: 'site2' });
      expect([...pools.keys(), ...services.keys()].every((n) => n.startsWith('site2'))).toBe(true);
    },
  );

  it.each(SHARED)(
    '%s names its pools after the application and the services it shares after the address',
    (id) => {
      const { pools, services } = render(id, { name: 'app2', site: 'addr2' });
      expect([...pools.keys()].every((n) => n.startsWith('app2') || n === 'addr2-to-https')).toBe(true);
      expect([...services.keys()].sort()).toEqual(['addr2-http', 'addr2-https', 'addr2-to-https']);
    },
  );

  /** The loopback redirect behind a shared port 80 (shared templates) listens on 127.0.0.1 only. */
  const published = (id: string, params: Record<string, unknown> = {}) =>
    [...render(id, params).services.values()].filter((vs) => !vs.name.endsWith('-to-https'));

  it.each(IDS)('%s listens on 0.0.0.0 unless told otherwise', (id) => {
    for (const vs of published(id)) expect(vs.listen.address).toBe('0.0.0.0');
    for (const vs of published(id, { listenAddress: '192.0.2.10' })) {
      expect(vs.listen.address).toBe('192.0.2.10');
    }
  });

  describe('parameters saved for the version-1 templates', () => {
    it.each(V1_IDS)(
      '%s still has every parameter of version 1, of the same type, required no more often',
      (id) => {
        const now = new Map(
          getBuiltinTemplate(id)!.parameters.map((p) => [p.name, `${p.type}${p.required ? '!' : ''}`]),
        );
        for (const entry of V1_PARAMETERS[id]!) {
          const [name, type] = entry.split(':') as [string, string];
          const required = type.endsWith('!');
          expect(now.get(name)?.replace('!', ''), name).toBe(type.replace('!', ''));
          if (!required) expect(now.get(name), `${name} became required`).not.toMatch(/!$/);
        }
      },
    );

    it.each(V1_IDS)('%s renders a saved version-1 parameter file unchanged', (id) => {
      const r = renderTemplate(getBuiltinTemplate(id)!, V1_SAVED_PARAMS[id]);
      expect(r.ok ? [] : r.problems).toEqual([]);
    });
  });

  it('exchange-2010-cas: one CAS pool (offload + re-encrypt, cookie, GET /owa/, long idle), /ecp refused, 80 → HTTPS', () => {
    const { pools, services } = render('exchange-2010-cas');
    expect([...pools.keys()]).toEqual(['exchange-cas']);
    // Exchange 2010 has no healthcheck.htm (Managed Availability came with 2013): /owa/ answers
    // 302 to the forms sign-in page, 200 with other authentication.
    expect(pools.get('exchange-cas')).toMatchObject({
      scheduler: 'least-connections',
      reencrypt: { verify: 'ca', ca: 'internal-ca' },
      persistence: { mode: 'cookie', cookieName: 'PORTICO_CAS' },
      healthCheck: { type: 'https', path: '/owa/', expectStatus: [200, 302] },
      timeouts: { serverMs: 1_800_000 },
    });
    expect(services.get('exchange-https')).toMatchObject({ denyPaths: ['/ecp', '/powershell'] });
    const open = render('exchange-2010-cas', { denyPaths: [] }).services.get('exchange-https');
    expect(open).toMatchObject({ denyPaths: [] });
    expect(ports(pools.get('exchange-cas'))).toEqual(['cas01:443', 'cas02:443']);
    expect(services.get('exchange-https')).toMatchObject({
      listen: { port: 443 },
      protocol: 'https',
      tls: { certificates: ['mail'] },
      pool: 'exchange-cas',
      timeouts: { idleMs: 1_800_000 },
    });
    expect(services.get('exchange-http')).toMatchObject({
      listen: { port: 80 },
      protocol: 'redirect',
      toPort: 443,
    });
    // Unverified re-encrypt is a choice the admin makes by name, not the absence of a CA.
    const none = render('exchange-2010-cas', { backendVerify: 'none', backendCa: undefined });
    expect(none.pools.get('exchange-cas')?.reencrypt).toEqual({ verify: 'none' });
  });

  it('exchange-2010-cas: refuses a single CAS', () => {
    const r = renderTemplate(getBuiltinTemplate('exchange-2010-cas')!, {
      ...BUILTIN_SAMPLES['exchange-2010-cas'],
      servers: [{ name: 'cas01', address: '10.0.1.11' }],
    });
    expect(r).toEqual({
      ok: false,
      problems: [{ path: 'params.servers', message: 'give at least 2 real servers' }],
    });
  });

  it('lync-reverse-proxy: 443 → Front Ends on 4443 re-encrypted, 80 → 8080: one pool per port, Host forwarded, 1800 s idle', () => {
    const { pools, services } = render('lync-reverse-proxy');
    expect([...pools.keys()]).toEqual(['lync-fe-https', 'lync-fe-http']);
    expect(pools.get('lync-fe-https')).toMatchObject({
      reencrypt: { verify: 'ca', ca: 'internal-ca', serverName: 'pool01.contoso.local' },
      persistence: { mode: 'cookie', cookieName: 'MS-WSMAN' },
      healthCheck: { type: 'tcp' },
      timeouts: { serverMs: 1_800_000 },
    });
    expect(pools.get('lync-fe-http')?.reencrypt).toBeUndefined();
    expect(ports(pools.get('lync-fe-https'))).toEqual(['fe01:4443', 'fe02:4443']);
    expect(ports(pools.get('lync-fe-http'))).toEqual(['fe01:8080', 'fe02:8080']);
    expect(services.get('lync-https')).toMatchObject({
      listen: { port: 443 },
      protocol: 'https',
      tls: { certificates: ['lyncweb'] },
      pool: 'lync-fe-https',
      forwardedHeaders: 'replace',
      timeouts: { idleMs: 1_800_000 },
    });
    expect(services.get('lync-http')).toMatchObject({
      listen: { port: 80 },
      protocol: 'http',
      pool: 'lync-fe-http',
      forwardedHeaders: 'replace',
      timeouts: { idleMs: 1_800_000 },
    });
  });

  it('lync-reverse-proxy: refuses a per-server port, since both pools set their own', () => {
    const r = renderTemplate(getBuiltinTemplate('lync-reverse-proxy')!, {
      ...BUILTIN_SAMPLES['lync-reverse-proxy'],
      servers: [{ name: 'fe01', address: '10.0.2.11', port: 4443 }],
    });
    expect(!r.ok && r.problems.map((p) => p.path)).toEqual(['params.servers[0].port']);
  });

  it('https-offload: TLS at the balancer, plain HTTP to port 80 with an HTTP check', () => {
    const { pools, services } = render('https-offload');
    expect(services.get('https-offload')).toMatchObject({
      protocol: 'https',
      listen: { port: 443 },
      pool: 'https-offload',
    });
    const pool = pools.get('https-offload');
    expect(pool).toMatchObject({ healthCheck: { type: 'http', path: '/' } });
    expect(pool?.reencrypt).toBeUndefined();
    expect(ports(pool)).toEqual(['web01:80']);
    // The path belongs to HTTP checks only; a TCP check drops it.
    expect(
      render('https-offload', { healthCheck: 'tcp' }).pools.get('https-offload')?.healthCheck,
    ).toMatchObject({
      type: 'tcp',
    });
  });

  it('https-reencrypt: TLS both ways to port 443 with an HTTPS check', () => {
    const { pools, services } = render('https-reencrypt');
    expect(services.get('https-reencrypt')).toMatchObject({ protocol: 'https', pool: 'https-reencrypt' });
    expect(pools.get('https-reencrypt')).toMatchObject({
      reencrypt: { verify: 'ca', ca: 'internal-ca' },
      healthCheck: { type: 'https' },
      servers: [{ port: 443 }],
    });
  });

  it('tcp: an L4 pipe; servers without a port get the service port', () => {
    const { pools, services } = render('tcp');
    expect(services.get('tcp')).toMatchObject({ protocol: 'tcp', listen: { port: 3389 }, pool: 'tcp' });
    expect(pools.get('tcp')).toMatchObject({ healthCheck: { type: 'tcp' }, servers: [{ port: 3389 }] });
    const r = renderTemplate(getBuiltinTemplate('tcp')!, { servers: BUILTIN_SAMPLES.tcp!.servers });
    expect(!r.ok && r.problems).toEqual([{ path: 'params.port', message: 'required' }]);
  });

  it('http-redirect: port 80 answering with a redirect to 443, no pool', () => {
    const { pools, services } = render('http-redirect');
    expect(pools.size).toBe(0);
    expect(services.get('http-redirect')).toEqual(
      expect.objectContaining({
        protocol: 'redirect',
        listen: { address: '0.0.0.0', port: 80 },
        toPort: 443,
        status: 301,
      }),
    );
  });
  it('exchange-2016: a pool per virtual directory, each probed at /<vdir>/healthcheck.htm; rules by host and path', () => {
    const { pools, services } = render('exchange-2016');
    const vdirs: [string, string][] = [
      ['owa', '/owa'],
      ['ecp', '/ecp'],
      ['ews', '/ews'],
      ['eas', '/Microsoft-Server-ActiveSync'],
      ['mapi', '/mapi'],
      ['rpc', '/rpc'],
      ['oab', '/oab'],
      ['autodiscover', '/autodiscover'],
    ];
    for (const [vdir, path] of vdirs) {
      expect(pools.get(`exchange-${vdir}`), vdir).toMatchObject({
        scheduler: 'least-connections',
        persistence: { mode: 'none' },
        healthCheck: { type: 'https', path: `${path}/healthcheck.htm`, expectStatus: [200] },
        reencrypt: { verify: 'ca', ca: 'internal-ca' },
        timeouts: { serverMs: 1_800_000 },
      });
      expect(ports(pools.get(`exchange-${vdir}`))).toEqual(['ex01:443', 'ex02:443']);
    }
    const hosts = ['mail.contoso.com', 'autodiscover.contoso.com'];
    const https = services.get('edge-https');
    expect(https).toMatchObject({
      protocol: 'https',
      listen: { address: '0.0.0.0', port: 443 },
      tls: { certificates: ['mail'] },
      denyPaths: ['/ecp', '/powershell'],
      timeouts: { idleMs: 1_800_000 },
    });
    expect(https?.protocol === 'https' && https.pool).toBeUndefined();
    expect(https?.protocol === 'https' && https.contentRules).toEqual([
      ...vdirs.map(([vdir, path]) => ({
        name: `exchange-${vdir}`,
        host: hosts,
        pathPrefix: path,
        pool: `exchange-${vdir}`,
      })),
      { name: 'exchange', host: hosts, pool: 'exchange-owa' },
    ]);
    // Port 80: every host to HTTPS, through the loopback redirect.
    expect(services.get('edge-http')).toMatchObject({
      protocol: 'http',
      pool: 'edge-to-https',
      contentRules: [],
    });
    expect(services.get('edge-to-https')).toMatchObject({
      protocol: 'redirect',
      listen: { address: '127.0.0.1', port: 10080 },
      toPort: 443,
    });
    expect(pools.get('edge-to-https')?.servers).toMatchObject([{ address: '127.0.0.1', port: 10080 }]);
  });

  it('exchange-2016 and exchange-2010-cas: /ecp and /powershell denied by default, a list the admin may clear', () => {
    for (const [id, service] of [
      ['exchange-2016', 'edge-https'],
      ['exchange-2010-cas', 'exchange-https'],
    ] as const) {
      const param = getBuiltinTemplate(id)?.parameters.find((p) => p.name === 'denyPaths');
      expect(param, id).toMatchObject({ type: 'list', default: ['/ecp', '/powershell'], minItems: 0 });
      expect(render(id).services.get(service), id).toMatchObject({ denyPaths: ['/ecp', '/powershell'] });
      expect(render(id, { denyPaths: [] }).services.get(service), id).toMatchObject({ denyPaths: [] });
      expect(render(id, { denyPaths: ['/ecp'] }).services.get(service), id).toMatchObject({
        denyPaths: ['/ecp'],
      });
    }
  });

  it('exchange-2016: host names as a form types them, and refused when they are not names', () => {
    const typed = render('exchange-2016', { hostNames: 'mail.contoso.com, autodiscover.contoso.com' });
    const https = typed.services.get('edge-https');
    expect(https?.protocol === 'https' && https.contentRules[0]?.host).toEqual([
      'mail.contoso.com',
      'autodiscover.contoso.com',
    ]);
    const r = renderTemplate(getBuiltinTemplate('exchange-2016')!, {
      ...BUILTIN_SAMPLES['exchange-2016'],
      hostNames: ['mail.contoso.com', 'mail contoso'],
    });
    expect(!r.ok && r.problems.map((p) => p.path)).toEqual(['params.hostNames[1]']);
  });

  it('adfs: the federation service name routes and is the SNI to the servers; probed at http://<server>/adfs/probe', () => {
    const { pools, services } = render('adfs', { hostNames: ['enterpriseregistration.contoso.com'] });
    expect(pools.get('adfs')).toMatchObject({
      healthCheck: { type: 'http', port: 80, path: '/adfs/probe', expectStatus: [200] },
      reencrypt: { verify: 'ca', ca: 'internal-ca', serverName: 'sts.contoso.com' },
      servers: [{ name: 'adfs01', port: 443 }],
    });
    const https = services.get('edge-https');
    expect(https?.protocol === 'https' && https.contentRules).toEqual([
      { name: 'adfs', host: ['sts.contoso.com'], pool: 'adfs' },
      { name: 'adfs-more', host: ['enterpriseregistration.contoso.com'], pool: 'adfs' },
    ]);
    // Without other names the second rule is left out ("$when" on a parameter without a value).
    const alone = render('adfs').services.get('edge-https');
    expect(alone?.protocol === 'https' && alone.contentRules.map((r) => r.name)).toEqual(['adfs']);
  });

  it('one-address: an application entry (Lync: 443 → 4443 re-encrypted, 80 forwarded to 8080 by host)', () => {
    const { pools, services } = render('one-address');
    const hosts = ['meet.contoso.com', 'dialin.contoso.com', 'lyncdiscover.contoso.com'];
    expect(pools.get('lync')).toMatchObject({
      reencrypt: { verify: 'ca', ca: 'internal-ca' },
      healthCheck: { type: 'tcp' },
      persistence: { mode: 'none' },
    });
    expect(ports(pools.get('lync'))).toEqual(['fe01:4443']);
    expect(ports(pools.get('lync-http'))).toEqual(['fe01:8080']);
    expect(pools.get('lync-http')?.reencrypt).toBeUndefined();
    expect(services.get('edge-https')).toMatchObject({
      tls: { certificates: ['lyncweb'] },
      contentRules: [{ name: 'lync', host: hosts, pool: 'lync' }],
    });
    expect(services.get('edge-http')).toMatchObject({
      pool: 'edge-to-https',
      contentRules: [{ name: 'lync-http', host: hosts, pool: 'lync-http' }],
    });
  });

  it('one-address: redirect on port 80 writes no HTTP pool or rule; offload and cookie change the pool', () => {
    const { pools, services } = render('one-address', {
      port80: 'redirect',
      serverHttpPort: undefined,
      reencrypt: 'off',
      backendCa: undefined,
      serverPort: 80,
      persistence: 'cookie',
      cookieName: 'MS-WSMAN',
      healthCheck: 'http',
      healthCheckPath: '/health',
      sniHostMismatch: 'route-by-host',
      denyPaths: '/admin /setup',
    });
    expect([...pools.keys()]).toEqual(['lync', 'edge-to-https']);
    expect(pools.get('lync')).toMatchObject({
      persistence: { mode: 'cookie', cookieName: 'MS-WSMAN' },
      healthCheck: { type: 'http', path: '/health' },
    });
    expect(pools.get('lync')?.reencrypt).toBeUndefined();
    expect(services.get('edge-http')).toMatchObject({ contentRules: [], denyPaths: ['/admin', '/setup'] });
    expect(services.get('edge-https')).toMatchObject({
      sniHostMismatch: 'route-by-host',
      denyPaths: ['/admin', '/setup'],
    });
  });
});
