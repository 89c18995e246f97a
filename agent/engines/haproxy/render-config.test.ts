/**
 * The renderer, table by table: each config field and the haproxy.cfg lines it becomes. Every
 * rendered sample is also given to the real `haproxy -c` (HAProxy is installed by
 * scripts/setup.sh), so a line HAProxy would refuse fails here, not at an admin's apply.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentConfig, type AgentConfigInput, type PoolInput } from '../../../shared/model/config.ts';
import { RealServerRuntime } from '../../engine/real-server.ts';
import { TestPki } from '../../../test/support/pki.ts';
import { cookieValue } from './names.ts';
import { renderHaproxy, type Rendered } from './render-config.ts';
import type { Material } from './render-tls.ts';

let dir: string;
let pki: TestPki;
let material: Material;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-haproxy-render-'));
  pki = new TestPki();
  const root = pki.root('Render Root');
  const www = pki.issue(root, { cn: 'www.example.com', sans: ['www.example.com', '*.example.com'] });
  const mail = pki.issue(root, { cn: 'mail.example.com', sans: ['mail.example.com'] });
  material = {
    certs: new Map([
      ['www', { pem: www.key + www.chain, names: ['www.example.com', '*.example.com'] }],
      ['mail', { pem: mail.key + mail.chain, names: ['mail.example.com'] }],
    ]),
    cas: new Map([['internal-ca', root.cert]]),
  };
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  pki?.cleanup();
});

const pool = (p: Partial<PoolInput> = {}): PoolInput => ({
  name: 'web',
  servers: [
    { name: 'a', address: '127.0.0.1', port: 8081 },
    { name: 'b', address: '127.0.0.1', port: 8082, weight: 3 },
  ],
  ...p,
});

const http = (extra: Record<string, unknown> = {}) => ({
  name: 'site',
  protocol: 'http' as const,
  listen: { address: '127.0.0.1', port: 8080 },
  pool: 'web',
  ...extra,
});

function render(input: AgentConfigInput): Rendered {
  return renderHaproxy(AgentConfig.parse(input), { dir, threads: 2, drainMs: 30_000, material });
}

function section(r: Rendered, header: string): string[] {
  const lines = r.text.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no section "${header}" in:\n${r.text}`);
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim());
}

/** haproxy -c on the rendered text with its files in place: HAProxy's own verdict. */
function haproxyAccepts(r: Rendered): string {
  for (const f of r.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.content, { mode: 0o600 });
  }
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, r.text);
  try {
    execFileSync('haproxy', ['-c', '-f', file], { stdio: 'pipe', encoding: 'utf8' });
    return 'valid';
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
}

describe('schedulers', () => {
  it.each([
    ['round-robin', ['balance roundrobin'], [1, 1]],
    ['weighted-round-robin', ['balance roundrobin'], [1, 3]],
    ['least-connections', ['balance leastconn'], [1, 3]],
    ['source-ip-hash', ['balance source', 'hash-type consistent'], [1, 1]],
  ] as const)('%s → %j, weights %j', (scheduler, lines, weights) => {
    const r = render({ pools: [pool({ scheduler })], virtualServices: [http()] });
    const backend = section(r, 'backend web');
    for (const l of lines) expect(backend).toContain(l);
    const servers = backend.filter((l) => l.startsWith('server '));
    expect(servers.map((l) => Number(/ weight (\d+)/.exec(l)![1]))).toEqual(weights);
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('weight 0 takes no new traffic whatever the scheduler', () => {
    const r = render({
      pools: [pool({ servers: [{ name: 'a', address: '127.0.0.1', port: 1, weight: 0 }] })],
      virtualServices: [http()],
    });
    expect(section(r, 'backend web').find((l) => l.startsWith('server a'))).toContain(' weight 0');
  });
});

describe('persistence', () => {
  it('cookie: inserted with the built-in engine values, HttpOnly, Max-Age', () => {
    const r = render({
      pools: [pool({ persistence: { mode: 'cookie', cookieName: 'MS-WSMAN', timeoutSeconds: 600 } })],
      virtualServices: [http()],
    });
    const backend = section(r, 'backend web');
    expect(backend).toContain('cookie MS-WSMAN insert indirect nocache httponly attr "Max-Age=600"');
    for (const name of ['a', 'b']) {
      const builtin = new RealServerRuntime(
        'web',
        { name, address: '127.0.0.1', port: 1, weight: 1, enabled: true, maxConnections: 0 },
        { connectMs: 1, serverMs: 1 },
      );
      expect(cookieValue('web', name)).toBe(builtin.cookieValue);
      expect(backend.find((l) => l.startsWith(`server ${name} `))).toContain(
        ` cookie ${builtin.cookieValue}`,
      );
    }
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('a session cookie without HttpOnly has neither attribute', () => {
    const r = render({
      pools: [pool({ persistence: { mode: 'cookie', httpOnly: false } })],
      virtualServices: [http()],
    });
    expect(section(r, 'backend web')).toContain('cookie PORTICO insert indirect nocache');
  });

  it('is Secure on an https service only, added per frontend', () => {
    const r = render({
      pools: [pool({ persistence: { mode: 'cookie' } })],
      virtualServices: [
        http(),
        {
          ...http({ name: 'secure', listen: { address: '127.0.0.1', port: 8443 } }),
          protocol: 'https',
          tls: { certificates: ['www'] },
        },
      ],
    });
    expect(section(r, 'frontend site').some((l) => l.includes('Secure'))).toBe(false);
    expect(
      section(r, 'frontend secure').filter((l) =>
        l.startsWith('http-after-response replace-header Set-Cookie'),
      ),
    ).toHaveLength(1);
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('source-ip: a stick table with the timeout, one for the pool', () => {
    const r = render({
      pools: [pool({ persistence: { mode: 'source-ip', timeoutSeconds: 120 } })],
      virtualServices: [http()],
    });
    expect(section(r, 'backend web')).toEqual(
      expect.arrayContaining(['stick-table type ipv6 size 1m expire 120s', 'stick on src']),
    );
    expect(haproxyAccepts(r)).toBe('valid');
  });
});

describe('health checks', () => {
  it.each([
    [{ type: 'none' }, [], []],
    [
      { type: 'tcp', intervalMs: 500, rise: 1, fall: 2 },
      ['timeout check 2000ms'],
      ['check', 'inter 500ms', 'rise 1', 'fall 2'],
    ],
    [
      {
        type: 'http',
        method: 'HEAD',
        path: '/owa/healthcheck.htm',
        host: 'owa.example.com',
        expectStatus: [200],
      },
      [
        'option httpchk',
        'http-check send meth HEAD uri "/owa/healthcheck.htm" ver HTTP/1.1 hdr Host "owa.example.com"',
        'http-check expect status 200',
      ],
      ['check', 'inter 5000ms', 'rise 2', 'fall 3'],
    ],
    [
      { type: 'http', expectStatus: [200, 204, 302], port: 9000 },
      ["http-check expect rstatus '^(?:200|204|302)$'"],
      ['port 9000'],
    ],
  ])('%j', (healthCheck, backendLines, serverWords) => {
    const r = render({
      pools: [pool({ healthCheck: healthCheck as PoolInput['healthCheck'] })],
      virtualServices: [http()],
    });
    const backend = section(r, 'backend web');
    for (const l of backendLines) expect(backend).toContain(l);
    const server = backend.find((l) => l.startsWith('server a '))!;
    for (const w of serverWords) expect(server.split(' ')).toContain(w.split(' ')[0]);
    for (const w of serverWords) expect(server).toContain(w);
    if (healthCheck.type === 'none') expect(server).not.toContain('check');
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('a check without a Host names each server by address:port, through a map', () => {
    const r = render({ pools: [pool({ healthCheck: { type: 'http' } })], virtualServices: [http()] });
    const send = section(r, 'backend web').find((l) => l.startsWith('http-check send'))!;
    const map = /map\(([^)]+)\)/.exec(send)![1]!;
    expect(r.files.find((f) => f.path === map)?.content).toBe('a 127.0.0.1:8081\nb 127.0.0.1:8082\n');
  });

  it('an https check speaks TLS with the re-encrypt name as SNI and Host', () => {
    const r = render({
      pools: [
        pool({
          healthCheck: { type: 'https', path: '/health' },
          reencrypt: { verify: 'ca', ca: 'internal-ca', serverName: 'cas.internal' },
        }),
      ],
      virtualServices: [http()],
    });
    const backend = section(r, 'backend web');
    expect(backend.find((l) => l.startsWith('http-check send'))).toContain('hdr Host "cas.internal"');
    expect(backend.find((l) => l.startsWith('server a '))).toContain('check-ssl check-sni "cas.internal"');
    expect(haproxyAccepts(r)).toBe('valid');
  });
});

describe('re-encrypt', () => {
  it.each([
    [
      { verify: 'ca', ca: 'internal-ca', serverName: 'cas.internal' },
      ['ssl', 'verify required', 'ca-file', 'sni "str(cas.internal)"'],
    ],
    [{ verify: 'ca', ca: 'internal-ca' }, ['ssl', 'verify required', 'verifyhost 127.0.0.1']],
    [{ verify: 'none' }, ['ssl', 'verify none']],
  ])('%j', (reencrypt, words) => {
    const r = render({
      pools: [pool({ reencrypt: reencrypt as PoolInput['reencrypt'] })],
      virtualServices: [http()],
    });
    const server = section(r, 'backend web').find((l) => l.startsWith('server a '))!;
    for (const w of words) expect(server).toContain(w);
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('a tcp check of a re-encrypting pool stays plain', () => {
    const r = render({
      pools: [pool({ healthCheck: { type: 'tcp' }, reencrypt: { verify: 'none' } })],
      virtualServices: [http()],
    });
    expect(section(r, 'backend web').find((l) => l.startsWith('server a '))).toContain('no-check-ssl');
  });
});

describe('services', () => {
  it('content rules by Host (exact, wildcard) and path prefix, in order, then the default pool', () => {
    const r = render({
      pools: [pool(), pool({ name: 'owa' }), pool({ name: 'api' })],
      virtualServices: [
        http({
          contentRules: [
            {
              name: 'owa',
              host: ['Mail.Example.com.', '*.owa.example.com'],
              pathPrefix: '/OWA/',
              pool: 'owa',
            },
            { name: 'api', pathPrefix: '/api', pool: 'api' },
          ],
        }),
      ],
    });
    const fe = section(r, 'frontend site');
    expect(fe).toEqual(
      expect.arrayContaining([
        'acl portico_rule_0_host var(txn.portico_host) -m str "mail.example.com"',
        'acl portico_rule_0_host var(txn.portico_host) -m end ".owa.example.com"',
        'acl portico_rule_0_path path,lower -m str "/owa"',
        'acl portico_rule_0_path path,lower -m beg "/owa/" "/owa;"',
        'use_backend owa if portico_rule_0_host portico_rule_0_path',
        'use_backend api if portico_rule_1_path',
        'default_backend web',
      ]),
    );
    expect(fe.indexOf('use_backend owa if portico_rule_0_host portico_rule_0_path')).toBeLessThan(
      fe.indexOf('use_backend api if portico_rule_1_path'),
    );
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('no default pool: what no rule matches goes to the 404 backend', () => {
    const r = render({
      pools: [pool()],
      virtualServices: [
        http({ pool: undefined, contentRules: [{ name: 'x', pathPrefix: '/x', pool: 'web' }] }),
      ],
    });
    expect(section(r, 'frontend site')).toContain('default_backend portico.not-found');
    expect(section(r, 'backend portico.not-found').join('\n')).toContain(
      '404 Not Found: no service for this host/path\\n',
    );
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('deny paths: 403 on the canonical prefix, with the built-in engine message', () => {
    const r = render({ pools: [pool()], virtualServices: [http({ denyPaths: ['/Admin/', '/'] })] });
    const fe = section(r, 'frontend site');
    expect(fe).toContain('acl portico_deny_0 path,lower -m str "/admin"');
    expect(fe.find((l) => l.includes('portico_deny_0') && l.startsWith('http-request deny'))).toContain(
      'string "403 Forbidden: access to /Admin/ is not allowed on this service; use HTTPS\\n"',
    );
    // "/" covers every path: no condition at all.
    expect(fe.find((l) => l.includes('access to / is'))).not.toContain(' if ');
  });

  it.each([
    [
      'replace',
      ['http-request del-header X-Forwarded-For', 'http-request del-header Forwarded', 'option forwardfor'],
    ],
    ['append', ['option forwardfor', 'http-request set-header X-Forwarded-Proto http']],
    ['off', []],
  ])('forwardedHeaders %s', (forwardedHeaders, lines) => {
    const fe = section(
      render({ pools: [pool()], virtualServices: [http({ forwardedHeaders })] }),
      'frontend site',
    );
    for (const l of lines) expect(fe).toContain(l);
    if (forwardedHeaders !== 'replace') expect(fe).not.toContain('http-request del-header X-Forwarded-For');
    if (forwardedHeaders === 'off') expect(fe.some((l) => l.includes('orward'))).toBe(false);
  });

  it('limits and timeouts towards clients', () => {
    const fe = section(
      render({
        pools: [pool()],
        virtualServices: [
          http({
            limits: { maxConnections: 500, maxConnectionsPerSource: 7 },
            timeouts: { clientHeaderMs: 4000, idleMs: 90_000 },
          }),
        ],
      }),
      'frontend site',
    );
    expect(fe).toEqual(
      expect.arrayContaining([
        'maxconn 500',
        'timeout client 90000ms',
        'timeout http-request 4000ms',
        'timeout http-keep-alive 90000ms',
        'tcp-request connection track-sc0 src',
        'tcp-request connection reject if { sc0_conn_cur gt 7 }',
      ]),
    );
  });

  it('https: a crt-list with the first certificate as the default, the others by their names', () => {
    const r = render({
      pools: [pool()],
      virtualServices: [
        {
          ...http(),
          protocol: 'https',
          tls: { certificates: ['www', 'mail'], minVersion: 'TLSv1.3', cipherProfile: 'legacy' },
        },
      ],
    });
    const bind = section(r, 'frontend site').find((l) => l.startsWith('bind '))!;
    expect(bind).toContain('ssl-min-ver TLSv1.3');
    expect(bind).toContain('ciphers ECDHE-ECDSA-AES128-GCM-SHA256:');
    expect(bind).toContain(':AES256-SHA');
    const list = r.files.find((f) => bind.includes(f.path))!;
    const lines = list.content.trim().split('\n');
    expect(lines[0]).toBe(r.certPaths.get('www'));
    expect(lines[1]).toBe(`${r.certPaths.get('mail')} mail.example.com`);
    expect(r.files.find((f) => f.path === r.certPaths.get('www'))!.secret).toBe(true);
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('redirect: the same URL over https with the built-in engine status and body', () => {
    const fe = section(
      render({
        virtualServices: [
          {
            name: 'site',
            protocol: 'redirect',
            listen: { address: '127.0.0.1', port: 8080 },
            toPort: 8443,
            status: 308,
          },
        ],
      }),
      'frontend site',
    );
    const line = fe.find((l) => l.startsWith('http-request return status 308'))!;
    expect(line).toContain('hdr location "https://%[req.hdr(host),regsub(:[0-9]+\\$,)]:8443%[pathq]"');
    expect(line).toContain('308 Permanent Redirect: moved to https://');
  });

  it('a pool used by tcp and http services: a tcp twin tracking its servers', () => {
    const r = render({
      pools: [pool({ healthCheck: { type: 'tcp' }, persistence: { mode: 'source-ip' } })],
      virtualServices: [
        http(),
        { name: 'l4', protocol: 'tcp', listen: { address: '127.0.0.1', port: 8081 }, pool: 'web' },
      ],
    });
    expect(section(r, 'frontend l4')).toContain('default_backend web.tcp');
    const twin = section(r, 'backend web.tcp');
    expect(twin).toContain('mode tcp');
    expect(twin).toContain('stick on src table web');
    expect(twin.find((l) => l.startsWith('server a '))).toContain('track web/a');
    expect(haproxyAccepts(r)).toBe('valid');
  });

  it('a disabled service renders no frontend', () => {
    const r = render({ pools: [pool()], virtualServices: [http({ enabled: false })] });
    expect(r.text).not.toContain('frontend site');
  });
});

describe('lines know where they came from', () => {
  it('each section line maps to its config object', () => {
    const r = render({ pools: [pool(), pool({ name: 'other' })], virtualServices: [http()] });
    const lines = r.text.split('\n');
    expect(r.origins[lines.indexOf('frontend site')]).toBe('virtualServices[0]');
    expect(r.origins[lines.indexOf('backend other')]).toBe('pools[1]');
    expect(r.origins[lines.indexOf('global')]).toBe('');
  });

  it('the same config renders the same text', () => {
    const input = { pools: [pool({ healthCheck: { type: 'http' } })], virtualServices: [http()] };
    expect(render(input).text).toBe(render(input).text);
  });
});
