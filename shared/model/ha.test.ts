import { describe, expect, it } from 'vitest';
import { HaFile, membersOf, redactPair, type HaFileInput } from './ha.ts';
import { parseWith } from './validate.ts';

const pair = (over: Partial<HaFileInput['pair']> = {}): HaFileInput['pair'] => ({
  name: 'edge',
  routerId: 51,
  members: [
    { name: 'lb1', address: '10.0.0.1', interface: 'eth0' },
    { name: 'lb2', address: '10.0.0.2', interface: 'ens3' },
  ],
  preferred: 'lb1',
  virtualIps: [{ address: '10.0.0.100', prefix: 24 }],
  ...over,
});
const problems = (input: unknown) => {
  const r = parseWith(HaFile, input);
  return r.ok ? [] : r.problems;
};

describe('ha.json', () => {
  it('fills in the defaults: no preemption, 1 s adverts, an engine check each second, two strikes', () => {
    const r = parseWith(HaFile, { pair: pair(), self: 'lb2' });
    expect(r.ok && r.value).toEqual({
      version: 1,
      self: 'lb2',
      pair: {
        ...pair(),
        preempt: false,
        preemptDelaySeconds: 0,
        advertIntervalMs: 1000,
        engineCheck: { intervalSeconds: 1, timeoutMs: 1000, fall: 2, rise: 2 },
      },
    });
    if (r.ok) expect(membersOf(r.value)).toEqual({ self: pair().members[1], peer: pair().members[0] });
  });

  it.each([
    ['self is not a member', { pair: pair(), self: 'lb3' }, 'self'],
    ['preferred is not a member', { pair: pair({ preferred: 'x' }), self: 'lb1' }, 'pair.preferred'],
    [
      'both members share a name',
      { pair: pair({ members: [pair().members[0]!, { ...pair().members[1]!, name: 'lb1' }] }), self: 'lb1' },
      'pair.members[1].name',
    ],
    [
      'both members share an address',
      {
        pair: pair({ members: [pair().members[0]!, { ...pair().members[1]!, address: '10.0.0.1' }] }),
        self: 'lb1',
      },
      'pair.members[1].address',
    ],
    ['one member only', { pair: pair({ members: [pair().members[0]!] }), self: 'lb1' }, 'pair.members'],
    [
      'a virtual IP of the other family',
      { pair: pair({ virtualIps: [{ address: 'fd00::1', prefix: 64 }] }), self: 'lb1' },
      'pair.virtualIps[0].address',
    ],
    [
      'an IPv4 prefix over 32',
      { pair: pair({ virtualIps: [{ address: '10.0.0.100', prefix: 33 }] }), self: 'lb1' },
      'pair.virtualIps[0].prefix',
    ],
    [
      'a virtual IP that is a member address',
      { pair: pair({ virtualIps: [{ address: '10.0.0.2', prefix: 24 }] }), self: 'lb1' },
      'pair.virtualIps[0].address',
    ],
    [
      'a virtual IP twice',
      {
        pair: pair({
          virtualIps: [
            { address: '10.0.0.100', prefix: 24 },
            { address: '10.0.0.100', prefix: 32 },
          ],
        }),
        self: 'lb1',
      },
      'pair.virtualIps[1].address',
    ],
    ['a router id of 0', { pair: pair({ routerId: 0 }), self: 'lb1' }, 'pair.routerId'],
    [
      'an interface name too long',
      {
        pair: pair({ virtualIps: [{ address: '10.0.0.100', prefix: 24, interface: 'x'.repeat(16) }] }),
        self: 'lb1',
      },
      'pair.virtualIps[0].interface',
    ],
    [
      'a password with sub-second adverts (VRRPv2)',
      { pair: pair({ authentication: { password: 'secret' }, advertIntervalMs: 200 }), self: 'lb1' },
      'pair.advertIntervalMs',
    ],
    [
      'a password longer than VRRPv2 carries',
      { pair: pair({ authentication: { password: 'ninechars' } }), self: 'lb1' },
      'pair.authentication.password',
    ],
    [
      'a preempt delay without preempt',
      { pair: pair({ preemptDelaySeconds: 5 }), self: 'lb1' },
      'pair.preemptDelaySeconds',
    ],
    ['an unknown field', { pair: { ...pair(), weight: 3 }, self: 'lb1' }, 'pair'],
  ])('refuses %s', (_what, input, path) => {
    expect(problems(input).map((p) => p.path)).toContain(path);
  });

  it('accepts an IPv6 pair (VRRPv3) and keeps the password out of what it shows', () => {
    const v6 = pair({
      members: [
        { name: 'lb1', address: 'fd00::1', interface: 'eth0' },
        { name: 'lb2', address: 'fd00::2', interface: 'eth0' },
      ],
      virtualIps: [{ address: 'fd00::100', prefix: 64 }],
    });
    expect(problems({ pair: v6, self: 'lb1' })).toEqual([]);
    expect(
      problems({
        pair: { ...v6, authentication: { password: 'pw' }, advertIntervalMs: 1000 },
        self: 'lb1',
      }).map((p) => p.path),
    ).toEqual(['pair.authentication']);
    const r = parseWith(HaFile, { pair: pair({ authentication: { password: 'pw' } }), self: 'lb1' });
    expect(r.ok && redactPair(r.value.pair).authentication).toEqual({ password: '********' });
  });
});
