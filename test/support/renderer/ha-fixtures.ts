/** HA pair views for renderer tests: pair edge, lb1 (preferred, master) and lb2 (backup), in sync. */
import type { MemberHaView, PairMemberView, PairView } from '../../../shared/ipc/ha.ts';
import { T0 } from './fixtures.ts';

export function memberHa(state: MemberHaView['state'], extra: Partial<MemberHaView> = {}): MemberHaView {
  return {
    state,
    since: T0,
    engine: { serving: true },
    keepalived: { running: state !== 'stopped', version: '2.2.7' },
    problems: [],
    ...extra,
  };
}

export function member(name: string, extra: Partial<PairMemberView> = {}): PairMemberView {
  return {
    name,
    agentId: name,
    site: 'east',
    address: name === 'lb1' ? '192.0.2.11' : '192.0.2.12',
    interface: 'eth0',
    preferred: name === 'lb1',
    revision: 4,
    ha: memberHa(name === 'lb1' ? 'master' : 'backup'),
    ...extra,
  };
}

export function pairView(extra: Partial<PairView> = {}): PairView {
  return {
    name: 'edge',
    routerId: 51,
    virtualIps: [{ address: '192.0.2.10', prefix: 24 }],
    preferred: 'lb1',
    preempt: false,
    members: [member('lb1'), member('lb2')],
    master: 'lb1',
    sync: { kind: 'in-sync', revision: 4 },
    problems: [],
    ...extra,
  };
}
