import { describe, expect, it } from 'vitest';
import { Pool } from '../../../shared/model/config.ts';
import { pool, richPool } from './agent-test-data.ts';
import {
  emptyPoolValues,
  newServerRow,
  type PoolFormValues,
  poolFieldOf,
  rebasePoolValues,
  rebaseServers,
  serverKey,
  shownPoolFields,
  toPoolDocument,
  toPoolValues,
} from './pool-form-model.ts';

const newPool = (overrides: Partial<PoolFormValues> = {}): PoolFormValues => ({
  ...emptyPoolValues(),
  name: 'web',
  ...overrides,
});

describe('toPoolDocument: editing', () => {
  it('gives back the pool unchanged when nothing was edited, hidden fields included', () => {
    const original = richPool();
    expect(Pool.parse(toPoolDocument(toPoolValues(original), original))).toEqual(original);
  });

  it('overrides the edited fields and keeps everything else', () => {
    const original = richPool();
    const values = toPoolValues(original);
    const doc = Pool.parse(
      toPoolDocument(
        {
          ...values,
          scheduler: 'round-robin',
          serverMs: '30000',
          servers: values.servers.map((r) => (r.name === 'cas1' ? { ...r, weight: '7' } : r)),
        },
        original,
      ),
    );
    expect(doc).toEqual({
      ...original,
      scheduler: 'round-robin',
      timeouts: { connectMs: 1000, serverMs: 30000 },
      servers: [{ ...original.servers[0], weight: 7 }, original.servers[1]],
    });
    expect(doc.servers[0]?.maxConnections).toBe(500);
  });

  it('carries only the common settings when the check type changes from https to tcp', () => {
    const original = richPool();
    const doc = Pool.parse(
      toPoolDocument({ ...toPoolValues(original), healthType: 'tcp', healthIntervalMs: '3000' }, original),
    );
    expect(doc.healthCheck).toEqual({ type: 'tcp', intervalMs: 3000, timeoutMs: 2000, rise: 4, fall: 3 });
  });

  it('keeps the check port it does not show, and takes every check setting it shows from the form', () => {
    const original = pool('p', { healthCheck: { type: 'http', port: 8081, host: 'a.test', rise: 3 } });
    const values = {
      ...toPoolValues(original),
      healthHost: '',
      healthRise: '',
      healthMethod: 'OPTIONS' as const,
    };
    expect(Pool.parse(toPoolDocument(values, original)).healthCheck).toEqual({
      ...original.healthCheck,
      host: undefined,
      rise: 2,
      method: 'OPTIONS',
    });
    expect(Pool.parse(toPoolDocument(values, original)).healthCheck).not.toHaveProperty('host');
  });

  it('keeps the cookie flags when only the cookie name changes', () => {
    const original = richPool();
    const doc = toPoolDocument({ ...toPoolValues(original), cookieName: 'OWA' }, original);
    expect(doc.persistence).toEqual({
      mode: 'cookie',
      cookieName: 'OWA',
      timeoutSeconds: 600,
      httpOnly: false,
    });
  });

  it('puts an emptied field back to its default, not to the value it had', () => {
    const original = richPool();
    const doc = Pool.parse(
      toPoolDocument(
        { ...toPoolValues(original), connectMs: '', retries: ' ', healthIntervalMs: '' },
        original,
      ),
    );
    expect(doc.timeouts).toEqual({ connectMs: 3000, serverMs: 120000 });
    expect(doc.retries).toBe(2);
    expect(doc.healthCheck).toMatchObject({ intervalMs: 5000, rise: 4, path: '/owa/healthcheck.htm' });
  });

  it('drops re-encrypt when it is switched off', () => {
    const original = richPool();
    const doc = toPoolDocument({ ...toPoolValues(original), reencrypt: false, healthType: 'http' }, original);
    expect(doc).not.toHaveProperty('reencrypt');
  });
});

describe('toPoolDocument: a new pool', () => {
  it('builds the document from the form alone, leaving defaults to the schema', () => {
    const values = newPool({
      servers: [{ ...newServerRow(), name: 'a', address: '10.0.0.5', port: '8080', weight: '' }],
    });
    expect(toPoolDocument(values)).toEqual({
      name: 'web',
      scheduler: 'round-robin',
      persistence: { mode: 'none' },
      healthCheck: { type: 'none' },
      timeouts: {},
      servers: [{ name: 'a', address: '10.0.0.5', port: 8080, enabled: true }],
    });
  });

  it.each([
    ['an empty port', '', undefined],
    ['a port with letters', '80a', NaN],
    ['a padded port', ' 443 ', 443],
  ])('hands %s to the schema as it is', (_name, typed, expected) => {
    const values = newPool({ servers: [{ ...newServerRow(), name: 'a', address: 'x', port: typed }] });
    expect((toPoolDocument(values).servers as { port: unknown }[])[0]?.port).toEqual(expected);
  });

  it.each([
    [
      'verified',
      { reencryptVerify: 'ca', reencryptCa: 'root', reencryptSni: 'x.test' },
      { verify: 'ca', ca: 'root', serverName: 'x.test' },
    ],
    ['unverified, no SNI', { reencryptVerify: 'none', reencryptCa: 'ignored' }, { verify: 'none' }],
  ] as const)('re-encrypts %s', (_name, fields, expected) => {
    expect(toPoolDocument(newPool({ reencrypt: true, ...fields })).reencrypt).toEqual(expected);
  });

  it('sends a check path and interval only for the check types that have them', () => {
    const doc = toPoolDocument(
      newPool({ healthType: 'http', healthPath: '/ping', healthIntervalMs: '1000' }),
    );
    expect(doc.healthCheck).toEqual({ type: 'http', path: '/ping', intervalMs: 1000, method: 'GET' });
    const tcp = toPoolDocument(newPool({ healthType: 'tcp', healthPath: '/ping', healthIntervalMs: '' }));
    expect(tcp.healthCheck).toEqual({ type: 'tcp' });
  });

  it('sends the advanced check settings the chosen type has, and no others', () => {
    const advanced = {
      healthMethod: 'HEAD',
      healthHost: ' owa.corp.example ',
      healthExpect: '200, 301 302',
      healthTimeoutMs: '800',
      healthRise: '1',
      healthFall: '5',
    } as const;
    expect(Pool.parse(toPoolDocument(newPool({ healthType: 'http', ...advanced }))).healthCheck).toEqual({
      type: 'http',
      path: '/',
      intervalMs: 5000,
      method: 'HEAD',
      host: 'owa.corp.example',
      expectStatus: [200, 301, 302],
      timeoutMs: 800,
      rise: 1,
      fall: 5,
    });
    expect(toPoolDocument(newPool({ healthType: 'tcp', ...advanced })).healthCheck).toEqual({
      type: 'tcp',
      timeoutMs: 800,
      rise: 1,
      fall: 5,
    });
    expect(toPoolDocument(newPool({ healthType: 'none', ...advanced })).healthCheck).toEqual({
      type: 'none',
    });
  });

  it('hands a status code with letters to the schema, which refuses it', () => {
    const doc = toPoolDocument(newPool({ healthType: 'http', healthExpect: '200, 2xx' }));
    expect(doc.healthCheck).toMatchObject({ expectStatus: [200, NaN] });
    expect(Pool.safeParse({ ...doc, servers: [] }).success).toBe(false);
  });

  it('sends a persistence timeout for the modes that have one', () => {
    expect(
      toPoolDocument(newPool({ persistence: 'source-ip', persistenceTimeout: '60' })).persistence,
    ).toEqual({
      mode: 'source-ip',
      timeoutSeconds: 60,
    });
    expect(toPoolDocument(newPool({ persistence: 'none', persistenceTimeout: '60' })).persistence).toEqual({
      mode: 'none',
    });
  });
});

describe('toPoolValues', () => {
  it('reads every field the form shows', () => {
    const values = toPoolValues(richPool());
    expect(values).toMatchObject({
      name: 'cas',
      scheduler: 'least-connections',
      persistence: 'cookie',
      cookieName: 'MS-WSMAN',
      persistenceTimeout: '600',
      healthType: 'https',
      healthPath: '/owa/healthcheck.htm',
      healthIntervalMs: '2000',
      healthMethod: 'GET',
      healthHost: '',
      healthExpect: '200, 204',
      healthTimeoutMs: '2000',
      healthRise: '4',
      healthFall: '3',
      reencrypt: true,
      reencryptVerify: 'ca',
      reencryptCa: 'corp-root',
      reencryptSni: 'mail.corp.example',
      connectMs: '1000',
      serverMs: '120000',
      retries: '1',
    });
    expect(values.servers.map((r) => [r.name, r.address, r.port, r.weight, r.enabled])).toEqual([
      ['cas1', '10.0.1.1', '443', '3', true],
      ['cas2', '10.0.1.2', '443', '1', false],
    ]);
  });
});

describe('rebasePoolValues', () => {
  it('takes the check settings the admin left untouched from the newer pool and keeps the edits', () => {
    const opened = richPool();
    const newer = Pool.parse({ ...opened, healthCheck: { ...opened.healthCheck, fall: 6, rise: 9 } });
    const edited = { ...toPoolValues(opened), healthRise: '1' };
    const rebased = rebasePoolValues(edited, opened, newer);
    expect(rebased).toMatchObject({ healthRise: '1', healthFall: '6' });
    expect(rebasePoolValues(edited, undefined, newer).healthFall).toBe('3');
  });
});

describe('rebaseServers', () => {
  it('takes the hidden fields from the newer pool and keeps the typed ones', () => {
    const rows = toPoolValues(richPool()).servers.map((r) => ({ ...r, weight: '9' }));
    const newer = richPool();
    newer.servers[0] = { ...newer.servers[0]!, maxConnections: 42 };
    const rebased = rebaseServers(rows, newer);
    expect(rebased[0]?.original?.maxConnections).toBe(42);
    expect(rebased[0]?.weight).toBe('9');
  });

  it('leaves added rows and a removed pool alone', () => {
    const rows = [newServerRow()];
    expect(rebaseServers(rows, richPool())).toEqual(rows);
    expect(rebaseServers(rows, undefined)).toBe(rows);
  });
});

describe('poolFieldOf and shownPoolFields', () => {
  const values = toPoolValues(richPool());
  const cas2 = values.servers[1]!;
  it.each([
    [['name'], 'name'],
    [['persistence', 'cookieName'], 'cookieName'],
    [['persistence', 'timeoutSeconds'], 'persistenceTimeout'],
    [['persistence'], 'persistence'],
    [['healthCheck', 'type'], 'healthType'],
    [['healthCheck', 'path'], 'healthPath'],
    [['healthCheck', 'rise'], 'healthRise'],
    [['healthCheck', 'fall'], 'healthFall'],
    [['healthCheck', 'timeoutMs'], 'healthTimeoutMs'],
    [['healthCheck', 'method'], 'healthMethod'],
    [['healthCheck', 'host'], 'healthHost'],
    [['healthCheck', 'expectStatus', 1], 'healthExpect'],
    [['healthCheck', 'port'], undefined],
    [['reencrypt', 'ca'], 'reencryptCa'],
    [['reencrypt'], 'reencryptVerify'],
    [['timeouts', 'serverMs'], 'serverMs'],
    [['retries'], 'retries'],
    [['servers', 1, 'address'], serverKey(cas2.rowId, 'address')],
    [['servers', 1, 'maxConnections'], undefined],
    [['servers', 7, 'port'], undefined],
  ] as const)('%j → %s', (path, field) => {
    expect(poolFieldOf(path, values)).toBe(field);
  });

  it('shows only the fields that apply to the chosen modes', () => {
    const row = newServerRow();
    const plain = shownPoolFields(newPool({ servers: [row] }));
    expect(plain.has('cookieName')).toBe(false);
    expect(plain.has('healthPath')).toBe(false);
    expect(plain.has('reencryptCa')).toBe(false);
    expect(plain.has('healthRise')).toBe(false);
    const tcp = shownPoolFields(newPool({ healthType: 'tcp' }));
    expect(['healthTimeoutMs', 'healthRise', 'healthFall'].every((f) => tcp.has(f))).toBe(true);
    expect(tcp.has('healthExpect') || tcp.has('healthMethod') || tcp.has('healthHost')).toBe(false);
    expect(plain.has(serverKey(row.rowId, 'port'))).toBe(true);
    expect([...shownPoolFields(values)]).toEqual(
      expect.arrayContaining([
        'cookieName',
        'persistenceTimeout',
        'healthPath',
        'reencryptCa',
        'reencryptSni',
        'healthMethod',
        'healthHost',
        'healthExpect',
      ]),
    );
  });
});
