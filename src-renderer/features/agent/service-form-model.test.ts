import { describe, expect, it } from 'vitest';
import { VirtualService } from '../../../shared/model/config.ts';
import { richService, service } from './agent-test-data.ts';
import {
  emptyServiceValues,
  newRuleRow,
  rebaseServiceValues,
  ruleKey,
  serviceFieldOf,
  type ServiceFormValues,
  shownServiceFields,
  toServiceDocument,
  toServiceValues,
} from './service-form-model.ts';

const newService = (overrides: Partial<ServiceFormValues> = {}): ServiceFormValues => ({
  ...emptyServiceValues(),
  name: 'www',
  listenPort: '80',
  ...overrides,
});

describe('toServiceDocument: editing', () => {
  it('gives back the service unchanged when nothing was edited, hidden fields included', () => {
    const original = richService();
    expect(VirtualService.parse(toServiceDocument(toServiceValues(original), original))).toEqual(original);
  });

  it('overrides the edited fields and keeps everything else', () => {
    const original = richService();
    const values = toServiceValues(original);
    const doc = VirtualService.parse(
      toServiceDocument(
        { ...values, listenPort: '8443', pool: 'web', certificates: 'legacy, owa-2025' },
        original,
      ),
    );
    expect(doc).toEqual({
      ...original,
      listen: { address: '192.0.2.1', port: 8443 },
      pool: 'web',
      tls: { certificates: ['legacy', 'owa-2025'], minVersion: 'TLSv1.3', cipherProfile: 'modern' },
    });
  });

  it('keeps the default certificate while it is listed, and drops it with the certificate', () => {
    const base = richService();
    if (base.protocol !== 'https') throw new Error('richService is https');
    const original = { ...base, tls: { ...base.tls, defaultCertificate: base.tls.certificates[0]! } };
    const values = toServiceValues(original);
    const kept = VirtualService.parse(
      toServiceDocument({ ...values, certificates: `mail, ${base.tls.certificates[0]!}` }, original),
    );
    expect(kept).toMatchObject({ tls: { defaultCertificate: base.tls.certificates[0] } });
    const dropped = VirtualService.parse(toServiceDocument({ ...values, certificates: 'mail' }, original));
    expect(dropped).toMatchObject({ tls: { certificates: ['mail'] } });
    expect(dropped.protocol === 'https' && dropped.tls.defaultCertificate).toBeUndefined();
  });

  it.each([
    [
      'http',
      { maxHeaderBytes: 32768, timeouts: { clientHeaderMs: 5000, clientBodyMs: 20000, idleMs: 900000 } },
    ],
    [
      'tcp',
      {
        timeouts: { idleMs: 900000 },
        limits: { maxConnections: 20000, maxConnectionsPerSource: 0 },
      },
    ],
    ['redirect', { timeouts: { clientHeaderMs: 5000, idleMs: 900000 }, toPort: 443, status: 301 }],
  ] as const)(
    'keeps what %s has of the timeouts, limits and header size when the protocol changes',
    (protocol, kept) => {
      const original = richService();
      const doc = VirtualService.parse(
        toServiceDocument({ ...toServiceValues(original), protocol }, original),
      );
      expect(doc).toMatchObject({ protocol, name: 'owa', listen: original.listen, ...kept });
      if (protocol === 'tcp') expect(doc).toMatchObject({ pool: 'cas' });
      expect(doc).not.toHaveProperty('tls');
    },
  );
});

describe('toServiceDocument: a new service', () => {
  it('builds an http service from the form alone, leaving defaults to the schema', () => {
    const rule = { ...newRuleRow(), name: 'api', hosts: 'api.example.com, *.api.example.com', pool: 'api' };
    const values = newService({ pool: 'web', rules: [rule], denyPaths: '/admin, /ecp' });
    expect(toServiceDocument(values)).toEqual({
      name: 'www',
      listen: { address: '0.0.0.0', port: 80 },
      protocol: 'http',
      pool: 'web',
      contentRules: [{ name: 'api', host: ['api.example.com', '*.api.example.com'], pool: 'api' }],
      denyPaths: ['/admin', '/ecp'],
      forwardedHeaders: 'replace',
    });
  });

  it('leaves out an unchosen pool, so the schema asks for it (tcp) or it means none (http)', () => {
    expect(toServiceDocument(newService({ protocol: 'tcp' }))).not.toHaveProperty('pool');
    expect(toServiceDocument(newService({ protocol: 'http' }))).not.toHaveProperty('pool');
    expect(toServiceDocument(newService({ rules: [newRuleRow()] })).contentRules).toEqual([{ name: '' }]);
  });

  it.each([
    ['an empty port', '', undefined],
    ['a port with letters', '80a', NaN],
    ['a padded port', ' 443 ', 443],
  ])('hands %s to the schema as it is', (_name, typed, expected) => {
    const doc = toServiceDocument(newService({ listenPort: typed }));
    expect((doc.listen as { port: unknown }).port).toEqual(expected);
  });

  it('makes a redirect a service of its own protocol', () => {
    const doc = toServiceDocument(
      newService({ protocol: 'redirect', toPort: '8443', status: '308', pool: 'x' }),
    );
    expect(doc).toEqual({
      name: 'www',
      listen: { address: '0.0.0.0', port: 80 },
      protocol: 'redirect',
      toPort: 8443,
      status: 308,
    });
  });

  it('names no certificate for an https service without one, so the schema asks for it', () => {
    expect(toServiceDocument(newService({ protocol: 'https', certificates: ' , ' })).tls).toEqual({
      minVersion: 'TLSv1.2',
      cipherProfile: 'intermediate',
      certificates: [],
    });
  });

  it('edits the oldest TLS version and the cipher profile, round-tripping what the service had', () => {
    const original = richService();
    if (original.protocol !== 'https') throw new Error('https expected');
    const values = toServiceValues({ ...original, tls: { ...original.tls, minVersion: 'TLSv1.3' } });
    expect(values).toMatchObject({ tlsMinVersion: 'TLSv1.3', cipherProfile: original.tls.cipherProfile });
    const doc = VirtualService.parse(toServiceDocument({ ...values, cipherProfile: 'modern' }, original));
    if (doc.protocol !== 'https') throw new Error('https expected');
    expect(doc.tls).toEqual({ ...original.tls, minVersion: 'TLSv1.3', cipherProfile: 'modern' });
    // The schema's problems about them land at their fields.
    expect(serviceFieldOf(['tls', 'minVersion'], values)).toBe('tlsMinVersion');
    expect(serviceFieldOf(['tls', 'cipherProfile'], values)).toBe('cipherProfile');
  });
});

describe('toServiceDocument: timeouts, limits and SNI/Host', () => {
  it('sends the edited ones, puts an emptied one back to its default, and keeps the rest', () => {
    const original = richService();
    const values = {
      ...toServiceValues(original),
      idleMs: '120000',
      maxTunnels: '',
      maxConnectionsPerSource: '50',
      maxHeaderBytes: '65536',
      sniHostMismatch: 'route-by-host' as const,
    };
    const doc = VirtualService.parse(toServiceDocument(values, original));
    if (doc.protocol !== 'https' || original.protocol !== 'https') throw new Error('https expected');
    expect(doc).toEqual({
      ...original,
      sniHostMismatch: 'route-by-host',
      maxHeaderBytes: 65536,
      timeouts: { ...original.timeouts, idleMs: 120000 },
      limits: { ...original.limits, maxTunnels: 10000, maxConnectionsPerSource: 50 },
    });
  });

  it('sends the SNI/Host choice for https only, and leaves it out when automatic', () => {
    const https = toServiceValues(richService());
    expect(toServiceDocument({ ...https, sniHostMismatch: 'refuse' })).toMatchObject({
      sniHostMismatch: 'refuse',
    });
    expect(toServiceDocument(https)).not.toHaveProperty('sniHostMismatch');
    expect(toServiceDocument({ ...https, protocol: 'http', sniHostMismatch: 'refuse' })).not.toHaveProperty(
      'sniHostMismatch',
    );
  });

  it('hands a limit with letters to the schema, which refuses it at its path', () => {
    const doc = toServiceDocument(newService({ pool: 'web', listenPort: '80', maxConnections: '10k' }));
    const parsed = VirtualService.safeParse(doc);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['limits', 'maxConnections']);
  });
});

describe('rebaseServiceValues', () => {
  it('takes what the admin left untouched from the newer service and keeps the edits', () => {
    const opened = richService();
    const newer = VirtualService.parse({ ...opened, maxHeaderBytes: 65536, timeouts: { idleMs: 1000 } });
    const edited = { ...toServiceValues(opened), idleMs: '5000', listenPort: '4443' };
    const rebased = rebaseServiceValues(edited, opened, newer);
    expect(rebased).toMatchObject({ maxHeaderBytes: '65536', idleMs: '5000', listenPort: '4443' });
    // Defaults the newer service went back to are taken too.
    expect(rebased.clientHeaderMs).toBe('10000');
    expect(rebaseServiceValues(edited, opened, undefined)).toBe(edited);
  });
});

describe('toServiceValues', () => {
  it('reads every field the form shows', () => {
    const values = toServiceValues(richService());
    expect(values).toMatchObject({
      name: 'owa',
      protocol: 'https',
      listenAddress: '192.0.2.1',
      listenPort: '443',
      pool: 'cas',
      denyPaths: '/ecp',
      forwardedHeaders: 'append',
      certificates: 'owa-2025, legacy',
    });
    expect(values.rules.map((r) => [r.name, r.hosts, r.pathPrefix, r.pool])).toEqual([
      ['autodiscover', 'autodiscover.corp.example', '/autodiscover', 'ad'],
    ]);
  });

  it('reads the timeouts, limits, header size and SNI/Host choice, defaults included', () => {
    expect(toServiceValues(richService())).toMatchObject({
      clientHeaderMs: '5000',
      clientBodyMs: '20000',
      idleMs: '900000',
      tlsHandshakeMs: '3000',
      maxConnections: '20000',
      maxConnectionsPerSource: '0',
      maxTunnels: '50',
      minBodyRate: '100',
      maxHeaderBytes: '32768',
      sniHostMismatch: '',
    });
    const tcp = toServiceValues(
      service('rdp', { protocol: 'tcp', pool: 'ts', timeouts: { idleMs: 7200000 } }),
    );
    expect(tcp).toMatchObject({ idleMs: '7200000', clientHeaderMs: '', maxTunnels: '', maxHeaderBytes: '' });
  });

  it.each([
    ['tcp', service('rdp', { protocol: 'tcp', pool: 'ts' }), { protocol: 'tcp', pool: 'ts' }],
    [
      'redirect',
      service('to-https', { protocol: 'redirect', pool: undefined, toPort: 8443, status: 307 }),
      { protocol: 'redirect', toPort: '8443', status: '307', pool: '' },
    ],
    ['http without a default pool', service('rules-only', { pool: undefined }), { pool: '' }],
  ] as const)('reads a %s service', (_name, vs, expected) => {
    expect(toServiceValues(vs)).toMatchObject(expected);
  });
});

describe('serviceFieldOf and shownServiceFields', () => {
  const values = toServiceValues(richService());
  const rule = values.rules[0]!;
  it.each([
    [['name'], 'name'],
    [['listen'], 'listenPort'],
    [['listen', 'address'], 'listenAddress'],
    [['pool'], 'pool'],
    [['tls', 'certificates'], 'certificates'],
    [['denyPaths', 0], 'denyPaths'],
    [['contentRules', 0, 'pool'], ruleKey(rule.rowId, 'pool')],
    [['contentRules', 0, 'host', 1], ruleKey(rule.rowId, 'hosts')],
    [['contentRules', 0], ruleKey(rule.rowId, 'hosts')],
    [['contentRules', 3, 'pool'], undefined],
    [['maxHeaderBytes'], 'maxHeaderBytes'],
    [['sniHostMismatch'], 'sniHostMismatch'],
    [['timeouts', 'tlsHandshakeMs'], 'tlsHandshakeMs'],
    [['limits', 'maxTunnels'], 'maxTunnels'],
    [['limits'], 'maxConnections'],
    [['timeouts'], 'clientHeaderMs'],
    [['limits', 'noSuchLimit'], undefined],
  ] as const)('%j → %s', (path, field) => {
    expect(serviceFieldOf(path, values)).toBe(field);
  });

  it.each([
    [
      'tcp',
      ['pool', 'idleMs', 'maxConnections', 'maxConnectionsPerSource'],
      ['certificates', 'denyPaths', 'toPort', 'clientHeaderMs', 'maxTunnels', 'maxHeaderBytes'],
    ],
    [
      'http',
      ['pool', 'denyPaths', 'forwardedHeaders', 'clientBodyMs', 'minBodyRate', 'maxHeaderBytes'],
      ['certificates', 'toPort', 'tlsHandshakeMs', 'sniHostMismatch'],
    ],
    [
      'https',
      ['pool', 'certificates', 'denyPaths', 'tlsHandshakeMs', 'sniHostMismatch', 'maxTunnels'],
      ['toPort', 'status'],
    ],
    [
      'redirect',
      ['toPort', 'status', 'clientHeaderMs', 'idleMs', 'maxConnections'],
      ['pool', 'denyPaths', 'certificates', 'clientBodyMs', 'minBodyRate', 'sniHostMismatch'],
    ],
  ] as const)('for %s shows %j and hides %j', (protocol, shown, hidden) => {
    const fields = shownServiceFields(newService({ protocol }));
    for (const f of shown) expect(fields.has(f)).toBe(true);
    for (const f of hidden) expect(fields.has(f)).toBe(false);
  });
});
