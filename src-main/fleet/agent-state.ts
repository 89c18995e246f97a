/**
 * The connection state of one agent: the type the renderer shows (shared/ipc/fleet.ts), under
 * the name the fleet code uses. Plain data with ISO dates: it crosses IPC as is.
 */
import type { AgentConnectionState, AgentStateKind } from '../../shared/ipc/fleet.ts';

export type AgentState = AgentConnectionState;
export type { AgentStateKind };

/** The warning an admin sees when the pin does not match, naming both fingerprints. */
export function mismatchMessage(where: string, expected: string, actual: string): string {
  return (
    `The agent at ${where} presented a different certificate than the one pinned when it was paired. ` +
    `Pinned: ${expected}. Presented now: ${actual}. ` +
    'This happens when the agent was reinstalled or its identity replaced, and also when something ' +
    'else answers at that address. The token was not sent. Compare the new fingerprint with the ' +
    'one the agent prints at start (or in agent.json) before you re-pair.'
  );
}

/** Why a request cannot go to an agent now, in an admin's words (what to do when it is theirs). */
export function notConnected(state: AgentState): string {
  switch (state.kind) {
    case 'offline':
      return 'the agent is offline';
    case 'connecting':
      return 'the agent is not connected yet';
    case 'auth-failed':
      return 'the agent refused this Console’s token: pair it again with its current token';
    case 'fingerprint-mismatch':
      return 'the agent presents another certificate than the one paired: compare the fingerprints and re-pair';
    case 'stopped':
      return 'the Console is not connected to the agent';
    case 'online':
      return 'the agent’s connection is not ready yet';
  }
}
