import { describe, expect, it } from 'vitest';
import type { ResultOf } from '../../shared/protocol/methods.ts';
import { storeProblems } from './store-references.ts';

type Entry = ResultOf<'cert.list'>['certificates'][number];
const entry = (name: string, kind: Entry['kind'], problem?: string): Entry =>
  ({
    name,
    kind,
    subject: { dn: `CN=${name}` },
    issuer: { dn: 'CN=Test CA' },
    sans: { dns: [], ip: [] },
    notAfter: '2030-01-01T00:00:00Z',
    keyType: 'EC',
    fingerprint: 'AA',
    importedAt: '2025-01-01T00:00:00Z',
    certificates: 1,
    usedBy: [],
    source: 'imported',
    ...(problem ? { problem } : {}),
  }) as Entry;

const https = (name: string, certificates: string[]) =>
  ({
    op: 'add',
    kind: 'virtualService',
    name,
    after: { name, protocol: 'https', tls: { certificates }, listen: { address: '0.0.0.0', port: 443 } },
  }) as unknown as ResultOf<'template.preview'>['changes'][number];
const reencrypting = (name: string, ca: string) =>
  ({
    op: 'add',
    kind: 'pool',
    name,
    after: { name, servers: [], reencrypt: { verify: 'ca', ca } },
  }) as unknown as ResultOf<'template.preview'>['changes'][number];

const store = [
  entry('www', 'certificate'),
  entry('internal-ca', 'ca-bundle'),
  entry('broken', 'certificate', 'key unreadable'),
];

describe('storeProblems', () => {
  it.each([
    ['a certificate the store has', [https('web', ['www'])], []],
    ['a CA bundle the store has', [reencrypting('cas', 'internal-ca')], []],
    [
      'a missing certificate',
      [https('web', ['www', 'mail'])],
      [
        {
          name: 'mail',
          reason: 'missing',
          message:
            'certificate "mail", named by virtual service web, is not in lb2\'s store: push it to lb2 (Certificates), then retry.',
        },
      ],
    ],
    [
      'a server certificate named as backendCa',
      [reencrypting('cas', 'www')],
      [
        {
          name: 'www',
          reason: 'wrong-kind',
          message:
            '"www" on lb2 is a server certificate, not a CA bundle: pool cas must name the CA that signed its servers\' certificates.',
        },
      ],
    ],
    [
      'a CA bundle offered as a server certificate',
      [https('web', ['internal-ca'])],
      [{ name: 'internal-ca', reason: 'wrong-kind' }],
    ],
    ['an unreadable entry', [https('web', ['broken'])], [{ name: 'broken', reason: 'damaged' }]],
  ])('%s', (_what, changes, expected) => {
    expect(storeProblems(changes, store, 'lb2')).toMatchObject(expected);
    expect(storeProblems(changes, store, 'lb2')).toHaveLength(expected.length);
  });

  it('ignores what the template removes', () => {
    const removal = {
      op: 'remove',
      kind: 'virtualService',
      name: 'old',
      before: {},
    } as unknown as ResultOf<'template.preview'>['changes'][number];
    expect(storeProblems([removal], [], 'lb2')).toEqual([]);
  });
});
