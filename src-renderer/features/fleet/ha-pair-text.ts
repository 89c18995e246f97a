/**
 * An HA pair in words, for the Fleet screen, the Dashboard's pair tiles and the pickers: its
 * sync (only different configurations are drift: equal ones at different revisions, after a
 * rolled-back apply, are not), whether a failover can happen and what it moves, and what
 * needs attention. Pure: table-tested in ha-pair-text.test.ts.
 */
import type { PairMemberView, PairSyncView, PairView } from '../../../shared/ipc/ha.ts';
import type { VirtualIp } from '../../../shared/model/ha.ts';

export function vipText(vip: VirtualIp): string {
  return `${vip.address}/${vip.prefix}${vip.interface ? ` on ${vip.interface}` : ''}`;
}

export function vipsText(vips: readonly VirtualIp[]): string {
  return vips.map(vipText).join(', ');
}

function refsText(refs: { kind: string; name: string }[]): string {
  const kind = (k: string) => (k === 'virtualService' ? 'virtual service' : k);
  return refs.map((r) => `${kind(r.kind)} ${r.name}`).join(', ');
}

export function syncText(sync: PairSyncView): string {
  switch (sync.kind) {
    case 'in-sync':
      return `Same configuration on both members (revision ${sync.revision}).`;
    case 'same-config':
      return `Same configuration on both members (revisions ${Object.entries(sync.revisions)
        .map(([name, revision]) => `${name} ${revision}`)
        .join(', ')}: each member counts its own changes, a rolled-back apply or a heal included).`;
    case 'drift': {
      const what = sync.differs.length ? refsText(sync.differs) : 'the order of objects';
      return sync.behind && sync.ahead
        ? `Drift: ${sync.behind} is behind ${sync.ahead} by revision (${what} differ).`
        : `Drift: the members run different configurations at the same revision (${what} differ).`;
    }
    case 'unknown':
      return `Whether both members run the same configuration is not known: ${sync.reason}.`;
  }
}

/** Who gives up the virtual IPs to whom, or why a failover cannot happen now. */
export type FailoverPlan = { ok: true; from: string; to: string; text: string } | { ok: false; why: string };

export function failoverPlan(pair: PairView): FailoverPlan {
  const master = pair.members.find((m) => m.name === pair.master);
  if (!master) return { ok: false, why: 'no member holds the virtual IPs' };
  const other = pair.members.find((m) => m !== master)!;
  if (!other.ha) return { ok: false, why: `${other.name} cannot be read here` };
  if (other.ha.state !== 'backup')
    return { ok: false, why: `${other.name} is ${other.ha.state}, not backup` };
  if (!other.ha.engine.serving)
    return {
      ok: false,
      why: `${other.name}'s engine does not serve${other.ha.engine.reason ? ` (${other.ha.engine.reason})` : ''}`,
    };
  return {
    ok: true,
    from: master.name,
    to: other.name,
    text: `${master.name} gives up ${vipsText(pair.virtualIps)} to ${other.name}.`,
  };
}

/** What needs attention, most serious first; empty when the pair is well. */
export function pairIssues(pair: PairView): string[] {
  const issues: string[] = [];
  if (!pair.master && !pair.members.some((m) => m.ha?.state === 'master'))
    issues.push('no member holds the virtual IPs');
  for (const m of pair.members) issues.push(...memberIssues(m));
  if (pair.sync.kind === 'drift') issues.push('the members run different configurations (drift)');
  issues.push(...pair.problems);
  return issues;
}

function memberIssues(m: PairMemberView): string[] {
  if (!m.ha) return [`${m.name} cannot be read: ${m.unreachable ?? 'unknown'}`];
  const out: string[] = [];
  if (m.ha.state === 'fault') out.push(`${m.name} is in fault${faultReason(m)}`);
  if (m.ha.state === 'stopped') out.push(`${m.name}: keepalived does not run`);
  if (!m.ha.engine.serving && m.ha.state !== 'fault')
    out.push(`${m.name}'s engine does not serve${m.ha.engine.reason ? ` (${m.ha.engine.reason})` : ''}`);
  return out;
}

function faultReason(m: PairMemberView): string {
  if (m.ha?.failoverUntil) return ' (held out after a failover)';
  if (m.ha && !m.ha.engine.serving && m.ha.engine.reason) return ` (${m.ha.engine.reason})`;
  return m.ha?.lastTransition?.to === 'fault' ? ` (${m.ha.lastTransition.reason})` : '';
}

/** Amber when a member is in fault or cannot be read, or the pair drifts. */
export function pairLevel(pair: PairView): 'ok' | 'warning' {
  return pairIssues(pair).length ? 'warning' : 'ok';
}
