import { describe, expect, it } from 'vitest';
import { BUILTIN_SAMPLES } from '../../test/support/builtin-samples.ts';
import {
  AgentConfig,
  type AgentConfigInput,
  type HttpsService,
  type VirtualService,
} from '../model/config.ts';
import { applyTemplate, previewTemplate, type ApplyResult } from './apply.ts';
import { getBuiltinTemplate } from './builtin.ts';

const config = (input: AgentConfigInput = {}) => AgentConfig.parse(input);
const at = { listenAddress: '192.0.2.10' };
const params = (id: string, extra: Record<string, unknown> = {}) => ({
  ...BUILTIN_SAMPLES[id],
  ...at,
  ...extra,
});
const pool = (name: string) => ({ kind: 'pool', name });
const service = (name: string) => ({ kind: 'virtualService', name });

function apply(current: AgentConfig, id: string, extra: Record<string, unknown> = {}): ApplyResult {
  return applyTemplate(current, getBuiltinTemplate(id)!, params(id, extra));
}

function applied(current: AgentConfig, id: string, extra: Record<string, unknown> = {}): AgentConfig {
  const r = apply(current, id, extra);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

const find = (cfg: AgentConfig, name: string): VirtualService => {
  const vs = cfg.virtualServices.find((v) => v.name === name);
  if (!vs) throw new Error(`no service ${name}`);
  return vs;
};
const https = (cfg: AgentConfig, name = 'edge-https') => find(cfg, name) as HttpsService;
const ruleNames = (vs: VirtualService) =>
  vs.protocol === 'http' || vs.protocol === 'https' ? vs.contentRules.map((r) => r.name) : [];

/** Exchange, then Lync (one-address entry), then AD FS: three applications on one address. */
function threeApplications(): AgentConfig {
  return applied(applied(applied(config(), 'exchange-2016'), 'one-address'), 'adfs');
}

describe('shared services: several applications on one address', () => {
  it('the first application creates the address services; the next joins them instead of "already used"', () => {
    const exchange = applied(config(), 'exchange-2016');
    expect(exchange.virtualServices.map((v) => v.name)).toEqual(['edge-https', 'edge-http', 'edge-to-https']);
    const r = apply(exchange, 'one-address');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.created).toEqual([pool('lync'), pool('lync-http')]);
    expect(r.replaced).toEqual([service('edge-https'), service('edge-http')]);
    expect(r.unchanged).toEqual([pool('edge-to-https'), service('edge-to-https')]);
    expect(r.config.virtualServices.map((v) => v.name)).toEqual(['edge-https', 'edge-http', 'edge-to-https']);
    const joined = https(r.config);
    expect(joined.tls.certificates).toEqual(['mail', 'lyncweb']);
    expect(ruleNames(joined).slice(-2)).toEqual(['exchange', 'lync']);
    expect(joined.contentRules.at(-1)).toEqual({
      name: 'lync',
      host: ['meet.contoso.com', 'dialin.contoso.com', 'lyncdiscover.contoso.com'],
      pool: 'lync',
    });
    // Exchange's deny paths and idle timeout stay; Lync forwards its names on port 80.
    expect(joined.denyPaths).toEqual(['/ecp', '/powershell']);
    expect(joined.timeouts.idleMs).toBe(1_800_000);
    const http = find(r.config, 'edge-http');
    expect(http.protocol === 'http' && http.pool).toBe('edge-to-https');
    expect(ruleNames(http)).toEqual(['lync-http']);
  });

  it('three applications: every rule, every certificate, one listener per port', () => {
    const cfg = threeApplications();
    expect(cfg.virtualServices.map((v) => `${v.name} ${v.listen.address}:${v.listen.port}`)).toEqual([
      'edge-https 192.0.2.10:443',
      'edge-http 192.0.2.10:80',
      'edge-to-https 127.0.0.1:10080',
    ]);
    const vs = https(cfg);
    expect(vs.tls.certificates).toEqual(['mail', 'lyncweb', 'sts']);
    expect(ruleNames(vs)).toEqual([
      'exchange-owa',
      'exchange-ecp',
      'exchange-ews',
      'exchange-eas',
      'exchange-mapi',
      'exchange-rpc',
      'exchange-oab',
      'exchange-autodiscover',
      'exchange',
      'lync',
      'adfs',
    ]);
    expect(vs.pool).toBeUndefined();
  });

  it('applied in another order, with another site name: joins by address, and keeps the longest idle timeout', () => {
    const adfs = applied(config(), 'adfs');
    expect(https(adfs).timeouts.idleMs).toBe(120_000);
    const both = applied(adfs, 'exchange-2016', { site: 'mail' });
    // Joined by address: the services keep the names the first application gave them.
    expect(both.virtualServices.map((v) => v.name)).toEqual(['edge-https', 'edge-http', 'edge-to-https']);
    expect(https(both).timeouts.idleMs).toBe(1_800_000);
    expect(https(applied(both, 'adfs')).timeouts.idleMs).toBe(1_800_000);
  });

  it('applying an application again updates its rules in place, adds nothing twice', () => {
    const cfg = threeApplications();
    const again = apply(cfg, 'one-address', { hostNames: ['meet.contoso.com'] });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    const vs = https(again.config);
    expect(ruleNames(vs)).toEqual(ruleNames(https(cfg)));
    expect(vs.contentRules.find((r) => r.name === 'lync')?.host).toEqual(['meet.contoso.com']);
    expect(vs.tls.certificates).toEqual(['mail', 'lyncweb', 'sts']);
    expect(apply(cfg, 'adfs')).toMatchObject({ ok: true, replaced: [] });
  });

  it('a new certificate name is added beside the old one (renew under the same name instead)', () => {
    const vs = https(applied(threeApplications(), 'one-address', { certificate: 'lyncweb-2027' }));
    expect(vs.tls.certificates).toEqual(['mail', 'lyncweb', 'sts', 'lyncweb-2027']);
  });

  it('joins an Exchange 2010 address: its redirect on port 80 stays, its default pool keeps other names', () => {
    const ex2010 = applied(config(), 'exchange-2010-cas');
    const r = apply(ex2010, 'adfs');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.replaced).toEqual([service('exchange-https')]);
    expect(r.unchanged).toEqual([service('exchange-http')]);
    // The loopback redirect exists but nothing sends to it: the redirect service answers port 80.
    expect(r.created).toEqual([pool('adfs'), pool('edge-to-https'), service('edge-to-https')]);
    const vs = https(r.config, 'exchange-https');
    expect(vs.pool).toBe('exchange-cas');
    expect(vs.contentRules.map((c) => c.name)).toEqual(['adfs']);
    expect(vs.tls.certificates).toEqual(['mail', 'sts']);
  });

  it('refuses to join a service of another protocol, or to forward port 80 where a redirect service is', () => {
    const tcp = config({
      pools: [{ name: 'rdp', servers: [{ name: 'a', address: '10.0.0.1', port: 3389 }] }],
      virtualServices: [
        { name: 'rdp', protocol: 'tcp', listen: { address: '192.0.2.10', port: 443 }, pool: 'rdp' },
      ],
    });
    const r = apply(tcp, 'adfs');
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          path: 'virtualServices[0].protocol',
          virtualService: 'rdp',
          message: expect.stringContaining('192.0.2.10:443 is already used by "rdp" (tcp)'),
        },
      ],
    });
    const ex2010 = applied(config(), 'exchange-2010-cas');
    const forward = apply(ex2010, 'one-address');
    expect(!forward.ok && forward.problems[0]).toMatchObject({
      virtualService: 'exchange-http',
      message: expect.stringContaining('is already used by "exchange-http" (redirect)'),
    });
  });

  it('refuses a shared service whose name listens on another address (it would move every application)', () => {
    const cfg = threeApplications();
    const r = apply(cfg, 'adfs', { listenAddress: '192.0.2.11' });
    expect(!r.ok && r.problems[0]).toMatchObject({
      virtualService: 'edge-https',
      message: expect.stringContaining('"edge-https" listens on 192.0.2.10:443, not on 192.0.2.11:443'),
    });
  });

  it('another address with another site name is a second, independent set of services', () => {
    const cfg = applied(applied(config(), 'exchange-2016'), 'adfs', {
      listenAddress: '192.0.2.11',
      site: 'federation',
      redirectPort: 10081,
    });
    expect(cfg.virtualServices.map((v) => v.name)).toEqual([
      'edge-https',
      'edge-http',
      'edge-to-https',
      'federation-https',
      'federation-http',
      'federation-to-https',
    ]);
    expect(https(cfg, 'federation-https').tls.certificates).toEqual(['sts']);
  });

  it('previews a join as a change to the service already there', () => {
    const exchange = applied(config(), 'exchange-2016');
    const p = previewTemplate(exchange, getBuiltinTemplate('adfs')!, params('adfs'));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.changes.map((c) => `${c.op} ${c.kind} ${c.name}`)).toEqual([
      'add pool adfs',
      'replace virtualService edge-https',
    ]);
    expect(p.unchanged).toEqual([pool('edge-to-https'), service('edge-http'), service('edge-to-https')]);
  });

  it('a service the template does not mark shared is still refused on a used address', () => {
    const cfg = threeApplications();
    const r = apply(cfg, 'https-offload', { listenAddress: '192.0.2.10', port: 443 });
    expect(!r.ok && r.problems.map((p) => p.message)).toEqual([
      '192.0.2.10:443 is already used by "edge-https"; use content rules to share one address',
    ]);
  });
});
