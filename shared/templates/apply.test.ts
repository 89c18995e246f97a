import { describe, expect, it } from 'vitest';
import { BUILTIN_SAMPLES } from '../../test/support/builtin-samples.ts';
import { AgentConfig, type AgentConfigInput } from '../model/config.ts';
import { applyTemplate, previewTemplate } from './apply.ts';
import { getBuiltinTemplate } from './builtin.ts';
import { Template } from './template.ts';

const exchange = getBuiltinTemplate('exchange-2010-cas')!;
const params = (extra: Record<string, unknown> = {}) => ({
  ...BUILTIN_SAMPLES['exchange-2010-cas'],
  listenAddress: '192.0.2.10',
  ...extra,
});

const config = (input: AgentConfigInput = {}) => AgentConfig.parse(input);
const intranetPool = { name: 'intranet', servers: [{ name: 'web01', address: '10.0.9.1', port: 80 }] };
const intranet = {
  name: 'intranet',
  listen: { address: '192.0.2.20', port: 80 },
  protocol: 'http',
  pool: 'intranet',
} as const;
const ssh = { name: 'ssh', listen: { port: 22 }, protocol: 'tcp', pool: 'intranet' } as const;
const pool = (name: string) => ({ kind: 'pool', name });
const service = (name: string) => ({ kind: 'virtualService', name });

function applied(current: AgentConfig, template = exchange, values: unknown = params()): AgentConfig {
  const r = applyTemplate(current, template, values);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

describe('applyTemplate', () => {
  it('adds the pool and services to a config and keeps every other object as it was', () => {
    const current = config({ pools: [intranetPool], virtualServices: [intranet, ssh] });
    const r = applyTemplate(current, exchange, params());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.created).toEqual([pool('exchange-cas'), service('exchange-https'), service('exchange-http')]);
    expect(r.replaced).toEqual([]);
    expect(r.unchanged).toEqual([]);
    expect(r.config.pools.map((p) => p.name)).toEqual(['intranet', 'exchange-cas']);
    expect(r.config.virtualServices.map((vs) => vs.name)).toEqual([
      'intranet',
      'ssh',
      'exchange-https',
      'exchange-http',
    ]);
    expect(r.config.pools[0]).toEqual(current.pools[0]);
    expect(r.config.virtualServices.slice(0, 2)).toEqual(current.virtualServices);
  });

  it('updates an object of the same name in place and leaves the rest alone', () => {
    const first = applied(config({ pools: [intranetPool], virtualServices: [intranet, ssh] }));
    const current = config({
      pools: first.pools,
      virtualServices: [ssh, first.virtualServices.find((vs) => vs.name === 'exchange-https')!],
    });
    const r = applyTemplate(current, exchange, params({ certificate: 'mail-2025' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.replaced).toEqual([service('exchange-https')]);
    expect(r.created).toEqual([service('exchange-http')]);
    expect(r.unchanged).toEqual([pool('exchange-cas')]);
    expect(r.config.virtualServices.map((vs) => vs.name)).toEqual(['ssh', 'exchange-https', 'exchange-http']);
    const https = r.config.virtualServices[1];
    expect(https?.protocol === 'https' && https.tls.certificates).toEqual(['mail-2025']);
  });

  it('a second site beside the first: another name, another address', () => {
    const first = applied(config());
    const r = applyTemplate(first, exchange, params({ name: 'branch', listenAddress: '192.0.2.11' }));
    expect(r.ok && r.config.pools.map((p) => p.name)).toEqual(['exchange-cas', 'branch-cas']);
    expect(r.ok && r.config.virtualServices.map((vs) => vs.name)).toEqual([
      'exchange-https',
      'exchange-http',
      'branch-https',
      'branch-http',
    ]);
  });

  it('writes a pool once for two services that mean the same servers on the same port', () => {
    const shared = Template.parse({
      id: 'shared',
      version: 1,
      name: 'One pool, two services',
      parameters: [
        { name: 'servers', type: 'realServers', label: 'Servers', required: true, defaultPort: 8080 },
      ],
      pools: [{ name: 'web', servers: '{{servers}}', healthCheck: { type: 'http', path: '/health' } }],
      virtualServices: [
        { name: 'web-http', listen: { port: 80 }, protocol: 'http', pool: 'web' },
        {
          name: 'web-https',
          listen: { port: 443 },
          protocol: 'https',
          tls: { certificates: ['www'] },
          pool: 'web',
        },
      ],
    });
    const servers = [
      { name: 'a', address: '10.0.0.1' },
      { name: 'b', address: '10.0.0.2' },
    ];
    const r = applyTemplate(config(), shared, { servers });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.created).toEqual([pool('web'), service('web-http'), service('web-https')]);
    expect(r.config.pools).toHaveLength(1);
    expect(r.config.pools[0]?.servers.map((s) => `${s.name}:${s.port}`)).toEqual(['a:8080', 'b:8080']);
    expect(r.config.virtualServices.map((vs) => vs.protocol !== 'redirect' && vs.pool)).toEqual([
      'web',
      'web',
    ]);
  });

  describe('applied again', () => {
    /** The Exchange config, then what an admin changed by hand since. */
    function handTuned(): AgentConfig {
      const first = applied(config());
      const cas = first.pools[0]!;
      const [https, http] = first.virtualServices;
      if (cas.healthCheck.type !== 'https' || https?.protocol !== 'https')
        throw new Error('unexpected render');
      return config({
        pools: [
          {
            ...cas,
            retries: 4,
            healthCheck: { ...cas.healthCheck, intervalMs: 30_000 },
            servers: cas.servers.map((s) =>
              s.name === 'cas02' ? { ...s, enabled: false, maxConnections: 500 } : s,
            ),
          },
          { name: 'owa-archive', servers: [{ name: 'arch01', address: '10.0.1.50', port: 443 }] },
        ],
        virtualServices: [
          {
            ...https,
            // /exchange by hand; the template's own two were there already.
            denyPaths: ['/exchange', '/ecp', '/powershell'],
            contentRules: [{ name: 'archive', pathPrefix: '/archive', pool: 'owa-archive' }],
          },
          http!,
        ],
      });
    }

    it('keeps the fields the template does not write: a drained server, a tuned check, a content rule', () => {
      const current = handTuned();
      const r = applyTemplate(current, exchange, params({ certificate: 'mail-2025' }));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.replaced).toEqual([service('exchange-https')]);
      expect(r.unchanged).toEqual([pool('exchange-cas'), service('exchange-http')]);
      const [cas, archive] = r.config.pools;
      expect(cas).toEqual(current.pools[0]);
      expect(archive).toEqual(current.pools[1]);
      expect(r.config.virtualServices[0]).toMatchObject({
        tls: { certificates: ['mail-2025'] },
        denyPaths: ['/exchange', '/ecp', '/powershell'],
        contentRules: [{ name: 'archive', pool: 'owa-archive' }],
      });
    });

    it('keeps each server’s own fields when the list changes, and drops the servers left out', () => {
      const r = applyTemplate(
        handTuned(),
        exchange,
        params({
          servers: [
            { name: 'cas02', address: '10.0.1.22' },
            { name: 'cas03', address: '10.0.1.13' },
          ],
        }),
      );
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.replaced).toEqual([pool('exchange-cas')]);
      expect(r.config.pools[0]?.servers).toEqual([
        { name: 'cas02', address: '10.0.1.22', port: 443, weight: 1, enabled: false, maxConnections: 500 },
        { name: 'cas03', address: '10.0.1.13', port: 443, weight: 1, enabled: true, maxConnections: 0 },
      ]);
    });

    it('removes a field the template writes from a parameter left empty this time', () => {
      const named = applied(config(), exchange, params({ backendServerName: 'cas.contoso.local' }));
      expect(named.pools[0]?.reencrypt).toEqual({
        verify: 'ca',
        ca: 'internal-ca',
        serverName: 'cas.contoso.local',
      });
      const r = applyTemplate(named, exchange, params());
      expect(r.ok && r.replaced).toEqual([pool('exchange-cas')]);
      expect(r.ok && r.config.pools[0]?.reencrypt).toEqual({ verify: 'ca', ca: 'internal-ca' });
    });

    it('takes a health check or re-encrypt of another kind as the template writes it', () => {
      const current = handTuned();
      const none = applyTemplate(current, exchange, params({ backendVerify: 'none', backendCa: undefined }));
      expect(none.ok && none.config.pools[0]?.reencrypt).toEqual({ verify: 'none' });
      const tcp = getBuiltinTemplate('tcp')!;
      const l4 = applied(config(), tcp, { ...BUILTIN_SAMPLES.tcp, healthCheck: 'tcp' });
      const tuned = config({
        ...l4,
        pools: l4.pools.map((p) => ({
          ...p,
          healthCheck: { type: 'tcp' as const, port: 3390, intervalMs: 900 },
        })),
      });
      const off = applied(tuned, tcp, { ...BUILTIN_SAMPLES.tcp, healthCheck: 'none' });
      expect(off.pools[0]?.healthCheck).toEqual({ type: 'none' });
    });
  });

  it('names a pool the running config has: the template need not write it', () => {
    const addon = Template.parse({
      id: 'addon',
      version: 1,
      name: 'A service on an existing pool',
      parameters: [{ name: 'pool', type: 'string', label: 'Pool', required: true }],
      virtualServices: [{ name: 'intranet-tcp', listen: { port: 8443 }, protocol: 'tcp', pool: '{{pool}}' }],
    });
    const current = config({ pools: [intranetPool], virtualServices: [intranet] });
    expect(applyTemplate(current, addon, { pool: 'intranet' })).toMatchObject({
      ok: true,
      created: [service('intranet-tcp')],
    });
    expect(applyTemplate(current, addon, { pool: 'intranett' })).toEqual({
      ok: false,
      problems: [
        { path: 'params.pool', message: 'there is no pool "intranett"', virtualService: 'intranet-tcp' },
      ],
    });
  });

  it('reports a listener clash with an existing service, naming it and the parameters behind it', () => {
    const current = config({
      pools: [intranetPool],
      virtualServices: [
        intranet,
        { name: 'owa-old', listen: { address: '192.0.2.10', port: 443 }, protocol: 'tcp', pool: 'intranet' },
      ],
    });
    const r = applyTemplate(current, exchange, params());
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          path: 'virtualServices[2].listen',
          message: '192.0.2.10:443 is already used by "owa-old"; use content rules to share one address',
          virtualService: 'exchange-https',
          params: ['listenAddress', 'httpsPort'],
        },
      ],
    });
  });

  it('reports a clash found on an existing service after an in-place update', () => {
    // The updated service sits first, so the rule reports the existing one that comes later.
    const current = config({
      virtualServices: [
        { name: 'exchange-http', listen: { address: '192.0.2.10', port: 8080 }, protocol: 'redirect' },
        { name: 'legacy', listen: { address: '192.0.2.10', port: 80 }, protocol: 'redirect' },
      ],
    });
    const r = applyTemplate(current, exchange, params());
    expect(!r.ok && r.problems).toEqual([
      {
        path: 'virtualServices[1].listen',
        message: '192.0.2.10:80 is already used by "exchange-http"; use content rules to share one address',
        virtualService: 'legacy',
      },
    ]);
  });

  it('passes parameter problems through and changes nothing', () => {
    const current = config({ pools: [intranetPool], virtualServices: [intranet] });
    const before = structuredClone(current);
    const r = applyTemplate(current, exchange, params({ certificate: undefined }));
    expect(r).toEqual({ ok: false, problems: [{ path: 'params.certificate', message: 'required' }] });
    expect(current).toEqual(before);
  });

  it('keeps the $schema and revision of the config', () => {
    const current = config({ $schema: './config.schema.json', revision: 7 });
    const r = applyTemplate(current, exchange, params());
    expect(r.ok && [r.config.$schema, r.config.revision]).toEqual(['./config.schema.json', 7]);
  });
});

describe('previewTemplate', () => {
  it('shows adds, replaces with the fields that change, and what stays the same', () => {
    const first = applied(config({ pools: [intranetPool], virtualServices: [intranet] }));
    const r = previewTemplate(
      first,
      exchange,
      params({
        certificate: 'mail-2025',
        servers: [
          { name: 'cas01', address: '10.0.1.11' },
          { name: 'cas03', address: '10.0.1.13' },
        ],
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.unchanged).toEqual([service('exchange-http')]);
    expect(r.changes.map((c) => [c.op, c.kind, c.name, c.op === 'replace' && c.fields])).toEqual([
      ['replace', 'pool', 'exchange-cas', ['servers["cas02"]', 'servers["cas03"]']],
      ['replace', 'virtualService', 'exchange-https', ['tls.certificates']],
    ]);
    const [, https] = r.changes;
    expect(https?.op === 'replace' && https.before).toMatchObject({ tls: { certificates: ['mail'] } });
    expect(https?.op === 'replace' && https.after).toMatchObject({ tls: { certificates: ['mail-2025'] } });
  });

  it('shows every object as an add on an empty config', () => {
    const r = previewTemplate(config(), exchange, params());
    expect(r.ok && r.changes.map((c) => [c.op, c.kind, c.name])).toEqual([
      ['add', 'pool', 'exchange-cas'],
      ['add', 'virtualService', 'exchange-https'],
      ['add', 'virtualService', 'exchange-http'],
    ]);
    expect(r.ok && r.changes[1]?.op === 'add' && r.changes[1].after).toMatchObject({ listen: { port: 443 } });
  });

  it('refuses what apply would refuse', () => {
    const r = previewTemplate(config(), exchange, params({ httpsPort: 80 }));
    expect(!r.ok && r.problems.map((p) => p.path)).toEqual(['virtualServices[1].listen']);
  });
});
