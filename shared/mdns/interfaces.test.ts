import { describe, expect, it } from 'vitest';
import { resolveInterfaces } from './interfaces.ts';

describe('interfaces', () => {
  it('takes IPv4 addresses of this host and interface names', () => {
    expect(resolveInterfaces(['127.0.0.1'])).toEqual([{ address: '127.0.0.1', name: 'lo', loopback: true }]);
    expect(resolveInterfaces(['lo', '127.0.0.1'])).toEqual([
      { address: '127.0.0.1', name: 'lo', loopback: true },
    ]);
  });

  it.each([
    ['192.0.2.254', /this host has no such IPv4 address/],
    ['::1', /only IPv4 is supported/],
    ['nope0', /no interface of that name/],
  ])('refuses %s', (spec, message) => {
    expect(() => resolveInterfaces([spec])).toThrow(message);
  });
});
