import { describe, expect, it } from 'vitest';
import { changeSummary, fieldChanges, formatValue, valueAt } from './change-text.ts';
import { service } from './test-templates.ts';

const before = service('web', 443, [
  ['web01', '10.0.0.1', 80],
  ['web02', '10.0.0.2', 80],
]);
const after = service('web', 8443, [['web01', '10.0.0.9', 80]], { persistence: { mode: 'source-ip' } });

describe('valueAt', () => {
  it('follows dotted keys and named list members', () => {
    expect(valueAt(after, 'listen.port')).toBe(8443);
    expect(valueAt(after, 'realServers["web01"].address')).toBe('10.0.0.9');
    expect(valueAt(after, 'realServers["web02"]')).toBeUndefined();
    expect(valueAt(before, 'realServers[1].name')).toBe('web02');
  });
});

describe('formatValue', () => {
  it('writes scalars plainly, servers as name address:port, and shortens long values', () => {
    expect(formatValue(undefined)).toBe('(none)');
    expect(formatValue('a')).toBe('"a"');
    expect(formatValue(443)).toBe('443');
    expect(formatValue(before.realServers[0])).toBe('web01 10.0.0.1:80, weight 1');
    expect(formatValue({ address: '::1', port: 1, name: 'v6' })).toBe('v6 [::1]:1');
    expect(formatValue({ long: 'x'.repeat(300) })).toHaveLength(120);
  });
});

describe('changeSummary and fieldChanges', () => {
  it('describes each kind of change', () => {
    expect(changeSummary({ op: 'add', virtualService: 'web', after })).toBe(
      'Add web: http on 0.0.0.0:8443, 1 real server: web01 10.0.0.9:80',
    );
    expect(changeSummary({ op: 'remove', virtualService: 'web', before })).toBe(
      'Remove web (http on 0.0.0.0:443, 2 real servers: web01 10.0.0.1:80, web02 10.0.0.2:80)',
    );
    const replace = {
      op: 'replace' as const,
      virtualService: 'web',
      before,
      after,
      fields: ['listen.port', 'realServers["web01"].address', 'realServers["web02"]', 'persistence.mode'],
    };
    expect(changeSummary(replace)).toBe('Replace web: 4 fields change');
    expect(fieldChanges(replace)).toEqual([
      { path: 'listen.port', before: '443', after: '8443' },
      { path: 'realServers["web01"].address', before: '"10.0.0.1"', after: '"10.0.0.9"' },
      { path: 'realServers["web02"]', before: 'web02 10.0.0.2:80, weight 1', after: '(none)' },
      { path: 'persistence.mode', before: '"none"', after: '"source-ip"' },
    ]);
  });
});
