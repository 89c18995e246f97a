/**
 * One agent's connection state in words. A fingerprint mismatch shows both fingerprints: the
 * admin must compare the new one with the agent's own console before trusting it.
 */
import type { AgentConnectionState } from '../../../shared/ipc/fleet.ts';
import { AgentStateBadge } from '../../components/agent-state-badge.tsx';
import { ago } from '../../components/time.ts';

export function AgentState({ state }: { state: AgentConnectionState }) {
  return (
    <div className="agent-state">
      <AgentStateBadge kind={state.kind} /> <StateDetail state={state} />
    </div>
  );
}

function StateDetail({ state }: { state: AgentConnectionState }) {
  switch (state.kind) {
    case 'offline':
      return (
        <span className="muted">
          since {ago(state.since)}: {state.reason}
          {state.attempts > 0 && ` (${state.attempts} attempts)`}
        </span>
      );
    case 'auth-failed':
      return (
        <span className="muted">
          since {ago(state.since)}: {state.reason}. Pair again with the agent's current token.
        </span>
      );
    case 'fingerprint-mismatch':
      return (
        <div className="mismatch" role="alert">
          <p>{state.message}</p>
          <dl>
            <dt>Pinned</dt>
            <dd className="fingerprint">{state.expected}</dd>
            <dt>Presented now</dt>
            <dd className="fingerprint">{state.actual}</dd>
          </dl>
        </div>
      );
    case 'online':
      return <span className="muted">since {ago(state.since)}</span>;
    default:
      return null;
  }
}
