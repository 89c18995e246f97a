/**
 * One agent's configuration: read it, add or replace a pool or a virtual service, remove one,
 * drain or enable a real server (one action on `pool/server`: every service using the pool sees
 * it). Every change carries the revision the admin edited (expectRevision), so two consoles
 * cannot overwrite each other unknowingly. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import type { AgentConfig } from '../model/config.ts';
import { ExpectRevision, Name, PoolDocument, VirtualServiceDocument } from '../protocol/common.ts';
import { AgentId, channel } from './channel.ts';

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

export interface UpsertResult extends RevisionResult {
  /** true when the name was new (added), false when it replaced one. */
  created: boolean;
}

export const GetAgentConfigParams = z.object({ agentId: AgentId }).strict();

/** Required here (optional in the protocol): the renderer always knows which revision it edited. */
const Expect = ExpectRevision.unwrap();

export const UpsertPoolParams = z
  .object({
    agentId: AgentId,
    /** Outer shape only: the agent validates the pool with the whole config and names each problem. */
    pool: PoolDocument,
    expectRevision: Expect,
  })
  .strict();

export const RemovePoolParams = z
  .object({
    agentId: AgentId,
    /** Refused (IN_USE, `details.usedBy`) while a service or content rule names it. */
    name: Name,
    expectRevision: Expect,
  })
  .strict();

export const UpsertVirtualServiceParams = z
  .object({
    agentId: AgentId,
    /** Outer shape only: the agent validates the service with the whole config and names each problem. */
    virtualService: VirtualServiceDocument,
    expectRevision: Expect,
  })
  .strict();

export const RemoveVirtualServiceParams = z
  .object({ agentId: AgentId, name: Name, expectRevision: Expect })
  .strict();

export const SetRealServerEnabledParams = z
  .object({
    agentId: AgentId,
    pool: Name,
    /** The real server's name within the pool: together they are its `pool/server` key. */
    server: Name,
    /** false drains: no new connections, existing ones finish. */
    enabled: z.boolean(),
    expectRevision: Expect,
  })
  .strict();

export const AGENT_CONFIG_CHANNELS = {
  /** The running configuration and its revision. */
  getAgentConfig: channel<AgentConfigView>()(GetAgentConfigParams),
  /** Add a pool or replace the one of the same name (its unchanged servers keep their health). */
  upsertPool: channel<UpsertResult>()(UpsertPoolParams),
  /** Remove a pool no service uses. */
  removePool: channel<RevisionResult>()(RemovePoolParams),
  /** Add a virtual service or replace the one of the same name. */
  upsertVirtualService: channel<UpsertResult>()(UpsertVirtualServiceParams),
  /** Remove a virtual service: its listener drains. */
  removeVirtualService: channel<RevisionResult>()(RemoveVirtualServiceParams),
  /** Drain (enabled: false) or enable `pool/server`, for every service that uses the pool. */
  setRealServerEnabled: channel<RevisionResult>()(SetRealServerEnabledParams),
};
