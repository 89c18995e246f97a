import { describe, expect, it } from 'vitest';
import { VirtualService } from '../../../shared/model/config.ts';
import { richService, service } from './agent-test-data.ts';
import {
  emptyValues,
  type FormValues,
  newRealServerRow,
  rebaseRows,
  realServerKey,
  shownFields,
  toDocument,
  toFormValues,
} from './form-model.ts';

const newService = (overrides: Partial<FormValues> = {}): FormValues => ({
  ...emptyValues(),
  name: 'web',
  listenPort: '80',
  ...overrides,
});

describe('toDocument: editing', () => {
  it('gives back the service unchanged when nothing was edited, hidden fields included', () => {
    const original = richService();
    const doc = toDocument(toFormValues(original), original);
    expect(VirtualService.parse(doc)).toEqual(original);
  });

  it('overrides the edited fields and keeps everything else', () => {
    const original = richService();
    const values = toFormValues(original);
    const doc = VirtualService.parse(
      toDocument(
        {
          ...values,
          scheduler: 'round-robin',
          listenPort: '8443',
          realServers: values.realServers.map((r) => (r.name === 'cas1' ? { ...r, weight: '7' } : r)),
        },
        original,
      ),
    );
    expect(doc).toEqual({
      ...original,
      scheduler: 'round-robin',
      listen: { address: '192.0.2.1', port: 8443 },
      realServers: [{ ...original.realServers[0], weight: 7 }, original.realServers[1]],
    });
    expect(doc.realServers[0]?.maxConnections).toBe(500);
  });

  it('keeps the further certificates after the edited default one, without repeating it', () => {
    const original = richService();
    const doc = toDocument({ ...toFormValues(original), certificate: 'legacy' }, original);
    expect(doc.tls).toEqual({ certificates: ['legacy'], minVersion: 'TLSv1.3', cipherProfile: 'modern' });
  });

  it('drops tls when the service is no longer https', () => {
    const original = richService();
    const doc = toDocument({ ...toFormValues(original), type: 'http' }, original);
    expect(doc).not.toHaveProperty('tls');
    expect(doc.protocol).toBe('http');
  });

  it('carries only the common settings when the check type changes from http to tcp', () => {
    const original = richService();
    const doc = VirtualService.parse(
      toDocument({ ...toFormValues(original), healthType: 'tcp', healthIntervalMs: '3000' }, original),
    );
    expect(doc.healthCheck).toEqual({ type: 'tcp', intervalMs: 3000, timeoutMs: 2000, rise: 4, fall: 3 });
  });

  it('keeps the cookie timeout and flags when only the cookie name changes', () => {
    const original = richService();
    const doc = toDocument({ ...toFormValues(original), cookieName: 'OWA' }, original);
    expect(doc.persistence).toEqual({
      mode: 'cookie',
      cookieName: 'OWA',
      timeoutSeconds: 600,
      httpOnly: false,
    });
  });
});

describe('toDocument: a new service', () => {
  it('builds the document from the form alone, leaving defaults to the schema', () => {
    const values = newService({
      realServers: [{ ...newRealServerRow(), name: 'a', address: '10.0.0.5', port: '8080', weight: '' }],
    });
    expect(toDocument(values)).toEqual({
      name: 'web',
      protocol: 'http',
      listen: { address: '0.0.0.0', port: 80 },
      scheduler: 'round-robin',
      persistence: { mode: 'none' },
      healthCheck: { type: 'none' },
      realServers: [{ name: 'a', address: '10.0.0.5', port: 8080, enabled: true }],
    });
  });

  it.each([
    ['an empty port', '', undefined],
    ['a port with letters', '80a', NaN],
    ['a padded port', ' 443 ', 443],
  ])('hands %s to the schema as it is', (_name, typed, expected) => {
    expect((toDocument(newService({ listenPort: typed })).listen as { port: unknown }).port).toEqual(
      expected,
    );
  });

  it('makes a redirect an http service with a redirect block', () => {
    const doc = toDocument(newService({ type: 'redirect', redirectPort: '8443' }));
    expect(doc).toMatchObject({ protocol: 'http', redirect: { toPort: 8443 } });
  });

  it('names no certificate for an https service without one, so the schema asks for it', () => {
    expect(toDocument(newService({ type: 'https', certificate: ' ' })).tls).toEqual({ certificates: [] });
  });

  it.each([
    [
      'verified',
      { reencryptVerify: 'ca', reencryptCa: 'root', reencryptSni: 'x.test' },
      { verify: 'ca', ca: 'root', serverName: 'x.test' },
    ],
    ['unverified, no SNI', { reencryptVerify: 'none', reencryptCa: 'ignored' }, { verify: 'none' }],
  ] as const)('re-encrypts %s', (_name, fields, expected) => {
    expect(toDocument(newService({ reencrypt: true, ...fields })).reencrypt).toEqual(expected);
  });

  it('sends a check path and interval only for the check types that have them', () => {
    const doc = toDocument(newService({ healthType: 'http', healthPath: '/ping', healthIntervalMs: '1000' }));
    expect(doc.healthCheck).toEqual({ type: 'http', path: '/ping', intervalMs: 1000 });
    const tcp = toDocument(newService({ healthType: 'tcp', healthPath: '/ping', healthIntervalMs: '' }));
    expect(tcp.healthCheck).toEqual({ type: 'tcp' });
  });
});

describe('toFormValues', () => {
  it('reads a redirect service as the redirect type', () => {
    const values = toFormValues(service('http-80', { redirect: { toPort: 443 }, realServers: [] }));
    expect(values).toMatchObject({ type: 'redirect', redirectPort: '443' });
  });

  it('reads every field the form shows', () => {
    const values = toFormValues(richService());
    expect(values).toMatchObject({
      name: 'owa',
      type: 'https',
      listenAddress: '192.0.2.1',
      listenPort: '443',
      scheduler: 'least-connections',
      persistence: 'cookie',
      cookieName: 'MS-WSMAN',
      healthType: 'https',
      healthPath: '/owa/healthcheck.htm',
      healthIntervalMs: '2000',
      certificate: 'owa-2025',
      reencrypt: true,
      reencryptVerify: 'ca',
      reencryptCa: 'corp-root',
      reencryptSni: 'mail.corp.example',
    });
    expect(values.realServers.map((r) => [r.name, r.address, r.port, r.weight, r.enabled])).toEqual([
      ['cas1', '10.0.1.1', '443', '3', true],
      ['cas2', '10.0.1.2', '443', '1', false],
    ]);
  });
});

describe('rebaseRows', () => {
  it('takes the hidden fields from the newer service and keeps the typed ones', () => {
    const rows = toFormValues(richService()).realServers.map((r) => ({ ...r, weight: '9' }));
    const newer = richService();
    newer.realServers[0] = { ...newer.realServers[0]!, maxConnections: 42 };
    const rebased = rebaseRows(rows, newer);
    expect(rebased[0]?.original?.maxConnections).toBe(42);
    expect(rebased[0]?.weight).toBe('9');
  });

  it('leaves added rows and a removed service alone', () => {
    const rows = [newRealServerRow()];
    expect(rebaseRows(rows, richService())).toEqual(rows);
    expect(rebaseRows(rows, undefined)).toBe(rows);
  });
});

describe('shownFields', () => {
  it('shows only the fields that apply to the chosen types', () => {
    const row = newRealServerRow();
    const plain = shownFields(newService({ realServers: [row] }));
    expect(plain.has('certificate')).toBe(false);
    expect(plain.has('healthPath')).toBe(false);
    expect(plain.has(realServerKey(row.rowId, 'port'))).toBe(true);
    const https = shownFields(newService({ type: 'https', healthType: 'http', reencrypt: true }));
    expect([...https]).toEqual(
      expect.arrayContaining([
        'certificate',
        'healthPath',
        'healthIntervalMs',
        'reencryptCa',
        'reencryptSni',
      ]),
    );
  });
});
