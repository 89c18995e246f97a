/**
 * HA pair channels (issue 17): the pairs the paired agents are members of, each member's VRRP
 * state, whether the two run the same configuration, and the pair's transactions — create, heal,
 * fail over, a template or a certificate to both members or neither. The transactions are
 * src-main/fleet/ha-pair.ts's; these are their shapes towards the renderer.
 *
 * Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { ObjectName } from '../model/config-parts.ts';
import { InterfaceName, IpAddress, VirtualIp, type HaState } from '../model/ha.ts';
import { TemplateParamValues, TemplateRef } from '../protocol/template.ts';
import { AgentId, channel, NoParams, OperationId } from './channel.ts';
import type { PushOutcome } from './certs.ts';

/** One member's VRRP side, as its agent's `ha.status` says. */
export interface MemberHaView {
  state: HaState;
  /** Since when (ISO). */
  since: string;
  priority?: number;
  lastTransition?: { from: HaState; to: HaState; at: string; reason: string };
  engine: { serving: boolean; reason?: string };
  keepalived: { running: boolean; version?: string };
  /** While a failover asked for holds this member out of the election (ISO). */
  failoverUntil?: string;
  /** What stands in the way of a working pair, in the agent's words. */
  problems: string[];
}

export interface PairMemberView {
  /** The member's name in the pair (ha.json). */
  name: string;
  /** The Console's agent, when this Console has paired the member's agent. */
  agentId?: string;
  /** Its site, when paired here. */
  site?: string;
  /** The member's own address and the interface VRRP speaks on. */
  address: string;
  interface: string;
  /** The member that holds the virtual IPs when both are well. */
  preferred: boolean;
  /** Undefined: the Console cannot read this member now (`unreachable` says why). */
  ha?: MemberHaView;
  unreachable?: string;
  /** Revision of the configuration it runs, when read. */
  revision?: number;
}

/** Whether the members run the same configuration: only different documents are drift. */
export type PairSyncView =
  | { kind: 'in-sync'; revision: number }
  /**
   * The same document, revisions apart: an apply the second member refused was rolled back on
   * the first (each change counts on the member that made it). Not drift: nothing to heal.
   */
  | { kind: 'same-config'; revisions: Record<string, number> }
  /** Different documents: `behind` (member name) has the lower revision, when they differ. */
  | { kind: 'drift'; ahead?: string; behind?: string; differs: { kind: string; name: string }[] }
  /** Not both members could be read. */
  | { kind: 'unknown'; reason: string };

export interface PairView {
  name: string;
  routerId: number;
  virtualIps: VirtualIp[];
  preferred: string;
  preempt: boolean;
  /** Both members, in the pair's order. */
  members: [PairMemberView, PairMemberView];
  /** The member (name) holding the virtual IPs, when exactly one does. */
  master?: string;
  sync: PairSyncView;
  /** What is wrong with the pair itself (two masters, members in different pairs…). */
  problems: string[];
}

export interface PairsView {
  pairs: PairView[];
}

/** A pair is named as its members' ha.json name it. */
const PairName = ObjectName;

export const CreatePairParams = z
  .object({
    name: PairName,
    routerId: z.number().int().min(1, 'a router id is 1–255').max(255, 'a router id is 1–255'),
    /** The two agents, each with its own address on the interface VRRP speaks on. */
    members: z
      .array(z.object({ agentId: AgentId, address: IpAddress, interface: InterfaceName }).strict())
      .length(2, 'a pair has exactly two members')
      .refine((ms) => ms[0]?.agentId !== ms[1]?.agentId, 'choose two different agents'),
    /** The agent that holds the virtual IPs when both are well. */
    preferred: AgentId,
    virtualIps: z.array(VirtualIp).min(1, 'give at least one virtual IP').max(32),
    preempt: z.boolean().default(false),
  })
  .strict();

export const PairNameParams = z.object({ pair: PairName }).strict();

export const HealPairParams = z
  .object({
    pair: PairName,
    /** The member (name) whose configuration is copied; default the newer one. */
    from: ObjectName.optional(),
  })
  .strict();

export const FailoverPairParams = z
  .object({
    pair: PairName,
    /** How long the old master stays out of the election (default 10 s). */
    holdSeconds: z.number().int().min(1).max(3600).default(10),
  })
  .strict();

export const ApplyTemplateToPairParams = z
  .object({
    pair: PairName,
    template: TemplateRef,
    params: TemplateParamValues.default({}),
    /** Each member's revision (by agent id) the preview was computed against: a change since is CONFLICT. */
    expectRevisions: z.record(AgentId, z.number().int().min(0)).optional(),
    operationId: OperationId.optional(),
  })
  .strict();

export const PushCertificateToPairParams = z
  .object({
    pair: PairName,
    inspectionId: z.string().min(1).max(128),
    /** The entry name on both members. */
    name: ObjectName,
    includeRoot: z.boolean().optional(),
    force: z.boolean().optional(),
    operationId: OperationId.optional(),
  })
  .strict();

/** What a change to both members did: each member's revision after it (by member name). */
export interface PairChange {
  pair: string;
  revisions: Record<string, number>;
  /** The configuration already ran on both: nothing was applied. */
  unchanged: boolean;
}

export interface PairTemplateApplied extends PairChange {
  /** `pool web`, `virtualService web-https`… */
  created: string[];
  replaced: string[];
}

export const HA_CHANNELS = {
  /** Every pair the paired agents are members of, with both members' VRRP state and drift. */
  listPairs: channel<PairsView>()(NoParams),
  /** Make two paired agents a pair; the preferred one becomes master first. */
  createPair: channel<{ pair: string; master: string }>()(CreatePairParams),
  /** Copy one member's configuration to the other (default: the newer one's). */
  healPair: channel<{ pair: string; from: string; to: string; revision: number; unchanged: boolean }>()(
    HealPairParams,
  ),
  /** Move the virtual IPs to the ready backup; answers once it is master. */
  failoverPair: channel<{ pair: string; from: string; to: string; ms: number }>()(FailoverPairParams),
  /** A template rendered against the pair's configuration, applied to both members or neither. */
  applyTemplateToPair: channel<PairTemplateApplied>()(ApplyTemplateToPairParams),
  /** An inspected certificate to both members (the backup first; taken off it again if the master refuses). */
  pushCertificateToPair: channel<{ pair: string; results: Record<string, PushOutcome> }>()(
    PushCertificateToPairParams,
  ),
};
