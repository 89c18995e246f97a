import { describe, expect, it } from 'vitest';
import { AgentConfig, type AgentConfigInput } from '../../../shared/model/config.ts';
import { unsupported } from './unsupported.ts';

const base = (
  service: Record<string, unknown> = {},
  pool: Record<string, unknown> = {},
): AgentConfigInput => ({
  pools: [{ name: 'web', servers: [{ name: 'a', address: '127.0.0.1', port: 1 }], ...pool }],
  virtualServices: [
    { name: 'site', protocol: 'http', listen: { address: '127.0.0.1', port: 8080 }, pool: 'web', ...service },
  ] as AgentConfigInput['virtualServices'],
});

const paths = (input: AgentConfigInput) => unsupported(AgentConfig.parse(input)).map((p) => p.path);

describe('fields the haproxy engine refuses', () => {
  it('every default renders', () => {
    expect(paths(base())).toEqual([]);
    expect(
      paths({
        ...base(),
        virtualServices: [
          {
            name: 's',
            protocol: 'https',
            listen: { address: '127.0.0.1', port: 1 },
            tls: { certificates: ['x'] },
            pool: 'web',
          },
          { name: 't', protocol: 'tcp', listen: { address: '127.0.0.1', port: 2 }, pool: 'web' },
          { name: 'r', protocol: 'redirect', listen: { address: '127.0.0.1', port: 3 } },
        ],
      }),
    ).toEqual([]);
  });

  it.each([
    [{ limits: { maxTunnels: 5 } }, 'virtualServices[0].limits.maxTunnels'],
    [{ limits: { minBodyRate: 0 } }, 'virtualServices[0].limits.minBodyRate'],
    [{ timeouts: { clientBodyMs: 5000 } }, 'virtualServices[0].timeouts.clientBodyMs'],
    [
      { protocol: 'https', tls: { certificates: ['x'] }, timeouts: { tlsHandshakeMs: 2000 } },
      'virtualServices[0].timeouts.tlsHandshakeMs',
    ],
  ])('%j → %s', (service, path) => {
    const problems = unsupported(AgentConfig.parse(base(service)));
    expect(problems.map((p) => p.path)).toEqual([path]);
    expect(problems[0]!.message).toMatch(/^the haproxy engine .*(--engine builtin|leave it at)/);
  });

  it('weights above 256 where the scheduler weighs, not where it does not', () => {
    const heavy = { servers: [{ name: 'a', address: '127.0.0.1', port: 1, weight: 300 }] };
    expect(paths(base({}, { ...heavy, scheduler: 'weighted-round-robin' }))).toEqual([
      'pools[0].servers[0].weight',
    ]);
    expect(paths(base({}, { ...heavy, scheduler: 'round-robin' }))).toEqual([]);
  });

  it('one request-head limit for every http service', () => {
    const input = base({ maxHeaderBytes: 8192 });
    input.virtualServices!.push({
      name: 'other',
      protocol: 'http',
      listen: { address: '127.0.0.1', port: 8081 },
      pool: 'web',
    });
    expect(paths(input)).toEqual(['virtualServices[1].maxHeaderBytes']);
  });

  it('a re-encrypt serverName must be a DNS name', () => {
    expect(paths(base({}, { reencrypt: { verify: 'none', serverName: 'a b' } }))).toEqual([
      'pools[0].reencrypt.serverName',
    ]);
    expect(paths(base({}, { reencrypt: { verify: 'none', serverName: 'cas.example.com' } }))).toEqual([]);
  });

  it('a disabled service is not looked at', () => {
    expect(paths(base({ enabled: false, limits: { maxTunnels: 5 } }))).toEqual([]);
  });
});
