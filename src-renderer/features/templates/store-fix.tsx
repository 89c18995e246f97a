/**
 * The fix for an agent whose preview or apply is refused for a certificate or CA its store
 * lacks: push it there from the Certificates screen, then retry the failed agents. Said per
 * name, with a link that opens the Certificates screen.
 */
import type { IpcError } from '../../../shared/ipc/errors.ts';
import { storeProblemsOf } from './agent-error.ts';

export function StoreFix({ error, agentName }: { error: IpcError; agentName: string }) {
  const problems = storeProblemsOf(error);
  if (problems.length === 0) return null;
  const names = [...new Set(problems.map((p) => p.name))];
  return (
    <p className="tpl-hint">
      To fix: {names.length === 1 ? `push “${names[0]}”` : `push ${names.map((n) => `“${n}”`).join(', ')}`} to{' '}
      {agentName} from <a href="#/certificates">Certificates</a>, then retry the failed agents.
    </p>
  );
}
