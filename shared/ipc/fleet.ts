/**
 * Fleet channels: the paired agents grouped by site, the agents discovery found, pairing,
 * the deliberate re-pair after a fingerprint change, removal. Runtime-neutral: zod only.
 *
 * The shapes follow src-main/fleet's (AgentState, KnownAgent, DiscoveredEntry), so the core
 * hands them over nearly as they are.
 */
import { z } from 'zod';
import { Host, Port } from '../model/config.ts';
import type { AgentInfo, EngineSummary } from '../protocol/agent.ts';
import { Fingerprint } from '../protocol/fingerprint.ts';
import { DEFAULT_AGENT_PORT } from '../protocol/transport.ts';
import { AgentId, channel, NoParams } from './channel.ts';

/** An agent's connection as the Console shows it; ISO dates, so it crosses IPC as it is. */
export type AgentConnectionState =
  | { kind: 'connecting'; since: string }
  | { kind: 'online'; since: string }
  /** `since` stays put across retries ("offline for 12 min"); `nextAttemptAt` is the next retry. */
  | { kind: 'offline'; since: string; reason: string; attempts: number; nextAttemptAt?: string }
  /** The agent refused the token: no retries until the admin gives a new one. */
  | { kind: 'auth-failed'; since: string; reason: string }
  /** Another certificate than the pinned one: the token was not sent; re-pair deliberately. */
  | { kind: 'fingerprint-mismatch'; since: string; expected: string; actual: string; message: string }
  /** The agent's client was stopped (being removed, Console closing). */
  | { kind: 'stopped'; since: string };

export type AgentStateKind = AgentConnectionState['kind'];

/**
 * What an agent's engine runs, from its agent.info (read on every connect and every new
 * configuration revision). Live health counts are the health view's, not this.
 */
export interface EngineView {
  kind: EngineSummary['kind'];
  /** What runs the traffic and its version, e.g. `Portico 0.1.0`, `HAProxy 2.6.12`. */
  version: string;
  pools: number;
  virtualServices: number;
  /** Real servers of every pool. */
  realServers: number;
}

/** One paired agent as the renderer shows it. */
export interface AgentView {
  id: string;
  name: string;
  site: string;
  address: string;
  port: number;
  /** The pinned SHA-256 fingerprint (`AB:CD:…`). */
  fingerprint: string;
  pairedAt: string;
  /** When the current fingerprint was pinned (differs from pairedAt after a re-pair). */
  pinnedAt: string;
  state: AgentConnectionState;
  /** portico-agent version reported by the agent; absent until it was reached. */
  version?: string;
  /** Its engine; absent until the agent was reached. */
  engine?: EngineView;
}

export interface SiteGroup<T> {
  /** '' for agents without a site. */
  site: string;
  agents: T[];
}

export interface FleetView {
  /** Sorted by site name; agents sorted by name within a site. */
  sites: SiteGroup<AgentView>[];
}

/** An agent heard over mDNS (`_portico._tcp`): a hint for the pairing dialog, nothing is trusted. */
export interface DiscoveredAgent {
  id: string;
  name: string;
  site: string;
  version: string;
  /** From the TXT record; pairing compares it with what the agent presents. */
  fingerprint?: string;
  /** SRV target host. */
  host: string;
  port: number;
  addresses: string[];
  /** Paired already (same agent id). */
  paired: boolean;
  /** Paired, but the advertised fingerprint is not the pinned one. */
  fingerprintDiffers: boolean;
}

/** Same bounds as the agent's: visible ASCII, at least 128 bits' worth of base64url. */
export const AgentToken = z
  .string()
  .min(22, 'a token has at least 22 characters')
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, 'a token is visible ASCII without spaces');

export const PairAgentParams = z
  .object({
    /** Host name or IP address of the agent's management API. */
    address: Host,
    port: Port.default(DEFAULT_AGENT_PORT),
    token: AgentToken,
    /** From the discovery TXT record, when paired from the discovered list. */
    advertisedFingerprint: Fingerprint.optional(),
    /** One the admin typed or confirmed (read off the agent's console). */
    expectedFingerprint: Fingerprint.optional(),
  })
  .strict();

export interface PairResult {
  agent: AgentView;
  /** What the agent said about itself when paired. */
  info: AgentInfo;
  /** The fingerprint pinned now (trust on first use): the renderer shows it to the admin. */
  fingerprint: string;
  /** The agent was paired already with the same pin; its entry was refreshed. */
  refreshed: boolean;
}

export const RePairAgentParams = z
  .object({
    agentId: AgentId,
    /** The new fingerprint the admin accepts (from the mismatch warning); the agent must present exactly it. */
    acceptFingerprint: Fingerprint,
    /** A new token, when the agent's was rotated too. */
    token: AgentToken.optional(),
  })
  .strict();

export const RemoveAgentParams = z.object({ agentId: AgentId }).strict();

export const FLEET_CHANNELS = {
  /** Paired agents grouped by site, with their connection state. */
  listAgents: channel<FleetView>()(NoParams),
  /** Agents discovery hears now. */
  listDiscovered: channel<DiscoveredAgent[]>()(NoParams),
  /** Pair with an agent: check its fingerprint, then send the token and pin it. */
  pairAgent: channel<PairResult>()(PairAgentParams),
  /** After a fingerprint mismatch: pin the new fingerprint the admin accepted (and a new token). */
  rePairAgent: channel<AgentView>()(RePairAgentParams),
  /** Forget an agent: close its connection, delete its token. */
  removeAgent: channel<{ agentId: string }>()(RemoveAgentParams),
};
