import { describe, expect, it } from 'vitest';
import type { PairSyncView } from '../../../shared/ipc/ha.ts';
import { member, memberHa, pairView } from '../../../test/support/renderer/ha-fixtures.ts';
import { failoverPlan, pairIssues, pairLevel, syncText, vipsText } from './ha-pair-text.ts';

describe('syncText', () => {
  it.each<[string, PairSyncView, RegExp]>([
    ['in sync', { kind: 'in-sync', revision: 4 }, /^Same configuration on both members \(revision 4\)\.$/],
    [
      'equal configurations at different revisions (a rolled-back apply) are not drift',
      { kind: 'same-config', revisions: { lb1: 3, lb2: 5 } },
      /^Same configuration on both members \(revisions lb1 3, lb2 5: each member counts its own changes/,
    ],
    [
      'a member behind',
      {
        kind: 'drift',
        ahead: 'lb1',
        behind: 'lb2',
        differs: [
          { kind: 'virtualService', name: 'web' },
          { kind: 'pool', name: 'app' },
        ],
      },
      /^Drift: lb2 is behind lb1 by revision \(virtual service web, pool app differ\)\.$/,
    ],
    [
      'different at the same revision',
      { kind: 'drift', differs: [] },
      /^Drift: the members run different configurations at the same revision \(the order of objects differ\)\.$/,
    ],
    [
      'unknown',
      { kind: 'unknown', reason: 'lb2 cannot be read here' },
      /not known: lb2 cannot be read here\.$/,
    ],
  ])('%s', (_name, sync, text) => {
    expect(syncText(sync)).toMatch(text);
    expect(syncText(sync).startsWith('Drift')).toBe(sync.kind === 'drift');
  });
});

describe('failoverPlan', () => {
  it('says who gives up which virtual IPs to whom', () => {
    const pair = pairView({
      virtualIps: [
        { address: '192.0.2.10', prefix: 24 },
        { address: '198.51.100.7', prefix: 32, interface: 'eth1' },
      ],
    });
    expect(failoverPlan(pair)).toEqual({
      ok: true,
      from: 'lb1',
      to: 'lb2',
      text: 'lb1 gives up 192.0.2.10/24, 198.51.100.7/32 on eth1 to lb2.',
    });
  });

  it.each([
    [
      'no master',
      pairView({ master: undefined, members: [member('lb1', { ha: memberHa('fault') }), member('lb2')] }),
      'no member holds the virtual IPs',
    ],
    [
      'the other in fault',
      pairView({ members: [member('lb1'), member('lb2', { ha: memberHa('fault') })] }),
      'lb2 is fault, not backup',
    ],
    [
      "the backup's engine does not serve",
      pairView({
        members: [
          member('lb1'),
          member('lb2', {
            ha: memberHa('backup', { engine: { serving: false, reason: 'web does not listen' } }),
          }),
        ],
      }),
      "lb2's engine does not serve (web does not listen)",
    ],
    [
      'the other cannot be read',
      pairView({
        members: [member('lb1'), member('lb2', { ha: undefined, unreachable: 'agent lb2 is offline' })],
      }),
      'lb2 cannot be read here',
    ],
  ])('refuses with %s', (_name, pair, why) => {
    expect(failoverPlan(pair)).toEqual({ ok: false, why });
  });
});

describe('pairLevel and pairIssues', () => {
  it('a well pair is ok, and so are equal configurations at different revisions', () => {
    expect(pairLevel(pairView())).toBe('ok');
    expect(pairIssues(pairView({ sync: { kind: 'same-config', revisions: { lb1: 3, lb2: 5 } } }))).toEqual(
      [],
    );
  });

  it.each([
    [
      'a member in fault',
      pairView({
        members: [
          member('lb1'),
          member('lb2', {
            ha: memberHa('fault', { engine: { serving: false, reason: 'web does not listen' } }),
          }),
        ],
      }),
      'lb2 is in fault (web does not listen)',
    ],
    [
      'drift',
      pairView({ sync: { kind: 'drift', ahead: 'lb1', behind: 'lb2', differs: [] } }),
      'the members run different configurations (drift)',
    ],
    [
      'a member that cannot be read',
      pairView({
        members: [member('lb1'), member('lb2', { ha: undefined, unreachable: 'agent lb2 is offline' })],
      }),
      'lb2 cannot be read: agent lb2 is offline',
    ],
    ['a problem of the pair', pairView({ problems: ['both members are master'] }), 'both members are master'],
  ])('amber with %s', (_name, pair, issue) => {
    expect(pairLevel(pair)).toBe('warning');
    expect(pairIssues(pair)).toContain(issue);
  });

  it('writes virtual IPs with their interface when they have one', () => {
    expect(vipsText([{ address: '2001:db8::10', prefix: 64, interface: 'eth1' }])).toBe(
      '2001:db8::10/64 on eth1',
    );
  });
});
