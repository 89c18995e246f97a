/**
 * One agent's configuration: read it, add or replace a virtual service, drain or enable a real
 * server. Every change carries the revision the admin edited (expectRevision), so two consoles
 * cannot overwrite each other unknowingly. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { AgentConfig } from '../model/config.ts';
import { ExpectRevision, VirtualServiceDocument } from '../protocol/common.ts';
import { AgentId, channel, ObjectRef } from './channel.ts';

export interface AgentConfigView {
  agentId: string;
  revision: number;
  /** The running configuration with every default filled in. */
  config: AgentConfig;
}

export interface RevisionResult {
  /** The revision now running on the agent. */
  revision: number;
}

export const GetAgentConfigParams = z.object({ agentId: AgentId }).strict();

/** Required here (optional in the protocol): the renderer always knows which revision it edited. */
const Expect = ExpectRevision.unwrap();

export const ApplyVirtualServiceParams = z
  .object({
    agentId: AgentId,
    /** Outer shape only: the agent validates the service with the whole config and names each problem. */
    virtualService: VirtualServiceDocument,
    expectRevision: Expect,
  })
  .strict();

export const SetRealServerEnabledParams = z
  .object({
    agentId: AgentId,
    virtualService: ObjectRef,
    realServer: ObjectRef,
    /** false drains: no new connections, existing ones finish. */
    enabled: z.boolean(),
    expectRevision: Expect,
  })
  .strict();

export const AGENT_CONFIG_CHANNELS = {
  /** The running configuration and its revision. */
  getAgentConfig: channel<AgentConfigView>()(GetAgentConfigParams),
  /** Add a virtual service or replace the one of the same name. */
  applyVirtualService: channel<RevisionResult & { created: boolean }>()(ApplyVirtualServiceParams),
  /** Drain (enabled: false) or enable a real server. */
  setRealServerEnabled: channel<RevisionResult>()(SetRealServerEnabledParams),
};
