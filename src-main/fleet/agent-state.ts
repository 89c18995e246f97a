/**
 * The connection state of one agent as the Console shows it. Plain data with ISO dates: it
 * crosses IPC to the renderer as is.
 */
export type AgentState =
  /** First attempt after start, or after the admin asked to retry. */
  | { kind: 'connecting'; since: string }
  | { kind: 'online'; since: string }
  /**
   * Lost or not reachable. `since` is when it went offline and stays put across retries, so
   * the UI can say "offline for 12 min"; `nextAttemptAt` is when the next retry starts.
   */
  | { kind: 'offline'; since: string; reason: string; attempts: number; nextAttemptAt?: string }
  /** The agent refused the token. No retries until the admin gives a new token. */
  | { kind: 'auth-failed'; since: string; reason: string }
  /**
   * The agent presented another certificate than the pinned one. No retries (and the token is
   * never sent) until the admin re-pairs deliberately.
   */
  | { kind: 'fingerprint-mismatch'; since: string; expected: string; actual: string; message: string }
  /** The client was stopped (agent removed, Console closing). */
  | { kind: 'stopped'; since: string };

export type AgentStateKind = AgentState['kind'];

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
