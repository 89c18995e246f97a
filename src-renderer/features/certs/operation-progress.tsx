/**
 * Per-agent progress of one fan-out (push, replace) and then each agent's outcome. Progress
 * comes from the `progress` events that api/apply-event.ts reduces into the cache entry
 * `queryKeys.operation(id)`; the screen subscribes to that entry and never fetches it
 * (skipToken: there is nothing to fetch, and a resync must not wipe it). The final outcome
 * comes from the FanOutResult; it wins over a progress event that has not arrived yet.
 * Errors stay on screen next to their agent.
 */
import type { ReactNode } from 'react';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { IpcError } from '../../../shared/ipc/errors.ts';
import type { AgentProgress } from '../../api/operations.ts';
import { useOperationProgress } from '../../api/use-operation-progress.ts';

/** Steps an agent goes through: queued → running → finished. */
const STEPS = 2;

type Status = AgentProgress['status'] | 'waiting';

const STATUS_TEXT: Record<Status, string> = {
  waiting: 'waiting',
  pending: 'queued',
  running: 'running',
  ok: 'done',
  error: 'failed',
};

const STEP: Record<Status, number> = { waiting: 0, pending: 0, running: 1, ok: 2, error: 2 };

interface Props<T> {
  operationId: string;
  /** What the operation is called in labels: "Push", "Replace". */
  label: string;
  /** Agents asked, in order; agents only heard of through events are added after them. */
  agentIds: readonly string[];
  agentName: (agentId: string) => string;
  result?: FanOutResult<T> | undefined;
  renderOk: (result: T) => ReactNode;
  /**
   * How a failed agent's error reads: a caller that words it (the ACME panels: the CA's reason,
   * naming the domain) gives its own words; without one, the error's message. The code is never
   * shown: it is the alert's data-code, for tests and support.
   */
  errorText?: (error: IpcError) => string;
}

export function OperationProgressList<T>({
  operationId,
  label,
  agentIds,
  agentName,
  result,
  renderOk,
  errorText,
}: Props<T>) {
  const said = errorText ?? ((error: IpcError) => error.message);
  const progress = useOperationProgress(operationId);
  const ids = [
    ...new Set([
      ...agentIds,
      ...(result?.results.map((r) => r.agentId) ?? []),
      ...Object.keys(progress ?? {}),
    ]),
  ];
  return (
    <ul className="operation" aria-label={`${label} progress`}>
      {ids.map((agentId) => {
        const outcome = result?.results.find((r) => r.agentId === agentId);
        const held = progress?.[agentId];
        const status: Status = outcome ? (outcome.ok ? 'ok' : 'error') : (held?.status ?? 'waiting');
        const name = agentName(agentId);
        return (
          <li key={agentId} className={`operation-agent status-${status}`} aria-label={name}>
            <span className="operation-name">{name}</span>
            <progress
              max={STEPS}
              value={STEP[status]}
              aria-label={`${label} on ${name}`}
              aria-valuetext={STATUS_TEXT[status]}
              className={`status-${status}`}
            />
            <span className="operation-status">
              {STATUS_TEXT[status]}
              {!outcome && held?.status === 'running' && held.message ? `: ${held.message}` : ''}
            </span>
            {outcome?.ok && <div className="operation-result">{renderOk(outcome.result)}</div>}
            {outcome && !outcome.ok && (
              // The code is for tests and support (data-code), not words the admin reads.
              <div role="alert" className="error" data-code={outcome.error.code}>
                {said(outcome.error)}
              </div>
            )}
            {!outcome && held?.status === 'error' && held.message && (
              <div role="alert" className="error">
                {held.error ? said(held.error) : held.message}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
