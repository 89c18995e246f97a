/**
 * The preview, agent by agent: the revision it was computed against (the one the apply will
 * insist on), each pool and virtual service change as a sentence (a replacement lists its
 * changed fields with before → after), the objects that stay as they are, and an agent's
 * refusal with all its problems.
 */
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { TemplatePreview } from '../../../shared/ipc/templates.ts';
import { AgentErrorView } from './agent-error-view.tsx';
import { type Change, changeSummary, fieldChanges, refsText } from '../../../shared/templates/change-text.ts';
import { StoreFix } from './store-fix.tsx';

export function PreviewList({
  preview,
  nameOf,
}: {
  preview: FanOutResult<TemplatePreview>;
  nameOf: (agentId: string) => string;
}) {
  return (
    <ul className="tpl-preview">
      {preview.results.map((r) => (
        <li key={r.agentId} aria-label={`Preview on ${nameOf(r.agentId)}`} className="tpl-agent-result">
          <h4>{nameOf(r.agentId)}</h4>
          {r.ok ? (
            <>
              <p className="muted">Computed against revision {r.result.revision}.</p>
              {r.result.changes.length === 0 && <p>Nothing would change.</p>}
              {r.result.changes.length > 0 && (
                <ul className="tpl-changes">
                  {r.result.changes.map((c) => (
                    <ChangeItem key={`${c.kind}:${c.name}`} change={c} />
                  ))}
                </ul>
              )}
              {r.result.unchanged.length > 0 && (
                <p className="muted">
                  Unchanged (written as they already are): {refsText(r.result.unchanged)}
                </p>
              )}
            </>
          ) : (
            <>
              <AgentErrorView error={r.error} title="Preview failed" />
              <StoreFix error={r.error} agentName={nameOf(r.agentId)} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function ChangeItem({ change }: { change: Change }) {
  return (
    <li className={`tpl-change tpl-change-${change.op}`}>
      <span className="badge">{change.op}</span> {changeSummary(change)}
      {change.op === 'replace' && (
        <ul className="tpl-fields">
          {fieldChanges(change).map((f) => (
            <li key={f.path}>
              <code>{f.path}</code>: {f.before} → {f.after}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
