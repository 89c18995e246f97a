/**
 * What the main process pushes to the renderer on the one event channel. Each event carries
 * enough to update the renderer's cache without a refetch; `config` only announces a revision
 * (configs are large), and the renderer refetches the one agent if it shows it.
 *
 * Runtime-neutral: no zod needed: events come from our own core, never from a renderer.
 */
import type { RealServerHealth } from '../model/health.ts';
import type { Alert } from './alerts.ts';
import type { DiscoveredAgent, AgentView } from './fleet.ts';
import type { IpcError } from './errors.ts';

/** Electron channel of pushed events; browser mode sends the same objects over SSE. */
export const EVENT_CHANNEL = 'portico:event';

/** One real server's new health state on one agent. */
export interface HealthChange {
  agentId: string;
  server: RealServerHealth;
}

/** Alerts a notification names at most; `more` counts the rest. */
export const MAX_RAISED = 10;

export type ConsoleEvent =
  /**
   * Events may have been missed (browser mode reconnected its event stream): refetch what is
   * shown. Electron IPC never loses events, so the shell never sends it.
   */
  | { type: 'resync' }
  /** An agent was paired or changed state, name, site, revision … (the whole view, replace it). */
  | { type: 'agent'; agent: AgentView }
  | { type: 'agent-removed'; agentId: string }
  /** The discovered list changed (the whole list: it is short). */
  | { type: 'discovered'; agents: DiscoveredAgent[] }
  /**
   * Real servers changed health state: every change since the previous `health` event, oldest
   * first. Batched (a few events a second at most), so a fleet flapping thousands of servers a
   * second costs the window a few messages, not thousands.
   */
  | { type: 'health'; changes: HealthChange[] }
  /**
   * The alert list changed (raised, resolved, acknowledged): refetch it if shown. `raised` are
   * the alerts raised or raised again since the previous event (at most MAX_RAISED, `more`
   * counts the others): what a desktop notification tells.
   */
  | { type: 'alerts'; raised: Alert[]; more: number }
  /**
   * An HA pair member's VRRP state changed, or the agent joined or left a pair (issue 17): the
   * pairs view (listPairs) is out of date; refetch it if shown.
   */
  | { type: 'ha'; agentId: string }
  /** A new configuration revision runs on an agent (from any console, the CLI or SIGHUP). */
  | { type: 'config'; agentId: string; revision: number }
  /**
   * An agent's certificates changed by themselves: an ACME renewal on the agent's own schedule
   * installed a new certificate or failed, or a certificate is no longer renewed. The
   * certificate views (usage, renewal state) are out of date; refetch them if shown.
   */
  | { type: 'certs'; agentId: string }
  /** One agent's step of a fan-out operation (certificate push, template apply). */
  | {
      type: 'progress';
      operationId: string;
      agentId: string;
      status: 'pending' | 'running' | 'ok' | 'error';
      /** What it is doing now ("importing", "binding www"), or why it failed. */
      message?: string;
      error?: IpcError;
    };

export type ConsoleEventType = ConsoleEvent['type'];

export type EventListener = (event: ConsoleEvent) => void;
