/** An agent's connection state as a coloured word: one wording on every screen. */
import type { AgentStateKind } from '../../shared/ipc/fleet.ts';

const LABEL: Record<AgentStateKind, string> = {
  connecting: 'connecting',
  online: 'online',
  offline: 'offline',
  'auth-failed': 'token refused',
  'fingerprint-mismatch': 'fingerprint mismatch',
  stopped: 'stopped',
};

export function AgentStateBadge({ kind }: { kind: AgentStateKind }) {
  return <span className={`badge state-${kind}`}>{LABEL[kind]}</span>;
}
