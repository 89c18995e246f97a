import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../model/config.ts';
import { BUILTIN_FILES, getBuiltinTemplate, listBuiltinTemplates } from './builtin.ts';
import { BUILTIN_SAMPLES } from '../../test/support/builtin-samples.ts';
import { renderTemplate } from './render.ts';

const IDS = [
  'exchange-2010-cas',
  'http-redirect',
  'https-offload',
  'https-reencrypt',
  'lync-reverse-proxy',
  'tcp',
];

function render(id: string, params: Record<string, unknown> = {}): Map<string, VirtualService> {
  const r = renderTemplate(getBuiltinTemplate(id)!, { ...BUILTIN_SAMPLES[id], ...params });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return new Map(r.virtualServices.map((vs) => [vs.name, vs]));
}

describe('built-in templates', () => {
  it('are the six the source material calls for, each loaded by id', () => {
    expect(listBuiltinTemplates().map((t) => t.id)).toEqual(IDS);
    expect(getBuiltinTemplate('exchange-2010-cas')?.version).toBe(1);
    expect(getBuiltinTemplate('nope')).toBeUndefined();
  });

  it('imports every file in ./builtin (a new file must be listed in builtin.ts)', () => {
    const files = readdirSync(new URL('./builtin/', import.meta.url)).filter((f) => f.endsWith('.json'));
    expect(Object.keys(BUILTIN_FILES).sort()).toEqual(files.sort());
  });

  it.each(IDS)('%s renders with sample parameters into services that validate', (id) => {
    const services = render(id);
    expect(services.size).toBeGreaterThan(0);
  });

  it.each(IDS)('%s names its services after the name parameter (apply it twice for two sites)', (id) => {
    const names = [...render(id, { name: 'site2' }).keys()];
    expect(names.every((n) => n.startsWith('site2'))).toBe(true);
  });

  it.each(IDS)('%s listens on 0.0.0.0 unless told otherwise', (id) => {
    for (const vs of render(id).values()) expect(vs.listen.address).toBe('0.0.0.0');
    for (const vs of render(id, { listenAddress: '192.0.2.10' }).values()) {
      expect(vs.listen.address).toBe('192.0.2.10');
    }
  });

  it('exchange-2010-cas: offload + re-encrypt on 443, cookie persistence, health path, long idle, 80 → HTTPS', () => {
    const s = render('exchange-2010-cas');
    expect(s.get('exchange-https')).toMatchObject({
      listen: { port: 443 },
      protocol: 'https',
      tls: { certificates: ['mail'] },
      reencrypt: { verify: 'ca', ca: 'internal-ca' },
      persistence: { mode: 'cookie' },
      healthCheck: { type: 'https', path: '/owa/healthcheck.htm', expectStatus: [200] },
      timeouts: { idleMs: 1_800_000, serverMs: 1_800_000 },
      realServers: [
        { name: 'cas01', port: 443 },
        { name: 'cas02', port: 443 },
      ],
    });
    expect(s.get('exchange-http')).toMatchObject({
      listen: { port: 80 },
      protocol: 'http',
      redirect: { toPort: 443 },
    });
    // Unverified re-encrypt is a choice the admin makes by name, not the absence of a CA.
    const none = render('exchange-2010-cas', { backendVerify: 'none', backendCa: undefined });
    expect(none.get('exchange-https')?.reencrypt).toEqual({ verify: 'none' });
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

  it('lync-reverse-proxy: 443 → 4443 re-encrypted with Host forwarded and 1800 s idle; 80 → 8080', () => {
    const s = render('lync-reverse-proxy');
    expect(s.get('lync-https')).toMatchObject({
      listen: { port: 443 },
      protocol: 'https',
      tls: { certificates: ['lyncweb'] },
      reencrypt: { verify: 'ca', ca: 'internal-ca', serverName: 'pool01.contoso.local' },
      forwardedHeaders: 'replace',
      timeouts: { idleMs: 1_800_000 },
    });
    expect(s.get('lync-https')?.realServers.map((rs) => rs.port)).toEqual([4443, 4443]);
    expect(s.get('lync-http')).toMatchObject({
      listen: { port: 80 },
      protocol: 'http',
      timeouts: { idleMs: 1_800_000 },
    });
    expect(s.get('lync-http')?.realServers.map((rs) => rs.port)).toEqual([8080, 8080]);
  });

  it('lync-reverse-proxy: refuses a per-server port, since both services share the list', () => {
    const r = renderTemplate(getBuiltinTemplate('lync-reverse-proxy')!, {
      ...BUILTIN_SAMPLES['lync-reverse-proxy'],
      servers: [{ name: 'fe01', address: '10.0.2.11', port: 4443 }],
    });
    expect(!r.ok && r.problems.map((p) => p.path)).toEqual(['params.servers[0].port']);
  });

  it('https-offload: TLS at the balancer, plain HTTP to port 80 with an HTTP check', () => {
    const vs = render('https-offload').get('https-offload')!;
    expect(vs).toMatchObject({
      protocol: 'https',
      listen: { port: 443 },
      healthCheck: { type: 'http', path: '/' },
    });
    expect(vs.reencrypt).toBeUndefined();
    expect(vs.realServers[0]?.port).toBe(80);
    // The path belongs to HTTP checks only; a TCP check drops it.
    expect(render('https-offload', { healthCheck: 'tcp' }).get('https-offload')?.healthCheck).toMatchObject({
      type: 'tcp',
    });
  });

  it('https-reencrypt: TLS both ways to port 443 with an HTTPS check', () => {
    expect(render('https-reencrypt').get('https-reencrypt')).toMatchObject({
      protocol: 'https',
      reencrypt: { verify: 'ca', ca: 'internal-ca' },
      healthCheck: { type: 'https' },
      realServers: [{ port: 443 }],
    });
  });

  it('tcp: an L4 pipe; servers without a port get the service port', () => {
    expect(render('tcp').get('tcp')).toMatchObject({
      protocol: 'tcp',
      listen: { port: 3389 },
      healthCheck: { type: 'tcp' },
      realServers: [{ port: 3389 }],
    });
    const r = renderTemplate(getBuiltinTemplate('tcp')!, { servers: BUILTIN_SAMPLES.tcp!.servers });
    expect(!r.ok && r.problems).toEqual([{ path: 'params.port', message: 'required' }]);
  });

  it('http-redirect: port 80 answering with a redirect to 443', () => {
    expect(render('http-redirect').get('http-redirect')).toMatchObject({
      protocol: 'http',
      listen: { port: 80 },
      redirect: { toPort: 443, status: 301 },
      realServers: [],
    });
  });
});
