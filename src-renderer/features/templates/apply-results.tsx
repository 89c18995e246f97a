/**
 * The apply, agent by agent: a progress bar fed by the operation's `progress` events (reduced
 * into the query cache by api/apply-event.ts, so they count even when they arrive before the
 * answer), then each agent's outcome: the revision now running and the pools and virtual
 * services added, replaced or left as they were, or why not. A CONFLICT means
 * the agent's configuration changed after the preview: nothing was applied there.
 */
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { TemplateApplied } from '../../../shared/ipc/templates.ts';
import type { AgentProgress } from '../../api/operations.ts';
import { useOperationProgress } from '../../api/use-operation-progress.ts';
import { AgentErrorView } from './agent-error-view.tsx';
import { currentRevisionOf } from './agent-error.ts';
import { refsText } from '../../../shared/templates/change-text.ts';
import { StoreFix } from './store-fix.tsx';

const STEP: Record<AgentProgress['status'], number> = { pending: 0, running: 1, ok: 2, error: 2 };

export function ApplyResults({
  operationId,
  agentIds,
  result,
  nameOf,
}: {
  operationId: string;
  agentIds: readonly string[];
  result: FanOutResult<TemplateApplied> | undefined;
  nameOf: (agentId: string) => string;
}) {
  const progress = useOperationProgress(operationId);
  return (
    <ul className="tpl-apply">
      {agentIds.map((id) => {
        const outcome = result?.results.find((r) => r.agentId === id);
        // The answer is final; until it comes, the events say how far each agent is.
        const status: AgentProgress['status'] = outcome
          ? outcome.ok
            ? 'ok'
            : 'error'
          : (progress?.[id]?.status ?? 'pending');
        const message = outcome ? undefined : progress?.[id]?.message;
        const name = nameOf(id);
        return (
          <li key={id} aria-label={`Apply on ${name}`} className="tpl-agent-result">
            <div className="tpl-progress-line">
              <strong>{name}</strong>
              <progress max={2} value={STEP[status]} aria-label={`Progress on ${name}`} />
              <span className={`tpl-status tpl-status-${status}`}>
                {STATUS_TEXT[status]}
                {message ? `: ${message}` : ''}
              </span>
            </div>
            {outcome?.ok && (
              <p>
                Revision {outcome.result.revision} now running.
                {outcome.result.created.length > 0 && ` Added ${refsText(outcome.result.created)}.`}
                {outcome.result.replaced.length > 0 && ` Replaced ${refsText(outcome.result.replaced)}.`}
                {outcome.result.unchanged.length > 0 && ` Unchanged ${refsText(outcome.result.unchanged)}.`}
              </p>
            )}
            {outcome && !outcome.ok && (
              <AgentErrorView
                error={outcome.error}
                title="Not applied"
                {...(outcome.error.code === 'CONFLICT'
                  ? { hint: conflictHint(currentRevisionOf(outcome.error)) }
                  : {})}
              />
            )}
            {outcome && !outcome.ok && <StoreFix error={outcome.error} agentName={name} />}
          </li>
        );
      })}
    </ul>
  );
}

const STATUS_TEXT: Record<AgentProgress['status'], string> = {
  pending: 'waiting',
  running: 'applying',
  ok: 'done',
  error: 'failed',
};

function conflictHint(current: number | undefined): string {
  return `The configuration changed since the preview${
    current === undefined ? '' : ` (revision ${current} runs now)`
  }: nothing was applied here. Preview again to see what the template would change now.`;
}
