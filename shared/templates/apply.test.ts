import { describe, expect, it } from 'vitest';
import { AgentConfig, type AgentConfigInput } from '../model/config.ts';
import { applyTemplate, previewTemplate } from './apply.ts';
import { getBuiltinTemplate } from './builtin.ts';
import { BUILTIN_SAMPLES } from '../../test/support/builtin-samples.ts';

const exchange = getBuiltinTemplate('exchange-2010-cas')!;
const params = (extra: Record<string, unknown> = {}) => ({
  ...BUILTIN_SAMPLES['exchange-2010-cas'],
  listenAddress: '192.0.2.10',
  ...extra,
});

const config = (virtualServices: Record<string, unknown>[]) =>
  AgentConfig.parse({ virtualServices } as AgentConfigInput);
const other = { name: 'intranet', listen: { address: '192.0.2.20', port: 80 }, protocol: 'http' };
const ssh = { name: 'ssh', listen: { port: 22 }, protocol: 'tcp' };

describe('applyTemplate', () => {
  it('adds the services to a config and keeps every other one as it was', () => {
    const current = config([other, ssh]);
    const r = applyTemplate(current, exchange, params());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.created).toEqual(['exchange-https', 'exchange-http']);
    expect(r.replaced).toEqual([]);
    expect(r.config.virtualServices.map((vs) => vs.name)).toEqual([
      'intranet',
      'ssh',
      'exchange-https',
      'exchange-http',
    ]);
    expect(r.config.virtualServices.slice(0, 2)).toEqual(current.virtualServices);
  });

  it('replaces a service of the same name in place and leaves the rest alone', () => {
    const first = applyTemplate(config([other, ssh]), exchange, params());
    if (!first.ok) throw new Error('first apply failed');
    const https = first.config.virtualServices.find((vs) => vs.name === 'exchange-https');
    const current = AgentConfig.parse({ virtualServices: [ssh, https] });
    const r = applyTemplate(current, exchange, params({ certificate: 'mail-2025' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.replaced).toEqual(['exchange-https']);
    expect(r.created).toEqual(['exchange-http']);
    expect(r.config.virtualServices.map((vs) => vs.name)).toEqual(['ssh', 'exchange-https', 'exchange-http']);
    expect(r.config.virtualServices[1]?.tls?.certificates).toEqual(['mail-2025']);
  });

  it('a second site beside the first: another name, another address', () => {
    const first = applyTemplate(config([]), exchange, params());
    if (!first.ok) throw new Error('first apply failed');
    const r = applyTemplate(first.config, exchange, params({ name: 'branch', listenAddress: '192.0.2.11' }));
    expect(r.ok && r.config.virtualServices.map((vs) => vs.name)).toEqual([
      'exchange-https',
      'exchange-http',
      'branch-https',
      'branch-http',
    ]);
  });

  it('reports a listener clash with an existing service, naming both and the parameters behind it', () => {
    const current = config([
      other,
      { name: 'owa-old', listen: { address: '192.0.2.10', port: 443 }, protocol: 'tcp' },
    ]);
    const r = applyTemplate(current, exchange, params());
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          path: 'virtualServices[2].listen',
          message:
            '192.0.2.10:443 is already used by virtual service "owa-old"; use content rules to share one address',
          virtualService: 'exchange-https',
          params: ['listenAddress', 'httpsPort'],
        },
      ],
    });
  });

  it('reports a clash found on an existing service after an in-place replace', () => {
    // The replaced service sits first, so the rule reports the existing one that comes later.
    const current = config([
      { name: 'exchange-http', listen: { address: '192.0.2.10', port: 8080 }, protocol: 'http' },
      { name: 'legacy', listen: { address: '192.0.2.10', port: 80 }, protocol: 'http' },
    ]);
    const r = applyTemplate(current, exchange, params());
    expect(!r.ok && r.problems).toEqual([
      {
        path: 'virtualServices[1].listen',
        message:
          '192.0.2.10:80 is already used by virtual service "exchange-http"; use content rules to share one address',
        virtualService: 'legacy',
      },
    ]);
  });

  it('passes parameter problems through and changes nothing', () => {
    const current = config([other]);
    const r = applyTemplate(current, exchange, params({ certificate: undefined }));
    expect(r).toEqual({ ok: false, problems: [{ path: 'params.certificate', message: 'required' }] });
    expect(current.virtualServices).toHaveLength(1);
  });

  it('keeps the $schema of the config', () => {
    const current = AgentConfig.parse({ $schema: './config.schema.json', virtualServices: [] });
    const r = applyTemplate(current, exchange, params());
    expect(r.ok && r.config.$schema).toBe('./config.schema.json');
  });
});

describe('previewTemplate', () => {
  it('shows adds, replaces with the fields that change, and what stays the same', () => {
    const first = applyTemplate(config([other]), exchange, params());
    if (!first.ok) throw new Error('first apply failed');
    const r = previewTemplate(
      first.config,
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
    expect(r.unchanged).toEqual(['exchange-http']);
    expect(r.changes).toHaveLength(1);
    const [change] = r.changes;
    expect(change).toMatchObject({
      op: 'replace',
      virtualService: 'exchange-https',
      fields: ['realServers["cas02"]', 'realServers["cas03"]', 'tls.certificates'],
    });
    expect(change?.op === 'replace' && change.before.tls?.certificates).toEqual(['mail']);
    expect(change?.op === 'replace' && change.after.tls?.certificates).toEqual(['mail-2025']);
  });

  it('shows every service as an add on an empty config', () => {
    const r = previewTemplate(config([]), exchange, params());
    expect(r.ok && r.changes.map((c) => [c.op, c.virtualService])).toEqual([
      ['add', 'exchange-https'],
      ['add', 'exchange-http'],
    ]);
    expect(r.ok && r.changes[0]?.op === 'add' && r.changes[0].after.listen.port).toBe(443);
  });

  it('refuses what apply would refuse', () => {
    const r = previewTemplate(config([]), exchange, params({ httpsPort: 80 }));
    expect(!r.ok && r.problems.map((p) => p.path)).toEqual(['virtualServices[1].listen']);
  });
});
