import { describe, expect, it } from 'vitest';
import {
  changeSummary,
  describeService,
  fieldChanges,
  formatValue,
  refsText,
  valueAt,
} from './change-text.ts';
import { pool, service } from '../../test/support/reported-objects.ts';

const before = pool('web', [
  ['web01', '10.0.0.1', 80],
  ['web02', '10.0.0.2', 80],
]);
const after = pool('web', [['web01', '10.0.0.9', 80]], { persistence: { mode: 'source-ip' } });

describe('valueAt', () => {
  it('follows dotted keys and named list members', () => {
    expect(valueAt(service('www', 8443, 'web'), 'listen.port')).toBe(8443);
    expect(valueAt(after, 'servers["web01"].address')).toBe('10.0.0.9');
    expect(valueAt(after, 'servers["web02"]')).toBeUndefined();
    expect(valueAt(before, 'servers[1].name')).toBe('web02');
  });
});

describe('formatValue', () => {
  it('writes scalars plainly, servers as name address:port, and shortens long values', () => {
    expect(formatValue(undefined)).toBe('(none)');
    expect(formatValue('a')).toBe('"a"');
    expect(formatValue(443)).toBe('443');
    expect(formatValue(before.servers[0])).toBe('web01 10.0.0.1:80, weight 1');
    expect(formatValue({ address: '::1', port: 1, name: 'v6' })).toBe('v6 [::1]:1');
    expect(formatValue({ long: 'x'.repeat(300) })).toHaveLength(120);
  });
});

describe('describeService', () => {
  it.each([
    ['tcp', service('rdp', 3389, 'ts', { protocol: 'tcp' }), 'tcp on 0.0.0.0:3389 → pool ts'],
    [
      'http with content rules',
      service('www', 80, 'web', { contentRules: [{ name: 'api', pathPrefix: '/api', pool: 'api' }] }),
      'http on 0.0.0.0:80 → pools web, api',
    ],
    [
      'http without any pool',
      service('www', 80, 'web', { pool: undefined }),
      'http on 0.0.0.0:80, no pool (404 for every request)',
    ],
    [
      'redirect',
      service('to-https', 80, 'x', { protocol: 'redirect', pool: undefined, status: 308 }),
      'redirect on 0.0.0.0:80 to port 443 (308)',
    ],
  ])('%s', (_name, vs, text) => {
    expect(describeService(vs)).toBe(text);
  });
});

describe('changeSummary and fieldChanges', () => {
  it('describes each kind of change, naming the object by kind', () => {
    expect(changeSummary({ op: 'add', kind: 'pool', name: 'web', after })).toBe(
      'Add pool web: 1 real server: web01 10.0.0.9:80',
    );
    expect(
      changeSummary({ op: 'add', kind: 'virtualService', name: 'www', after: service('www', 443, 'web') }),
    ).toBe('Add virtual service www: http on 0.0.0.0:443 → pool web');
    expect(changeSummary({ op: 'remove', kind: 'pool', name: 'web', before })).toBe(
      'Remove pool web (2 real servers: web01 10.0.0.1:80, web02 10.0.0.2:80)',
    );
    const replace = {
      op: 'replace' as const,
      kind: 'pool' as const,
      name: 'web',
      before,
      after,
      fields: ['servers["web01"].address', 'servers["web02"]', 'persistence.mode'],
    };
    expect(changeSummary(replace)).toBe('Replace pool web: 3 fields change');
    expect(fieldChanges(replace)).toEqual([
      { path: 'servers["web01"].address', before: '"10.0.0.1"', after: '"10.0.0.9"' },
      { path: 'servers["web02"]', before: 'web02 10.0.0.2:80, weight 1', after: '(none)' },
      { path: 'persistence.mode', before: '"none"', after: '"source-ip"' },
    ]);
  });
});

describe('refsText', () => {
  it.each([
    [[], ''],
    [[{ kind: 'pool', name: 'a' }], 'pool a'],
    [
      [
        { kind: 'virtualService', name: 'x' },
        { kind: 'virtualService', name: 'y' },
      ],
      'virtual services x, y',
    ],
    [
      [
        { kind: 'virtualService', name: 'x' },
        { kind: 'pool', name: 'a' },
        { kind: 'pool', name: 'b' },
      ],
      'pools a, b and virtual service x',
    ],
  ] as const)('%j → %s', (refs, text) => {
    expect(refsText(refs)).toBe(text);
  });
});
