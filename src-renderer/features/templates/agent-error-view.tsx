/**
 * One agent's refusal, inline under that agent: the message (its code only as data-code, for
 * tests), then every problem the agent listed (a template with three mistakes shows all three,
 * not the first).
 */
import { ConsoleError, type IpcError } from '../../../shared/ipc/errors.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { problemsOf } from './agent-error.ts';

export function AgentErrorView({ error, title, hint }: { error: IpcError; title?: string; hint?: string }) {
  const problems = problemsOf(error);
  return (
    <>
      <ErrorMessage
        error={new ConsoleError(error.code, error.message, error.details)}
        {...(title ? { title } : {})}
      />
      {hint && <p className="tpl-hint">{hint}</p>}
      {problems.length > 0 && (
        <ul className="tpl-problems" aria-label="Problems">
          {problems.map((p, i) => (
            <li key={i}>
              {p.path && <code>{p.path}</code>}
              {p.path && ': '}
              {p.message}
              {p.virtualService && <span className="muted"> (in virtual service {p.virtualService})</span>}
              {p.pool && <span className="muted"> (in pool {p.pool})</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
